"""Story pages: canonical link, OpenGraph, Twitter card, JSON-LD."""

import json
import struct
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from articles.models import Article
from articles.seo import Picture

from .factories import make_article, make_topic

pytestmark = pytest.mark.django_db

SITE_URL = "https://lagazette.example"
STATIC = Path(settings.BASE_DIR) / "static"


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = SITE_URL


def head(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").head


def meta(page, key):
    tag = page.find("meta", attrs={"property": key}) or page.find(
        "meta", attrs={"name": key}
    )
    return tag["content"]


def structured_data(page):
    scripts = page.find_all("script", type="application/ld+json")
    return {data["@type"]: data for data in (json.loads(s.string) for s in scripts)}


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_seed_story_has_canonical_sharing_tags(client, seeded):
    page = head(client, seeded)
    url = SITE_URL + seeded.get_absolute_url()
    assert page.find("link", rel="canonical")["href"] == url
    assert meta(page, "description").startswith(
        "Le Kazakhstan et la Chine intensifient"
    )
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:url") == url
    assert meta(page, "og:title") == seeded.title
    assert meta(page, "og:description") == meta(page, "description")
    assert meta(page, "og:locale") == "fr_FR"
    assert meta(page, "og:image") == SITE_URL + "/static/img/partage.png"
    assert meta(page, "article:published_time") == "2025-08-23T09:40:00+02:00"
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:title") == seeded.title
    assert meta(page, "twitter:image") == meta(page, "og:image")
    tags = [
        t["content"] for t in page.find_all("meta", attrs={"property": "article:tag"})
    ]
    assert tags == sorted(topic.name for topic in seeded.topics.all())


def test_seed_story_json_ld_carries_the_exact_instant(client, seeded):
    data = structured_data(head(client, seeded))
    article = data["NewsArticle"]
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == seeded.title
    published = datetime.fromisoformat(article["datePublished"])
    assert published == datetime(
        2025, 8, 23, 8, 40, tzinfo=dt_timezone(timedelta(hours=1))
    )
    assert article["datePublished"] == "2025-08-23T09:40:00+02:00"
    assert datetime.fromisoformat(article["dateModified"]) >= published
    assert article["author"] == [
        {"@type": "Organization", "name": "La Gazette", "url": SITE_URL + "/"}
    ]
    publisher = article["publisher"]
    assert publisher["name"] == "La Gazette"
    assert publisher["logo"]["url"] == SITE_URL + "/static/img/logo.png"
    assert article["image"][0]["url"] == SITE_URL + "/static/img/partage.png"
    assert article["inLanguage"] == "fr"
    topics = [topic.name for topic in seeded.topics.all()]
    assert article["articleSection"] == topics[0]
    assert article["keywords"] == topics
    assert article["mainEntityOfPage"]["@id"] == SITE_URL + seeded.get_absolute_url()
    trail = data["BreadcrumbList"]["itemListElement"]
    assert [item["position"] for item in trail] == [1, 2, 3]
    assert [item["name"] for item in trail] == ["La Gazette", topics[0], seeded.title]
    assert trail[-1]["item"] == SITE_URL + seeded.get_absolute_url()


def test_json_ld_cannot_be_broken_out_of(client):
    title = '</script><script>alert("x")</script> & <!-- « ok »'
    story = make_article(title=title, standfirst="a < b")
    response = client.get(story.get_absolute_url())
    page = BeautifulSoup(response.content, "html.parser")
    assert "<script>alert" not in response.content.decode()
    data = structured_data(page.head)
    assert data["NewsArticle"]["headline"] == story.title
    assert data["NewsArticle"]["description"] == "a < b"


def test_story_without_topics_or_picture_gets_defaults(client):
    story = make_article(credit="Marie Curie", dateline="")
    data = structured_data(head(client, story))
    article = data["NewsArticle"]
    assert "articleSection" not in article and "keywords" not in article
    assert article["author"] == [{"@type": "Person", "name": "Marie Curie"}]
    assert [item["name"] for item in data["BreadcrumbList"]["itemListElement"]] == [
        "La Gazette",
        story.title,
    ]


def test_default_share_image_and_logo_exist_at_their_announced_size():
    assert png_size(STATIC / "img" / "partage.png") == (1200, 630)
    assert png_size(STATIC / "img" / "logo.png") == (600, 60)


def test_story_picture_replaces_the_default(client, monkeypatch):
    picture = Picture(
        url=SITE_URL + "/media/photo.jpg",
        mime_type="image/jpeg",
        width=800,
        height=600,
        alt="Une photo",
    )
    monkeypatch.setattr("articles.seo.story_picture", lambda request, story: picture)
    page = head(client, make_article(topics=[make_topic()]))
    assert meta(page, "og:image") == picture.url
    assert meta(page, "og:image:alt") == "Une photo"
    assert structured_data(page)["NewsArticle"]["image"][0]["url"] == picture.url


def test_scheduled_story_is_never_modified_before_its_publication(client):
    story = make_article()
    # Saved yesterday for a publication an hour ago.
    Article.objects.filter(pk=story.pk).update(
        updated_at=story.published_at - timedelta(days=1)
    )
    article = structured_data(head(client, story))["NewsArticle"]
    assert article["dateModified"] == article["datePublished"]
