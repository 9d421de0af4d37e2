"""Feeds of any listing: the same FilterSet, so a subscriber follows exactly
what they filtered, on the general listing, a topic page and a country page."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Status

from .factories import make_article, make_brief, make_country, make_topic
from .feeds import SITE_URL, fetch_feed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def newsroom():
    chine = make_topic(name="Chine", slug="chine")
    autre = make_topic(name="Autre", slug="autre")
    kz = make_country(code="KZ", name="Kazakhstan", slug="kazakhstan")
    stories = {
        "chine_article": make_article(title="Les échanges commerciaux", topics=[chine]),
        "chine_brief": make_brief(title="Brève sur les échanges", topics=[chine]),
        "chine_old_brief": make_brief(
            title="Vieille brève",
            topics=[chine],
            published_at=timezone.now() - timedelta(days=400),
        ),
        "autre_brief": make_brief(title="Brève d’ailleurs", topics=[autre]),
        "draft_brief": make_brief(title="Brève en brouillon", topics=[chine], status=Status.DRAFT),
    }
    for key in ("chine_article", "chine_brief", "autre_brief", "draft_brief"):
        kz.stories.add(stories[key])
    return stories


def titles(feed):
    return [entry.title for entry in feed.entries]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_listing_feed_follows_the_listing_filters(client, newsroom, fmt):
    query = "topic=chine&kind=brief"
    _, feed, _ = fetch_feed(client, f"/articles/flux/{fmt}/?{query}")
    assert titles(feed) == ["Brève sur les échanges", "Vieille brève"]
    assert feed.feed.title == "La Gazette\u202f: tous les articles et brèves — Chine, brèves"
    assert feed.feed.link == f"{SITE_URL}/articles/?{query}"
    page = BeautifulSoup(client.get(f"/articles/?{query}").content, "html.parser")
    listed = [a.get_text() for a in page.select(".results .card__title a")]
    assert listed == titles(feed)


def test_listing_page_offers_the_feed_of_its_selection(client, newsroom):
    page = BeautifulSoup(
        client.get("/articles/?q=echanges&kind=brief").content, "html.parser"
    )
    alternates = {link["href"] for link in page.select("head link[rel=alternate]")}
    assert "/articles/flux/rss/?q=echanges&kind=brief" in alternates
    assert "/articles/flux/atom/?q=echanges&kind=brief" in alternates
    _, feed, _ = fetch_feed(client, "/articles/flux/rss/?q=echanges&kind=brief")
    assert titles(feed) == ["Brève sur les échanges"]


def test_topic_feed_takes_the_page_filters_too(client, newsroom):
    after = (timezone.now() - timedelta(days=30)).date().isoformat()
    _, feed, _ = fetch_feed(client, f"/themes/chine/rss/?kind=brief&after={after}")
    assert titles(feed) == ["Brève sur les échanges"]
    page = BeautifulSoup(
        client.get(f"/themes/chine/?kind=brief&after={after}").content, "html.parser"
    )
    feed_link = page.select_one(".page-header__feeds a[type='application/rss+xml']")
    assert feed_link["href"] == f"/themes/chine/rss/?kind=brief&after={after}"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_country_feed_lists_the_country_published_stories(client, newsroom, fmt):
    _, feed, _ = fetch_feed(client, f"/pays/kazakhstan/{fmt}/")
    assert titles(feed) == ["Brève d’ailleurs", "Brève sur les échanges", "Les échanges commerciaux"]
    assert feed.feed.title == "La Gazette\u202f: Kazakhstan"
    _, feed, _ = fetch_feed(client, f"/pays/kazakhstan/{fmt}/?topic=chine&kind=brief")
    assert titles(feed) == ["Brève sur les échanges"]


@pytest.mark.parametrize(
    "url",
    [
        "/articles/flux/rss/?kind=nimporte",
        "/articles/flux/rss/?after=2025-02-31",
        "/articles/flux/atom/?after=2025-09-01&before=2025-08-01",
        "/themes/chine/rss/?q=a",
    ],
)
def test_bad_filters_give_a_400_with_a_message(client, newsroom, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Cette adresse n’est pas valide" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/articles/flux/rss/?topic=inconnu", "/pays/inconnu/rss/", "/pays/kazakhstan/rss/?topic=inconnu"],
)
def test_unknown_subjects_give_a_404(client, newsroom, url):
    assert client.get(url).status_code == 404


def test_drafts_never_reach_a_listing_feed(client, newsroom):
    for url in [
        "/articles/flux/rss/?topic=chine",
        "/themes/chine/atom/?kind=brief",
        "/pays/kazakhstan/rss/",
        "/pays/kazakhstan/atom/?kind=brief",
    ]:
        assert "Brève en brouillon" not in client.get(url).content.decode()


def test_control_characters_in_a_search_never_break_the_feed(client, newsroom):
    _, feed, _ = fetch_feed(client, "/articles/flux/rss/?q=%C3%A9changes%1B")
    assert feed.feed.title.endswith("«\u202féchanges\u202f»")
    assert client.get("/articles/?q=%1B%00").status_code == 200
