import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status

from .factories import make_article, make_brief, make_figure, make_pair, make_topic

pytestmark = pytest.mark.django_db

SITE_URL = "https://lagazette.example"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = SITE_URL


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(tree):
    return [url.findtext(f"{SM}loc") for url in tree.findall(f"{SM}url")]


def test_index_lists_the_sections_on_the_public_site(client):
    pair = make_pair()
    story = make_article(topics=[make_topic()])
    make_figure(stories=[story], reporter=pair.first, partner=pair.second)
    tree = xml(client, "/sitemap.xml")
    assert tree.tag == f"{SM}sitemapindex"
    sections = {s.findtext(f"{SM}loc"): s.findtext(f"{SM}lastmod") for s in tree}
    assert set(sections) == {
        f"{SITE_URL}/sitemap-articles.xml",
        f"{SITE_URL}/sitemap-themes.xml",
        f"{SITE_URL}/sitemap-chiffres.xml",
    }
    assert all(sections.values())
    for loc in sections:
        xml(client, loc.removeprefix(SITE_URL))


def test_story_sitemap_locations_are_the_stories_absolute_urls(client):
    older = make_article(published_at=timezone.now() - timedelta(days=3))
    brief = make_brief()
    tree = xml(client, "/sitemap-articles.xml")
    assert locations(tree) == [
        SITE_URL + brief.get_absolute_url(),
        SITE_URL + older.get_absolute_url(),
    ]
    lastmods = [url.findtext(f"{SM}lastmod") for url in tree.findall(f"{SM}url")]
    brief.refresh_from_db()
    assert (
        lastmods[0]
        == timezone.localtime(brief.updated_at).replace(microsecond=0).isoformat()
    )


def test_topic_sitemap_lists_topics_with_published_stories(client):
    live, empty = make_topic(), make_topic()
    make_article(topics=[live])
    make_article(topics=[empty], status=Status.DRAFT)
    assert locations(xml(client, "/sitemap-themes.xml")) == [
        SITE_URL + live.get_absolute_url()
    ]


def test_news_sitemap_holds_the_last_48_hours(client, seeded):
    fresh = make_article(
        title="Fusions & acquisitions",
        published_at=timezone.now() - timedelta(hours=47),
    )
    make_article(title="Trop vieux", published_at=timezone.now() - timedelta(hours=49))
    tree = xml(client, reverse("sitemap_news"))
    [url] = tree.findall(f"{SM}url")
    assert url.findtext(f"{SM}loc") == SITE_URL + fresh.get_absolute_url()
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "La Gazette"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "fr"
    assert news.findtext(f"{NEWS}title") == "Fusions & acquisitions"
    published = news.findtext(f"{NEWS}publication_date")
    assert timezone.datetime.fromisoformat(published) == fresh.published_at.replace(
        microsecond=0
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Status.DRAFT},
        {"status": Status.REVIEW},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "review", "scheduled"],
)
def test_hidden_stories_are_absent_from_every_sitemap(client, overrides):
    secret = make_topic(name="Secret")
    make_article(title="Visible")
    hidden = make_article(title="Caché", topics=[secret], **overrides)
    make_brief(title="Caché aussi", topics=[secret], **overrides)
    for url in [
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-themes.xml",
        "/sitemap-actualites.xml",
    ]:
        content = client.get(url).content.decode()
        assert hidden.get_absolute_url() not in content
        assert secret.get_absolute_url() not in content
        assert "cach" not in content.lower()
    assert len(locations(xml(client, "/sitemap-articles.xml"))) == 1
    assert Article.objects.count() == 3


def test_unknown_section_is_404(client):
    assert client.get("/sitemap-inconnu.xml").status_code == 404


def test_robots_txt_points_to_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in lines
    assert f"Sitemap: {SITE_URL}/sitemap-actualites.xml" in lines


def test_trade_sitemap_lists_pairs_with_published_figures(client):
    pair = make_pair()
    story = make_article()
    make_figure(stories=[story], reporter=pair.first, partner=pair.second)
    hidden_pair = make_pair()
    draft = make_article(status=Status.DRAFT)
    make_figure(stories=[draft], reporter=hidden_pair.first, partner=hidden_pair.second)
    tree = xml(client, "/sitemap-chiffres.xml")
    assert locations(tree) == [SITE_URL + pair.get_absolute_url()]
    assert tree.find(f"{SM}url").findtext(f"{SM}lastmod")
