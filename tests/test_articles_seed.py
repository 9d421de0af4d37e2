import pytest
from django.core.management import call_command

from articles.models import Article, Kind, Topic

pytestmark = pytest.mark.django_db

EXPECTED_TOPICS = {
    "Commerce international", "Chine", "Kazakhstan", "Nouvelles routes de la soie",
    "Commerce électronique", "Investissement",
}


def test_seed_loads_the_article_briefs_and_topics(seeded):
    assert seeded.title == "Le Kazakhstan et la Chine s\u2019engagent à doubler leurs échanges commerciaux d\u2019ici 2030"
    assert seeded.is_published()
    assert EXPECTED_TOPICS <= set(Topic.objects.values_list("name", flat=True))
    briefs = Article.objects.published().briefs()
    assert briefs.count() >= 4
    for brief in briefs:
        assert seeded in brief.related.all()
        assert brief.published_at > seeded.published_at
        assert brief.topics.exists()


def test_seed_topics_make_the_menu_in_the_seeds_order(client, seeded):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/").content, "html.parser")
    links = [a.get_text() for a in page.select("nav.topnav a")]
    assert links[2:5] == ["Commerce international", "Chine", "Kazakhstan"]
    assert links[-1] == "L’info de A à Z"


def test_seed_briefs_restate_facts_of_the_article(seeded):
    """Every figure a brief quotes is in the article itself."""
    import re

    article_text = f"{seeded.standfirst} {seeded.body}"
    for brief in Article.objects.briefs():
        text = f"{brief.title} {brief.standfirst} {brief.body}"
        for number in re.findall(r"\d[\d,\u202f ]*\d|\d", text):
            normalised = number.replace("\u202f", " ")
            assert normalised in article_text, (brief.title, number)


def test_seed_is_idempotent(seeded):
    counts = (Article.objects.count(), Topic.objects.count(), Article.related.through.objects.count())
    call_command("load_seed")
    call_command("load_seed")
    assert (Article.objects.count(), Topic.objects.count(), Article.related.through.objects.count()) == counts
    assert Article.objects.filter(kind=Kind.ARTICLE).count() == 1
