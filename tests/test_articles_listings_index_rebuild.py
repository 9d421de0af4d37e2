"""``manage.py rebuild_listings_index`` puts the listings' index back in step
after writes that send no signal (``bulk_create``, ``QuerySet.update()``)."""
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, FacetEntry, Kind, Status
from articles.search import fold
from pagecache import content_refresh

from .factories import make_article, make_topic
from .pages import soup, titles

pytestmark = pytest.mark.django_db

PAGES = ["/themes/chine/", "/articles/?topic=chine"]


def shown(client, url):
    """The titles a listing shows, its count of results, and the topics its
    filter form offers with their counts."""
    response = client.get(url)
    assert response.status_code == 200
    page = soup(response)
    count = page.select_one(".results__count").get_text(strip=True)
    options = [label.get_text(strip=True) for label in page.select(".filters__field--topic label")]
    return titles(response), count, options


def bulk_stories(*titles_and_ages):
    """Published stories written by ``bulk_create``, as an importer would:
    no save(), no signal."""
    now = timezone.now()
    stories = []
    for title, minutes in titles_and_ages:
        story = Article(
            title=title,
            slug=fold(title).replace(" ", "-"),
            kind=Kind.ARTICLE,
            status=Status.PUBLISHED,
            published_at=now - timedelta(minutes=minutes),
        )
        story.search_title = fold(story.title)
        stories.append(story)
    return Article.objects.bulk_create(stories)


def run_command():
    out = StringIO()
    call_command("rebuild_listings_index", stdout=out)
    return out.getvalue()


def test_the_command_rebuilds_the_index_that_bulk_writes_left_stale(client):
    chine, inde = make_topic(name="Chine", slug="chine"), make_topic(name="Inde", slug="inde")
    now = timezone.now()
    make_article(title="Déjà là", topics=[chine], published_at=now - timedelta(hours=5))
    withdrawn = make_article(title="Retiré", topics=[chine], published_at=now - timedelta(hours=4))
    draft = make_article(title="Relu", topics=[chine], status=Status.DRAFT, published_at=None)
    make_article(title="Ailleurs", topics=[inde], published_at=now - timedelta(hours=6))
    for url in PAGES:
        assert shown(client, url)[:2] == (["Retiré", "Déjà là"], "2 articles")

    # Writes that bypass save() and the m2m signals.
    imported = bulk_stories(("Importé un", 10), ("Importé deux", 20))
    Link = Article.topics.through
    Link.objects.bulk_create(
        [Link(article=story, topic=chine) for story in imported]
        + [Link(article=imported[0], topic=inde)]
    )
    Article.objects.filter(pk=draft.pk).update(
        status=Status.PUBLISHED, published_at=now - timedelta(hours=1)
    )
    Article.objects.filter(pk=withdrawn.pk).update(status=Status.DRAFT)

    # Nothing kept from before is read: the pages show what the index says,
    # and it still holds the stories as they were.
    content_refresh()
    for url in PAGES:
        # Three stories missing, and a withdrawn one still counted.
        assert shown(client, url)[:2] == (["Déjà là"], "2 articles"), url
    assert shown(client, PAGES[1])[2] == ["Chine (2)", "Inde (1)"]
    assert FacetEntry.objects.count() == 3

    output = run_command()

    expected = ["Importé un", "Importé deux", "Relu", "Déjà là"]
    assert output.strip() == "Index des listes réécrit : 6 entrée(s)."
    for url in PAGES:
        assert shown(client, url)[:2] == (expected, "4 articles"), url
    assert shown(client, PAGES[1])[2] == ["Chine (4)", "Inde (2)"]
    inde_titles, inde_count, _ = shown(client, "/themes/inde/")
    assert (inde_titles, inde_count) == (["Importé un", "Ailleurs"], "2 articles")
    index = soup(client.get("/themes/")).get_text(" ", strip=True)
    assert "Chine 4 articles" in index and "Inde 2 articles" in index


def test_the_command_is_idempotent_and_purges_the_pages_reading_the_index(
    settings, django_capture_on_commit_callbacks
):
    chine, inde = make_topic(slug="chine"), make_topic(slug="inde")
    make_article(topics=[chine, inde])
    make_article(topics=[chine])
    make_article(topics=[inde], status=Status.DRAFT, published_at=None)
    written = set(FacetEntry.objects.values_list("facet", "value", "article", "published_at"))
    settings.FRONTCACHE_PURGE_URL = "http://127.0.0.1:9/"
    for _ in range(2):
        sent = []
        with mock.patch(
            "frontcache.send_purge", side_effect=lambda url, names: sent.extend(names)
        ):
            with django_capture_on_commit_callbacks(execute=True):
                output = run_command()
        assert output.strip() == "Index des listes réécrit : 3 entrée(s)."
        rows = FacetEntry.objects.values_list("facet", "value", "article", "published_at")
        assert set(rows) == written
        assert {"listing", "feed", "topic:chine", "topic:inde"} <= set(sent)
        assert not any(key.startswith("story:") for key in sent)
