import re
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from articles.seo import Picture

from .factories import make_article, make_brief, make_stories, make_topic
from .feeds import SITE_FEEDS, SITE_URL, TOPIC_FEEDS, fetch_feed

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DCTERMS = "{http://purl.org/dc/terms/}"
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)
SEED_INSTANT = datetime(2025, 8, 23, 7, 40, tzinfo=dt_timezone.utc)


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = SITE_URL


def all_feed_urls(topic):
    return [reverse(name) for name in SITE_FEEDS] + [
        reverse(name, args=[topic.slug]) for name in TOPIC_FEEDS
    ]


def guid(story):
    created = story.created_at.astimezone(dt_timezone.utc)
    return f"tag:lagazette.example,{created:%Y-%m-%d}:article:{story.pk}"


def as_utc(struct):
    return datetime(*struct[:6], tzinfo=dt_timezone.utc)


@pytest.mark.parametrize("name", ["articles:feed_rss", "articles:feed_atom"])
def test_site_feed_carries_every_published_story_in_full(client, seeded, name):
    _, feed, _ = fetch_feed(client, reverse(name))
    stories = list(Article.objects.published().prefetch_related("topics"))
    assert [entry.link for entry in feed.entries] == [
        SITE_URL + story.get_absolute_url() for story in stories
    ]
    for entry, story in zip(feed.entries, stories, strict=True):
        assert entry.title == story.title
        assert entry.id == guid(story)
        assert entry.guidislink is False
        assert as_utc(entry.published_parsed) == story.published_at.replace(
            microsecond=0
        )
        assert as_utc(entry.updated_parsed) == story.updated_at.replace(microsecond=0)
        assert entry.author == "La Gazette"
        assert sorted(tag.term for tag in entry.tags) == sorted(
            topic.name for topic in story.topics.all()
        )
        assert (
            BeautifulSoup(entry.summary, "html.parser").get_text() == story.standfirst
        )
        assert [c.type for c in entry.content] == ["text/html"]
        body = BeautifulSoup(entry.content[0].value, "html.parser")
        assert (
            body.get_text() == BeautifulSoup(story.body_html, "html.parser").get_text()
        )
    lead = feed.entries[-1]
    assert as_utc(lead.published_parsed) == SEED_INSTANT
    lead_text = BeautifulSoup(lead.content[0].value, "html.parser").get_text()
    assert "43,8\u00a0milliards de dollars" in lead_text
    assert len(BeautifulSoup(lead.content[0].value, "html.parser").find_all("p")) == 9


def test_rss_channel_and_items_meet_rss_2_0(client, seeded):
    response, feed, tree = fetch_feed(client, reverse("articles:feed_rss"))
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert tree.tag == "rss" and tree.get("version") == "2.0"
    channel = tree.find("channel")
    assert channel.findtext("title") == "La Gazette\u202f: tous les articles et brèves"
    assert channel.findtext("link") == SITE_URL + "/"
    assert channel.findtext("description")
    assert channel.findtext("language") == "fr"
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == SITE_URL + "/flux/rss/"
    assert RFC822.match(channel.findtext("lastBuildDate"))
    items = channel.findall("item")
    assert len(items) == 6
    for item in items:
        assert item.findtext("link").startswith(SITE_URL + "/articles/")
        assert item.find("guid").get("isPermaLink") == "false"
        assert RFC822.match(item.findtext("pubDate"))
        assert RFC3339.match(item.findtext(f"{DCTERMS}modified"))
        assert item.findtext(f"{CONTENT}encoded")
    assert items[-1].findtext("pubDate") == "Sat, 23 Aug 2025 09:40:00 +0200"
    assert feed.feed.language == "fr"


def test_atom_feed_meets_rfc_4287(client, seeded):
    response, feed, tree = fetch_feed(client, reverse("articles:feed_atom"))
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert tree.tag == f"{ATOM}feed"
    assert tree.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert tree.findtext(f"{ATOM}id") == SITE_URL + "/flux/atom/"
    assert tree.findtext(f"{ATOM}title")
    assert RFC3339.match(tree.findtext(f"{ATOM}updated"))
    links = {link.get("rel"): link.get("href") for link in tree.findall(f"{ATOM}link")}
    assert links == {"alternate": SITE_URL + "/", "self": SITE_URL + "/flux/atom/"}
    entries = tree.findall(f"{ATOM}entry")
    assert len(entries) == 6
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith("tag:lagazette.example,")
        assert entry.findtext(f"{ATOM}title")
        assert RFC3339.match(entry.findtext(f"{ATOM}published"))
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "La Gazette"
        assert entry.find(f"{ATOM}link").get("href").startswith(SITE_URL + "/articles/")
        assert entry.find(f"{ATOM}content").get("type") == "html"
        assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert entries[-1].findtext(f"{ATOM}published") == "2025-08-23T09:40:00+02:00"
    assert feed.version == "atom10"


@pytest.mark.parametrize("name", ["articles:feed_rss", "articles:feed_atom"])
def test_awkward_characters_in_a_title_survive_intact(client, name):
    story = make_article()
    title = 'Fusions & acquisitions <2025> : le "oui" 🎉'
    # update() skips the typography of save(): the straight quotes stay.
    Article.objects.filter(pk=story.pk).update(title=title, standfirst="a < b & c")
    _, feed, _ = fetch_feed(client, reverse(name))
    assert feed.entries[0].title == title
    assert (
        BeautifulSoup(feed.entries[0].summary, "html.parser").get_text() == "a < b & c"
    )


@pytest.mark.parametrize("name", ["articles:feed_rss", "articles:feed_atom"])
def test_guid_survives_a_slug_change(client, name):
    story = make_article(slug="ancien-titre")
    _, before, _ = fetch_feed(client, reverse(name))
    story.slug = "nouveau-titre"
    story.save()
    _, after, _ = fetch_feed(client, reverse(name))
    assert before.entries[0].id == after.entries[0].id == guid(story)
    assert after.entries[0].link == SITE_URL + "/articles/nouveau-titre/"


def test_kind_feeds_split_articles_and_briefs(client):
    article, brief = make_article(), make_brief()
    for suffix in ("rss", "atom"):
        _, articles, _ = fetch_feed(client, reverse(f"articles:articles_feed_{suffix}"))
        _, briefs, _ = fetch_feed(client, reverse(f"articles:briefs_feed_{suffix}"))
        assert [e.title for e in articles.entries] == [article.title]
        assert [e.title for e in briefs.entries] == [brief.title]
        assert articles.feed.title == "La Gazette\u202f: articles"
        assert briefs.feed.title == "La Gazette\u202f: brèves"


@pytest.mark.parametrize("suffix", ["rss", "atom"])
def test_topic_feed_follows_its_topic_only(client, suffix):
    topic = make_topic(name="Chine", description="Tout sur la Chine.")
    inside = make_brief(topics=[topic])
    make_article(topics=[make_topic()])
    _, feed, _ = fetch_feed(
        client, reverse(f"articles:topic_feed_{suffix}", args=[topic.slug])
    )
    assert [e.title for e in feed.entries] == [inside.title]
    assert feed.feed.title == "La Gazette\u202f: Chine"
    assert feed.feed.link == SITE_URL + topic.get_absolute_url()
    assert feed.feed.subtitle == "Tout sur la Chine."
    assert client.get(f"/themes/inconnu/{suffix}/").status_code == 404


def test_feed_is_newest_first_and_limited(client):
    now = timezone.now()
    for minutes in range(35):
        make_article(
            title=f"Il y a {minutes} min",
            published_at=now - timedelta(minutes=minutes + 1),
        )
    _, feed, _ = fetch_feed(client, reverse("articles:feed_rss"))
    assert [e.title for e in feed.entries] == [f"Il y a {m} min" for m in range(30)]


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Status.DRAFT},
        {"status": Status.REVIEW},
        {"published_at": timezone.now() + timedelta(days=1)},
        {"status": Status.PUBLISHED, "published_at": None},
    ],
    ids=["draft", "review", "scheduled", "undated"],
)
def test_hidden_stories_are_absent_from_every_feed(client, overrides):
    topic = make_topic()
    make_article(title="Visible", topics=[topic])
    make_brief(title="Visible aussi", topics=[topic])
    for maker in (make_article, make_brief):
        maker(
            title="Caché", slug=f"cache-{maker.__name__}", topics=[topic], **overrides
        )
    for url in all_feed_urls(topic):
        response, feed, _ = fetch_feed(client, url)
        assert "Caché" not in response.content.decode()
        assert "cache-make" not in response.content.decode()
        assert {e.title for e in feed.entries} <= {"Visible", "Visible aussi"}
    _, feed, _ = fetch_feed(client, reverse("articles:feed_atom"))
    assert {e.title for e in feed.entries} == {"Visible", "Visible aussi"}


def test_relative_links_in_a_body_become_absolute(client):
    story = make_article(
        body="Un fait[^1] et [un thème](/themes/chine/).\n\n[^1]: La source."
    )
    _, feed, _ = fetch_feed(client, reverse("articles:feed_atom"))
    links = [
        a["href"]
        for a in BeautifulSoup(
            feed.entries[0].content[0].value, "html.parser"
        ).find_all("a")
    ]
    assert links and all(href.startswith(SITE_URL) for href in links)
    assert SITE_URL + "/themes/chine/" in links
    assert SITE_URL + story.get_absolute_url() + "#fn:1" in links


def test_story_picture_becomes_an_enclosure(client, monkeypatch):
    picture = Picture(
        url=SITE_URL + "/media/photo.jpg",
        mime_type="image/jpeg",
        width=800,
        height=600,
        alt="Une photo",
        length=12345,
    )
    monkeypatch.setattr("articles.feeds.story_picture", lambda request, story: picture)
    make_article()
    for name in ("articles:feed_rss", "articles:feed_atom"):
        _, feed, _ = fetch_feed(client, reverse(name))
        [enclosure] = feed.entries[0].enclosures
        assert enclosure.href == picture.url
        assert enclosure.type == "image/jpeg"
        assert enclosure.length == "12345"


def test_stories_without_picture_have_no_enclosure(client):
    make_article()
    _, feed, _ = fetch_feed(client, reverse("articles:feed_rss"))
    assert feed.entries[0].enclosures == []


def test_feed_query_count_does_not_grow_with_items(client, django_assert_num_queries):
    topics = [make_topic() for _ in range(3)]
    make_article(topics=topics)
    # Validators, items, their topics.
    with django_assert_num_queries(3):
        fetch_feed(client, reverse("articles:feed_rss"))
    for _ in range(20):
        make_article(topics=topics)
    with django_assert_num_queries(3):
        fetch_feed(client, reverse("articles:feed_rss"))


def test_home_page_leads_a_feed_reader_to_the_seed_story_and_its_briefs(client, seeded):
    page = BeautifulSoup(client.get("/").content, "html.parser")
    alternates = {
        link["type"]: link["href"] for link in page.select('head link[rel="alternate"]')
    }
    assert set(alternates) == {"application/rss+xml", "application/atom+xml"}
    briefs = list(seeded.related.all())
    assert len(briefs) == 5
    for href in alternates.values():
        _, feed, _ = fetch_feed(client, href)
        entries = {entry.link: entry for entry in feed.entries}
        for story in [seeded, *briefs]:
            entry = entries[SITE_URL + story.get_absolute_url()]
            assert entry.title == story.title
            assert (
                BeautifulSoup(entry.content[0].value, "html.parser").get_text().strip()
            )
            assert story.body_html.count("<p>") == entry.content[0].value.count("<p>")


def test_topic_page_announces_its_own_feeds(client):
    topic = make_topic()
    page = BeautifulSoup(client.get(topic.get_absolute_url()).content, "html.parser")
    hrefs = {link["href"] for link in page.select('head link[rel="alternate"]')}
    assert {
        f"/themes/{topic.slug}/rss/",
        f"/themes/{topic.slug}/atom/",
        "/flux/rss/",
    } <= hrefs
    for href in hrefs:
        fetch_feed(client, href)


def test_feed_urls_round_trip():
    assert reverse("articles:feed_rss") == "/flux/rss/"
    assert reverse("articles:feed_atom") == "/flux/atom/"
    assert reverse("articles:articles_feed_rss") == "/flux/articles/rss/"
    assert reverse("articles:briefs_feed_atom") == "/flux/breves/atom/"
    assert reverse("articles:topic_feed_rss", args=["chine"]) == "/themes/chine/rss/"
    assert settings.LANGUAGE_CODE == "fr"


def test_topic_feed_query_count_does_not_grow(client, django_assert_num_queries):
    topic = make_topic()
    make_article(topics=[topic, make_topic()])
    url = reverse("articles:topic_feed_atom", args=[topic.slug])
    # Topic, validators, items, their topics.
    with django_assert_num_queries(4):
        fetch_feed(client, url)
    for _ in range(10):
        make_brief(topics=[topic, make_topic()])
    with django_assert_num_queries(4):
        fetch_feed(client, url)


@pytest.mark.parametrize("facet", ["topic", "country"])
def test_a_facet_feed_takes_its_newest_stories_from_the_listings_index(client, facet):
    from .factories import make_country

    stories = make_stories(35)  # newest first
    make_stories(5, topics=[make_topic()])
    draft = make_article(status=Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    if facet == "topic":
        value = make_topic()
        for story in [*stories, draft, scheduled]:
            story.topics.add(value)
        url = reverse("articles:topic_feed_rss", args=[value.slug])
    else:
        value = make_country(code="KZ", name="Kazakhstan", slug="kazakhstan")
        value.stories.set([*stories, draft, scheduled])
        url = reverse("trade:country_feed_rss", args=[value.slug])
    with CaptureQueriesContext(connection) as queries:
        _, feed, _ = fetch_feed(client, url)
    assert [e.title for e in feed.entries] == [story.title for story in stories[:30]]
    assert any("facetentry" in q["sql"] for q in queries.captured_queries)
