"""The content version: what Django keeps of pages (fragments, values) goes
stale with every change to the content, a deploy and a scheduled publication;
public responses tell the proxy how long it may keep them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Status
from pagecache import (
    STATE_CACHE,
    STATE_KEY,
    ContentState,
    content_refresh,
    content_state,
)
from pagecache.middleware import ContentVersionMiddleware

from .factories import make_article, make_brief, make_topic

pytestmark = pytest.mark.django_db

# The site's Redis backend (settings), on port 1 of loopback: nothing
# listens, the connection is refused, and its fallback serves.
_DEAD = {
    "BACKEND": "pagecache.backends.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
}
DEAD_REDIS = {"default": _DEAD, "content-state": _DEAD}
NOTHING_KEPT = {
    name: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    for name in ("default", "content-state")
}


def s_maxage(response):
    return int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def story_pages(story, topic):
    return ["/", "/articles/", story.get_absolute_url(), topic.get_absolute_url()]


def keep(client, urls):
    """Build the pages twice: what they keep is then read, not built."""
    for url in urls:
        client.get(url)
        client.get(url)


def test_a_page_built_again_reads_what_it_kept(client):
    topic = make_topic(name="Chine")
    story = make_article(topics=[topic])
    for url in ["/articles/", story.get_absolute_url(), topic.get_absolute_url()]:
        built = queries(client, url)
        assert queries(client, url) < built, url


def test_public_pages_carry_headers_the_proxy_uses(client, settings):
    make_article()
    response = client.get("/")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=0" in cache_control
    assert s_maxage(response) == settings.FRONTCACHE_MAX_AGE
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


def test_publishing_a_draft_shows_it_on_every_page(client):
    topic = make_topic(name="Chine")
    make_article(title="Déjà là", topics=[topic])
    draft = make_article(title="Tout juste publié", status=Status.DRAFT, topics=[topic])
    keep(client, ["/", "/articles/", topic.get_absolute_url()])
    assert client.get(draft.get_absolute_url()).status_code == 404

    draft.status = Status.PUBLISHED
    draft.save()
    for url in story_pages(draft, topic):
        response = client.get(url)
        assert response.status_code == 200
        assert "Tout juste publié" in response.content.decode(), url


def test_updating_a_story_shows_the_correction_on_every_page(client):
    topic = make_topic(name="Commerce")
    story = make_article(title="Un chiffre faux", topics=[topic])
    keep(client, story_pages(story, topic))

    story.title = "Un chiffre corrigé"
    story.save()
    for url in story_pages(story, topic):
        html = client.get(url).content.decode()
        assert "Un chiffre corrigé" in html and "Un chiffre faux" not in html, url


def test_unpublishing_a_story_removes_it_from_every_page(client):
    topic = make_topic(name="Énergie")
    make_article(title="Reste publié", topics=[topic])
    story = make_article(title="Retiré", topics=[topic])
    keep(client, story_pages(story, topic))

    story.status = Status.DRAFT
    story.save()
    assert client.get(story.get_absolute_url()).status_code == 404
    for url in ["/", "/articles/", topic.get_absolute_url()]:
        assert "Retiré" not in client.get(url).content.decode(), url


def test_changing_a_topic_or_its_stories_refreshes_what_pages_keep(client):
    topic = make_topic(name="Ancien nom")
    story = make_article(title="Dans le thème", topics=[topic])
    keep(client, story_pages(story, topic))

    topic.name = "Nouveau nom"
    topic.save()
    assert "Nouveau nom" in client.get(story.get_absolute_url()).content.decode()
    assert "Ancien nom" not in client.get("/articles/").content.decode()

    keep(client, [topic.get_absolute_url()])
    story.topics.clear()
    assert "Dans le thème" not in client.get(topic.get_absolute_url()).content.decode()


def test_deleting_a_brief_removes_it_from_the_listing(client):
    make_article()
    brief = make_brief(title="Brève supprimée")
    keep(client, ["/articles/"])
    brief.delete()
    assert "Brève supprimée" not in client.get("/articles/").content.decode()


def test_a_scheduled_story_appears_at_its_time(client, monkeypatch):
    make_article(title="Déjà publié")
    at = timezone.now() + timedelta(minutes=5)
    make_article(title="Programmé", published_at=at)
    keep(client, ["/", "/articles/"])
    first = client.get("/articles/")
    assert "Programmé" not in first.content.decode()
    # No proxy may keep the page past the publication.
    assert 0 < s_maxage(first) <= 300
    assert caches[STATE_CACHE].get(STATE_KEY).next_publication == at

    later = at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for url in ("/", "/articles/"):
        assert "Programmé" in client.get(url).content.decode(), url


def test_a_page_built_as_a_story_falls_due_is_not_kept(rf, monkeypatch):
    # The view reads nothing kept (as a feed), so the state is first read
    # after the page is built; the story falls due in between.
    at = timezone.now() + timedelta(minutes=5)
    make_article(title="Programmé", published_at=at)
    content_refresh()
    clock = [at - timedelta(seconds=1)]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])

    def built_before_it_was_due(request):
        titles = Article.objects.published().values_list("title", flat=True)
        response = HttpResponse(", ".join(titles))
        response["Cache-Control"] = "public, s-maxage=3600"
        clock[0] = at + timedelta(seconds=1)  # the build took two seconds
        return response

    response = ContentVersionMiddleware(built_before_it_was_due)(rf.get("/flux/"))
    assert "Programmé" not in response.content.decode()
    assert s_maxage(response) == 0


def test_staff_pages_are_private(client):
    story = make_article(title="Avant")
    client.force_login(User.objects.create_user("redac", password="x", is_staff=True))
    cache_control = client.get(story.get_absolute_url())["Cache-Control"]
    assert "private" in cache_control and "s-maxage" not in cache_control


@pytest.mark.parametrize("url", ["/healthz", "/admin/login/", "/articles/inconnu/"])
def test_no_proxy_keeps_what_is_not_public(client, url):
    """Health, the admin, errors."""
    assert "s-maxage" not in client.get(url).get("Cache-Control", "")


def test_non_content_models_leave_the_version_alone(client):
    make_article()
    before = content_state().version
    User.objects.create_user("quelquun", password="x")
    assert content_state().version == before


def test_a_deploy_draws_a_new_content_version():
    before = content_state().version
    call_command("migrate", verbosity=0)  # every deploy runs it
    assert content_state().version != before


def test_with_nothing_kept_every_page_is_built_whole(client, settings):
    topic = make_topic(name="Chine")
    story = make_article(topics=[topic])
    keep(client, [story.get_absolute_url()])
    kept = queries(client, story.get_absolute_url())
    settings.CACHES = NOTHING_KEPT
    built = queries(client, story.get_absolute_url())
    assert built > kept
    assert queries(client, story.get_absolute_url()) == built


def test_pages_are_built_from_the_database_when_the_cache_is_down(client, settings):
    topic = make_topic(name="Chine")
    story = make_article(title="Sans cache", topics=[topic])
    settings.CACHES = DEAD_REDIS
    for url in (
        "/articles/",
        f"/articles/?topic={topic.slug}",
        "/articles/?q=cache",
        "/themes/",
        topic.get_absolute_url(),
        "/flux/rss/",
        story.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert story.get_absolute_url() in page or "Chine" in page, url


def test_a_write_succeeds_when_the_cache_is_down(settings):
    settings.CACHES = DEAD_REDIS
    story = make_article(title="Écrit malgré tout")
    story.title = "Réécrit"
    story.save()
    story.delete()


def test_a_change_saved_by_another_worker_shows_at_once(client, settings, tmp_path):
    """Workers keep fragments in their own memory but share the content version."""
    settings.CACHES = {
        **settings.CACHES,
        "content-state": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tmp_path,
        },
    }
    story = make_article(title="Première version")
    keep(client, ["/articles/"])
    # Another worker saves the story: its signal draws a new shared version;
    # this worker sees no signal at all.
    Article.objects.filter(pk=story.pk).update(title="Version corrigée")
    caches[STATE_CACHE].set(STATE_KEY, ContentState("autre", None), timeout=None)
    assert "Version corrigée" in client.get("/articles/").content.decode()


def test_a_forbidden_host_is_refused(client):
    assert client.get("/", HTTP_HOST="attaquant.example").status_code == 400
