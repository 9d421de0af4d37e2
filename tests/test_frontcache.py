"""Surrogate keys on public responses, and the keys each change purges."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

import frontcache
from articles.models import Correction, Status

from .factories import (
    make_article,
    make_brief,
    make_country,
    make_figure,
    make_pair,
    make_topic,
    make_user,
)

pytestmark = pytest.mark.django_db


def xkeys(response):
    assert response.status_code == 200
    assert response["Surrogate-Key"] == response["xkey"]
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "s-maxage=" in cache_control
    return set(response["xkey"].split())


@pytest.fixture
def story():
    topic = make_topic(slug="chine")
    story = make_article(slug="route-de-la-soie", topics=[topic])
    country = make_country(slug="kazakhstan")
    country.stories.add(story)
    return story


def test_story_page_names_story_topics_and_navigation(client, story):
    response = client.get(story.get_absolute_url())
    assert xkeys(response) == {f"story:{story.pk}", "topic:chine", "nav"}


def test_brief_page_names_brief_topics_and_navigation(client, story):
    brief = make_brief(topics=story.topics.all())
    response = client.get(brief.get_absolute_url())
    assert xkeys(response) == {f"story:{brief.pk}", "topic:chine", "nav"}


def test_home_and_listings_name_their_family(client, story):
    assert xkeys(client.get(reverse("articles:home"))) == {"home", "nav"}
    assert xkeys(client.get(reverse("articles:list"))) == {"listing", "nav"}
    assert xkeys(client.get(reverse("articles:topics"))) == {"listing", "nav"}
    filtered = client.get(reverse("articles:list"), {"topic": "chine"})
    assert xkeys(filtered) == {"listing", "nav"}
    search = client.get(reverse("articles:list"), {"q": "route"})
    assert xkeys(search) == {"listing", "nav"}
    second_page = client.get(reverse("articles:list"), {"page": "1"})
    assert xkeys(second_page) == {"listing", "nav"}


def test_topic_and_country_pages_name_only_their_subject(client, story):
    topic = client.get(reverse("articles:topic", args=["chine"]))
    assert xkeys(topic) == {"topic:chine", "nav"}
    country = client.get(reverse("trade:country", args=["kazakhstan"]))
    assert xkeys(country) == {"country:kazakhstan", "nav"}


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_name_feed_or_their_subject(client, story, kind):
    for name in ("feed", "articles_feed", "briefs_feed", "list_feed"):
        assert xkeys(client.get(reverse(f"articles:{name}_{kind}"))) == {"feed"}
    filtered = client.get(reverse(f"articles:list_feed_{kind}"), {"topic": "chine"})
    assert xkeys(filtered) == {"feed"}
    topic_feed = client.get(reverse(f"articles:topic_feed_{kind}", args=["chine"]))
    assert xkeys(topic_feed) == {"topic:chine"}
    country_feed = client.get(
        reverse(f"trade:country_feed_{kind}", args=["kazakhstan"])
    )
    assert xkeys(country_feed) == {"country:kazakhstan"}


def test_sitemaps_name_sitemap(client, story):
    assert xkeys(client.get(reverse("sitemap_index"))) == {"sitemap"}
    assert xkeys(client.get(reverse("sitemap_news"))) == {"sitemap"}
    for section in ("articles", "themes", "chiffres"):
        page = client.get(reverse("sitemap_section", kwargs={"section": section}))
        assert xkeys(page) == {"sitemap"}


def test_trade_pages_name_pair_stories_and_figures(client, story):
    pair = make_pair(slug="chine-kazakhstan")
    make_figure(stories=[story], reporter=pair.first, partner=pair.second)
    page = client.get(reverse("trade:pair", args=["chine-kazakhstan"]))
    # The stories it lists are not named: a change to one purges the pages
    # of the figures it cites (test_a_story_change_purges_the_pages_of_its_figures).
    assert xkeys(page) == {"pair:chine-kazakhstan", "nav"}
    for fmt in ("csv", "json"):
        download = client.get(
            reverse(f"trade:pair-download-{fmt}", args=["chine-kazakhstan"])
        )
        assert xkeys(download) == {"pair:chine-kazakhstan"}
        assert xkeys(client.get(reverse(f"trade:download-{fmt}"))) == {"figures"}
    assert xkeys(client.get(reverse("trade:index"))) == {"figures", "nav"}


def test_staff_and_previews_get_no_key_and_stay_private(client, story):
    draft = make_article(status=Status.DRAFT, published_at=None)
    client.force_login(make_user(is_staff=True, is_superuser=True))
    for url in (story.get_absolute_url(), draft.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert "xkey" not in response and "Surrogate-Key" not in response
        assert "public" not in response.get("Cache-Control", "")


@pytest.fixture
def purged_by(settings, django_capture_on_commit_callbacks):
    """Runs a change and returns the keys it purged, once committed."""
    settings.FRONTCACHE_PURGE_URL = "http://127.0.0.1:9/"

    def run(change):
        sent = []
        with mock.patch(
            "frontcache.send_purge", side_effect=lambda url, names: sent.extend(names)
        ):
            with django_capture_on_commit_callbacks(execute=True):
                change()
        return set(sent)

    return run


def test_publishing_a_story_purges_its_pages_and_families(purged_by, story):
    brief = make_article(status=Status.DRAFT, published_at=None, related=[story])

    def publish():
        brief.status = Status.PUBLISHED
        brief.save()

    assert purged_by(publish) == {
        f"story:{brief.pk}",
        f"story:{story.pk}",
        "home",
        "listing",
        "feed",
        "sitemap",
    }
    story.status = Status.DRAFT
    assert purged_by(story.save) == {
        f"story:{story.pk}",
        f"story:{brief.pk}",
        "home",
        "listing",
        "feed",
        "sitemap",
        "topic:chine",
        "country:kazakhstan",
    }


def test_scheduling_a_story_purges_the_pages_that_will_show_it(purged_by, story):
    """Pages kept before a story is scheduled are fetched anew, and then kept
    no longer than until it is due (pagecache caps s-maxage)."""
    story.published_at = timezone.now() + timedelta(hours=2)
    assert purged_by(story.save) >= {
        f"story:{story.pk}",
        "home",
        "listing",
        "feed",
        "topic:chine",
        "country:kazakhstan",
    }


def test_publishing_a_story_purges_the_figures_it_makes_public(purged_by, story):
    """A figure a story cites shows once the story is published: on its
    pair's page and downloads, its countries' pages and the figures' index."""
    pair = make_pair(slug="chine-kazakhstan")
    make_pair(slug="autre-paire")
    draft = make_article(status=Status.DRAFT, published_at=None)
    make_figure(stories=[draft], reporter=pair.first, partner=pair.second)

    def publish():
        draft.status = Status.PUBLISHED
        draft.published_at = timezone.now()
        draft.save()

    purged = purged_by(publish)
    assert {
        f"story:{draft.pk}",
        "pair:chine-kazakhstan",
        "figures",
        frontcache.key_for(pair.first),
        frontcache.key_for(pair.second),
    } <= purged
    assert "pair:autre-paire" not in purged
    # A story citing no figure leaves the figures' pages alone.
    assert "figures" not in purged_by(story.save)


def test_a_story_change_purges_the_pages_of_its_figures(purged_by, story):
    """The pair's page lists the stories citing its figures without naming
    them: editing, unpublishing or linking one purges the pair's key."""
    pair = make_pair(slug="chine-kazakhstan")
    make_figure(stories=[story], reporter=pair.first, partner=pair.second)
    other = make_article(slug="autre")
    story.title = "Un autre titre"
    assert "pair:chine-kazakhstan" in purged_by(story.save)
    story.status = Status.DRAFT
    assert "pair:chine-kazakhstan" in purged_by(story.save)
    assert "pair:chine-kazakhstan" not in purged_by(other.save)
    figure = make_figure(reporter=pair.first, partner=pair.second)
    assert "pair:chine-kazakhstan" in purged_by(lambda: other.figures.add(figure))


def test_a_story_moved_to_another_topic_purges_both_topics(purged_by, story):
    other = make_topic(slug="energie")
    purged = purged_by(lambda: story.topics.set([other]))
    assert {"topic:chine", "topic:energie", f"story:{story.pk}"} <= purged
    assert purged_by(lambda: other.articles.clear()) >= {
        "topic:energie",
        f"story:{story.pk}",
    }


def test_deleting_a_story_purges_the_topics_it_had(purged_by, story):
    pk = story.pk
    purged = purged_by(story.delete)
    assert {f"story:{pk}", "topic:chine", "country:kazakhstan"} <= purged


def test_a_correction_purges_its_story(purged_by, story):
    purged = purged_by(
        lambda: Correction.objects.create(
            article=story, wrong="Lundi.", right="Mardi.", public=True
        )
    )
    assert {f"story:{story.pk}", "home", "listing", "topic:chine"} <= purged


def test_a_topic_or_country_change_purges_its_pages_and_the_navigation(
    purged_by, story
):
    topic = story.topics.get()
    topic.description = "Autre."
    # Feeds name their stories' topics (categories).
    assert purged_by(topic.save) == {"topic:chine", "nav", "sitemap", "feed"}
    country = story.countries.get()
    assert purged_by(country.save) >= {"country:kazakhstan", "nav"}


def test_a_figure_purges_its_pair_countries_and_citing_stories(purged_by, story):
    pair = make_pair(slug="chine-kazakhstan")
    unrelated = make_pair(slug="autre-paire")
    figure = make_figure(stories=[story], reporter=pair.second, partner=pair.first)
    figure.value = "44"
    assert purged_by(figure.save) == {
        "pair:chine-kazakhstan",
        "figures",
        "sitemap",
        frontcache.key_for(pair.first),
        frontcache.key_for(pair.second),
        f"story:{story.pk}",
    }
    assert "pair:autre-paire" not in purged_by(figure.source.save)
    assert f"pair:{unrelated.slug}" not in purged_by(figure.delete)


def test_nothing_is_sent_without_a_purge_url(
    settings, story, django_capture_on_commit_callbacks
):
    settings.FRONTCACHE_PURGE_URL = ""
    with mock.patch("frontcache.send_purge") as send_purge:
        with django_capture_on_commit_callbacks(execute=True):
            story.topics.get().save()
            story.save()
    send_purge.assert_not_called()


def test_purge_sends_one_soft_purge_request_naming_the_keys(settings):
    settings.FRONTCACHE_PURGE_URL = "http://127.0.0.1:6081/"
    with mock.patch("urllib.request.urlopen") as urlopen:
        assert frontcache.send_purge("http://127.0.0.1:6081/", ["home", "story:1"])
    request = urlopen.call_args.args[0]
    assert request.get_method() == "PURGE"
    assert request.full_url == "http://127.0.0.1:6081/"
    assert request.get_header("Xkey-purge") == "home story:1"


def test_a_cdn_gets_the_method_and_headers_its_api_asks_for(settings):
    """Fastly's purge by surrogate key: POST, the keys in Surrogate-Key, the
    token and the soft purge in headers of its own."""
    settings.FRONTCACHE_PURGE_METHOD = "POST"
    settings.FRONTCACHE_PURGE_HEADERS = {"Fastly-Key": "jeton", "Fastly-Soft-Purge": "1"}
    url = "https://api.fastly.example/service/abc/purge"
    with mock.patch("urllib.request.urlopen") as urlopen:
        assert frontcache.send_purge(url, ["home", "story:1"])
    request = urlopen.call_args.args[0]
    assert (request.get_method(), request.full_url) == ("POST", url)
    assert request.get_header("Surrogate-key") == "home story:1"
    assert request.get_header("Fastly-key") == "jeton"
    assert request.get_header("Fastly-soft-purge") == "1"


def test_a_proxy_that_is_down_never_fails_the_save(
    settings, story, caplog, django_capture_on_commit_callbacks
):
    # Port 9 (discard) on loopback: nothing listens, the connection is refused.
    settings.FRONTCACHE_PURGE_URL = "http://127.0.0.1:9/"
    story.title = "Un titre corrigé"
    with caplog.at_level(logging.WARNING, logger="frontcache"):
        with django_capture_on_commit_callbacks(execute=True):
            story.save()
    story.refresh_from_db()
    assert story.title == "Un titre corrigé"
    assert "Purge of" in caplog.text and "story:" in caplog.text


def test_loading_a_fixture_purges_nothing(purged_by, story):
    from django.db.models.signals import post_save

    from articles.models import Article

    def load():
        post_save.send(
            sender=Article,
            instance=story,
            created=False,
            raw=True,
            using="default",
            update_fields=None,
        )

    assert purged_by(load) == set()
    assert f"story:{story.pk}" in purged_by(story.save)
