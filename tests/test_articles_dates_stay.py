"""Dates and validators move with an editorial change, never with a load, a
deploy or a restart."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article

from .feeds import fetch_feed
from .pages import soup

pytestmark = pytest.mark.django_db

ATOM = "/flux/atom/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def everything_dated(client, story):
    """What readers, feed readers, crawlers and caches read as dates."""
    page = client.get(story.get_absolute_url())
    data = [
        json.loads(s.string)
        for s in soup(page).find_all("script", type="application/ld+json")
    ]
    feed, parsed, _ = fetch_feed(client, ATOM)
    sitemap = ET.fromstring(client.get("/sitemap-articles.xml").content)
    return {
        "page etag": page["ETag"],
        "page last-modified": page["Last-Modified"],
        "dateModified": [d.get("dateModified") for d in data],
        "feed etag": feed["ETag"],
        "feed last-modified": feed["Last-Modified"],
        "atom updated": [parsed.feed.updated, *(e.updated for e in parsed.entries)],
        "lastmod": [e.text for e in sitemap.findall(".//s:lastmod", SITEMAP_NS)],
    }


@pytest.fixture
def site(trade_seeded):
    """The seed site as loaded on its publication day, read once."""
    return trade_seeded


def test_loads_deploys_and_restarts_move_no_date(client, site):
    before = everything_dated(client, site)
    assert before["page etag"] and before["feed etag"]
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        call_command("load_seed", verbosity=0)
        call_command("load_trade_seed", verbosity=0)
        assert everything_dated(client, site) == before
        call_command("migrate", verbosity=0)  # a deploy
        assert everything_dated(client, site) == before
        for cache in caches.all():  # a restart, or the cache lost
            cache.clear()
        assert everything_dated(client, site) == before
        etag = before["page etag"]
        assert client.get(site.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_seed_stories_keep_their_publication_day(client, site):
    dated = everything_dated(client, site)
    assert dated["dateModified"][0].startswith("2025-08-23")
    assert all(lastmod.startswith("2025-08-23") for lastmod in dated["lastmod"])


def test_an_edit_moves_every_date(client, site):
    before = everything_dated(client, site)
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        story = Article.objects.get(pk=site.pk)
        story.standfirst += " Précision."
        story.save()
        after = everything_dated(client, site)
    for name, value in before.items():
        assert after[name] != value, name
