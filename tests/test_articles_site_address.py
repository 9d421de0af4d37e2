"""Every absolute link names the site's own address: SITE_URL when set, else
the address the request reached (development, `make run PORT=8765`)."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from .feeds import fetch_feed
from .pages import soup

pytestmark = pytest.mark.django_db

PAIR = "/chiffres/kazakhstan-chine/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def dev_port(settings):
    """The development server on port 8765, with no SITE_URL."""
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    return {"HTTP_HOST": "127.0.0.1:8765"}


def absolute_links(text):
    return set(re.findall(r"https?://[^\s\"'<>\\]+", text))


def test_a_story_page_links_to_the_port_it_is_served_on(client, trade_seeded, dev_port):
    page = soup(client.get(trade_seeded.get_absolute_url(), **dev_port))
    url = "http://127.0.0.1:8765" + trade_seeded.get_absolute_url()
    assert page.find("link", rel="canonical")["href"] == url
    assert page.find("meta", property="og:url")["content"] == url
    assert page.find("meta", property="og:image")["content"].startswith("http://127.0.0.1:8765/static/")
    data = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    links = absolute_links(json.dumps(data))
    assert links and all(
        link.startswith(("http://127.0.0.1:8765/", "https://schema.org")) for link in links
    ), links


@pytest.mark.parametrize(
    "name", ["articles:feed_rss", "articles:feed_atom", "articles:briefs_feed_atom"]
)
def test_feeds_link_and_identify_on_the_port_served(client, trade_seeded, dev_port, name):
    response, parsed, _ = fetch_feed(client, reverse(name), **dev_port)
    assert parsed.feed.link == "http://127.0.0.1:8765/"
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.link.startswith("http://127.0.0.1:8765/articles/")
        # The id names the host, not the port: it never changes with it.
        assert entry.id.startswith("tag:127.0.0.1,")
    # Sources cited in the body keep their own addresses; the site's are all
    # on the port served.
    own = {link for link in absolute_links(response.content.decode()) if "127.0.0.1" in link}
    assert own and all(link.startswith("http://127.0.0.1:8765/") for link in own)


def test_sitemaps_and_robots_name_the_port_served(client, trade_seeded, dev_port):
    index = ET.fromstring(client.get("/sitemap.xml", **dev_port).content)
    sections = [loc.text for loc in index.findall(".//s:loc", SITEMAP_NS)]
    assert sections and all(s.startswith("http://127.0.0.1:8765/sitemap-") for s in sections)
    for section in ("/sitemap-articles.xml", "/sitemap-themes.xml", "/sitemap-chiffres.xml", "/sitemap-actualites.xml"):
        tree = ET.fromstring(client.get(section, **dev_port).content)
        for loc in tree.findall(".//s:loc", SITEMAP_NS):
            assert loc.text.startswith("http://127.0.0.1:8765/"), (section, loc.text)
    robots = client.get("/robots.txt", **dev_port).content.decode()
    assert "Sitemap: http://127.0.0.1:8765/sitemap.xml" in robots


def test_trade_downloads_and_dataset_name_the_port_served(client, trade_seeded, dev_port):
    data = json.loads(client.get(reverse("trade:pair-download-json", args=["kazakhstan-chine"]), **dev_port).content)
    assert data["url"] == "http://127.0.0.1:8765" + PAIR
    page = soup(client.get(PAIR, **dev_port))
    dataset = next(
        json.loads(s.string)
        for s in page.find_all("script", type="application/ld+json")
        if json.loads(s.string).get("@type") == "Dataset"
    )
    assert dataset["url"] == "http://127.0.0.1:8765" + PAIR
    assert all(
        d["contentUrl"].startswith("http://127.0.0.1:8765/chiffres/")
        for d in dataset["distribution"]
    )


def test_site_url_overrides_the_request_host(client, trade_seeded, settings):
    settings.SITE_URL = "https://lagazette.example"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    host = {"HTTP_HOST": "127.0.0.1:8765"}
    page = soup(client.get(trade_seeded.get_absolute_url(), **host))
    assert page.find("link", rel="canonical")["href"].startswith("https://lagazette.example/")
    _, parsed, _ = fetch_feed(client, reverse("articles:feed_atom"), **host)
    assert parsed.feed.link == "https://lagazette.example/"
    assert all(e.id.startswith("tag:lagazette.example,") for e in parsed.entries)
    robots = client.get("/robots.txt", **host).content.decode()
    assert "Sitemap: https://lagazette.example/sitemap.xml" in robots
    assert "8765" not in client.get("/sitemap-articles.xml", **host).content.decode()


def test_a_deploy_check_asks_for_site_url(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.SITE_URL = ""
    with pytest.raises(SystemCheckError, match="gazette.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")


def test_a_site_url_with_a_path_is_refused(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.SITE_URL = "lagazette.example/journal"
    with pytest.raises(SystemCheckError, match="gazette.E001"):
        call_command("check")


def test_the_signed_preview_link_names_the_port_served(client, seeded, dev_port):
    from articles.services import EDITORS

    from .factories import make_user

    client.force_login(make_user(EDITORS))
    page = soup(client.get(f"/admin/articles/article/{seeded.pk}/change/", **dev_port))
    link = page.select_one(".field-preview_links input")["value"]
    assert link.startswith("http://127.0.0.1:8765/apercu/")
    assert client.get(link.removeprefix("http://127.0.0.1:8765"), **dev_port).status_code == 200
