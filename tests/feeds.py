"""Fetch a feed through the test client and parse it as a feed reader would."""

import xml.etree.ElementTree as ET

import feedparser

SITE_URL = "https://lagazette.example"

# Every site-wide feed address, by URL name; topic feeds take a slug.
SITE_FEEDS = [
    "articles:feed_rss",
    "articles:feed_atom",
    "articles:articles_feed_rss",
    "articles:articles_feed_atom",
    "articles:briefs_feed_rss",
    "articles:briefs_feed_atom",
]
TOPIC_FEEDS = ["articles:topic_feed_rss", "articles:topic_feed_atom"]


def fetch_feed(client, url, **headers):
    """(response, parsed feed, XML tree); the feed must be well-formed and unflagged."""
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    tree = ET.fromstring(response.content)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed, tree
