"""The listings' index (FacetEntry) follows every change to the stories and
their links, and listings narrowed to one value read their pages from it."""
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import facets
from articles.models import Article, EditConflict, FacetEntry, Status

from .factories import make_article, make_country, make_stories, make_topic
from .pages import soup, titles

pytestmark = pytest.mark.django_db


def expected():
    """The entries the stories and links call for, worked out from them
    here, independently of articles.facets."""
    rows = set()
    for story in Article.objects.filter(status=Status.PUBLISHED, published_at__isnull=False):
        for topic in story.topics.all():
            rows.add(("topics", topic.pk, story.pk, story.published_at))
        for country in story.countries.all():
            rows.add(("countries", country.pk, story.pk, story.published_at))
    return rows


def entries():
    return set(FacetEntry.objects.values_list("facet", "value", "article", "published_at"))


def test_entries_follow_the_stories_and_their_links_from_either_side():
    chine, inde = make_topic(), make_topic()
    kazakhstan = make_country(code="KZ", name="Kazakhstan", slug="kazakhstan")
    draft = make_article(status=Status.DRAFT, published_at=None, topics=[chine])
    story = make_article(topics=[chine, inde])
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1), topics=[inde])
    assert {(f, v, a) for f, v, a, _ in entries()} == {
        ("topics", chine.pk, story.pk),
        ("topics", inde.pk, story.pk),
        ("topics", inde.pk, scheduled.pk),
    }
    steps = [
        lambda: draft.publish() or draft.save(),
        lambda: setattr(story, "status", Status.REVIEW) or story.save(),
        lambda: setattr(story, "status", Status.PUBLISHED) or story.save(),
        lambda: setattr(story, "published_at", timezone.now() - timedelta(days=9)) or story.save(),
        lambda: story.topics.remove(chine),
        lambda: story.topics.add(chine),
        lambda: story.topics.set([inde]),
        lambda: story.topics.clear(),
        lambda: inde.articles.add(story, draft),
        lambda: inde.articles.remove(draft),
        lambda: chine.articles.clear(),
        lambda: chine.articles.add(draft),
        lambda: story.topics.set([inde, chine]),
        # Countries hold the relation: from their side, a change names the stories.
        lambda: kazakhstan.stories.add(story, scheduled, draft),
        lambda: kazakhstan.stories.remove(draft),
        lambda: kazakhstan.stories.clear(),
        lambda: kazakhstan.stories.add(story, scheduled),
        lambda: story.countries.remove(kazakhstan),
        lambda: story.countries.add(kazakhstan),
        lambda: make_article(topics=[chine]).delete(),
        lambda: inde.delete(),
        lambda: kazakhstan.delete(),
        lambda: story.delete(),
    ]
    for number, step in enumerate(steps):
        step()
        assert entries() == expected(), f"step {number}"
    assert entries(), "the last steps leave entries to compare"


def test_a_save_that_is_refused_leaves_the_entries_as_they_were():
    topic = make_topic()
    story = make_article(topics=[topic])
    stale = Article.objects.get(pk=story.pk)
    story.title = "Une autre main"
    story.save()
    before = entries()
    stale.status = Status.DRAFT
    with pytest.raises(EditConflict), transaction.atomic():
        stale.save()
    assert entries() == before == expected()


def test_rebuild_writes_what_the_changes_wrote():
    topic = make_topic()
    make_stories(3, topics=[topic])
    make_article(topics=[topic])
    make_article(status=Status.DRAFT, published_at=None, topics=[topic])
    written = entries()
    FacetEntry.objects.all().delete()
    facets.rebuild()
    assert entries() == written == expected()
    assert len(written) == 4


def ids_read_from_the_index(client, url):
    client.cookies["lecteur"] = "connecté"  # built, not served from the page cache
    client.get(url)  # the facet counts, which count the index, are kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, any("facetentry" in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("path", ["/articles/?topic=chine&", "/themes/chine/?"])
def test_a_listing_of_one_topic_pages_through_the_index_in_both_orders(client, path):
    topic = make_topic(slug="chine")
    stories = make_stories(45, topics=[topic])  # newest first
    make_stories(30, topics=[make_topic()])
    make_article(topics=[topic], status=Status.DRAFT)
    make_article(topics=[topic], published_at=timezone.now() + timedelta(hours=1))
    client.cookies["lecteur"] = "connecté"  # built, not served from the page cache
    for query, shown in [
        ("page=1", stories[:20]),
        ("page=3", stories[40:]),
        ("ordering=ancien", stories[::-1][:20]),
        ("ordering=ancien&page=3", stories[::-1][40:]),
    ]:
        response, from_index = ids_read_from_the_index(client, path + query)
        assert from_index, query
        assert titles(response) == [story.title for story in shown], query


def test_other_listings_do_not_read_the_index(client):
    topic = make_topic(slug="chine")
    make_stories(3, topics=[topic])
    for url in ["/articles/", "/articles/?topic=chine&kind=brief", "/themes/chine/?kind=article"]:
        response, from_index = ids_read_from_the_index(client, url)
        assert not from_index, url


def test_a_scheduled_story_joins_the_topic_page_at_its_time(client):
    topic = make_topic(slug="chine")
    when = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    make_article(title="À paraître", topics=[topic], published_at=when)
    make_article(title="Paru", topics=[topic])
    with time_machine.travel(when - timedelta(seconds=1), tick=False):
        assert titles(client.get("/themes/chine/")) == ["Paru"]
        assert titles(client.get("/articles/?topic=chine")) == ["Paru"]
    with time_machine.travel(when, tick=False):
        response = client.get("/themes/chine/")
        assert titles(response) == ["À paraître", "Paru"]
        assert soup(response).select_one(".results__count").get_text(strip=True) == "2 articles"
        assert titles(client.get("/articles/?topic=chine")) == ["À paraître", "Paru"]


def test_the_admin_form_keeps_the_entries_in_step(client):
    from articles.services import EDITORS

    from .admin_forms import form_data
    from .factories import make_user

    client.force_login(make_user(EDITORS, username="rosa"))
    chine, inde = make_topic(), make_topic()
    story = make_article(title="Le blé", topics=[chine])
    url = f"/admin/articles/article/{story.pk}/change/"
    data = form_data(client.get(url), "#article_form")
    data["topics"] = [str(inde.pk)]
    assert client.post(url, data).status_code == 302
    assert {(f, v) for f, v, _, _ in entries()} == {("topics", inde.pk)}
    assert entries() == expected()
    data = form_data(client.get(url), "#article_form")
    data["publication-step"] = "depublier"  # « Dépublier »
    assert client.post(url, data).status_code == 302
    assert Article.objects.get(pk=story.pk).status == Status.DRAFT
    assert entries() == expected() == set()
