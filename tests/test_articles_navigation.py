"""The navigation's topics: built once per content version, fresh after a change."""

from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Status

from .factories import make_article, make_topic

pytestmark = pytest.mark.django_db


def nav(client, url="/"):
    page = BeautifulSoup(client.get(url).content, "html.parser")
    return {a.get_text(): a for a in page.select("nav.topnav a")}


@pytest.fixture
def reader(client):
    """A reader with a cookie: pages are built for every request, never cached."""
    client.cookies["lecteur"] = "1"
    return client


def test_navigation_lists_topics_with_published_stories_only(reader):
    shown, hidden, scheduled = make_topic(name="Chine"), make_topic(name="Vide"), (
        make_topic(name="Demain")
    )
    make_article(topics=[shown])
    make_article(topics=[hidden], status=Status.DRAFT)
    make_article(topics=[scheduled], published_at=timezone.now() + timedelta(hours=1))
    links = nav(reader)
    assert links["Chine"]["href"] == shown.get_absolute_url()
    assert "Vide" not in links and "Demain" not in links
    current = nav(reader, shown.get_absolute_url())["Chine"]
    assert current["aria-current"] == "page"


def test_navigation_is_built_once_per_content_version(reader):
    topic = make_topic(name="Chine")
    first, second = make_article(topics=[topic]), make_article(topics=[topic])

    def queries(url):
        with CaptureQueriesContext(connection) as context:
            assert reader.get(url).status_code == 200
        return len(context)

    built = queries(first.get_absolute_url())
    # Built: the topics' query, the countries' (footer) and the site's dates
    # (the page's Last-Modified), then kept; so are the story with its
    # topics, its related stories and key-figures box, which another story
    # reads and builds for itself.
    assert queries(second.get_absolute_url()) == built - 3
    assert queries(first.get_absolute_url()) == built - 7 == 0
    make_topic(name="Inde")  # any change to the content: built anew
    assert queries(first.get_absolute_url()) == built


@pytest.mark.parametrize("cached", [True, False], ids=["anonymous", "with-cookie"])
def test_navigation_follows_publication_and_unpublication(client, cached):
    make_article(topics=[make_topic(name="Chine")])
    topic = make_topic(name="Inde")
    story = make_article(topics=[topic], status=Status.DRAFT)
    if not cached:
        client.cookies["lecteur"] = "1"
    assert "Inde" not in nav(client)
    story.status = Status.PUBLISHED
    story.save()
    assert "Inde" in nav(client)
    story.status = Status.DRAFT
    story.save()
    assert "Inde" not in nav(client)


def test_navigation_shows_a_scheduled_topic_at_its_time(reader):
    make_article(topics=[make_topic(name="Chine")])
    when = timezone.now() + timedelta(hours=1)
    make_article(topics=[make_topic(name="Inde")], published_at=when)
    assert "Inde" not in nav(reader)
    with time_machine.travel(when + timedelta(seconds=1)):
        assert "Inde" in nav(reader)
