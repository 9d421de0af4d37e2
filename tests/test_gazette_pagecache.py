import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Status
from pagecache import STATE_CACHE, STATE_KEY, ContentState

from .factories import make_article, make_brief, make_topic

pytestmark = pytest.mark.django_db

_DEAD = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    # Port 1 on loopback: nothing listens, the connection is refused.
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
}
DEAD_REDIS = {"default": _DEAD, "content-state": _DEAD}


def test_second_anonymous_visit_is_served_from_the_cache_without_sql(
    client, django_assert_num_queries
):
    story = make_article(title="Une histoire en cache")
    first = client.get(story.get_absolute_url())
    assert first["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        second = client.get(story.get_absolute_url())
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert "Une histoire en cache" in second.content.decode()


def test_cached_pages_carry_headers_a_cdn_can_use(client):
    make_article()
    for response in (client.get("/"), client.get("/")):
        cache_control = response["Cache-Control"]
        assert "public" in cache_control and "max-age=0" in cache_control
        assert "s-maxage=60" in cache_control
        assert "stale-while-revalidate=30" in cache_control
        assert response["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in response


def story_pages(story, topic):
    return ["/", story.get_absolute_url(), topic.get_absolute_url()]


def warm(client, urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Cache"] == "HIT"


def test_publishing_a_draft_shows_it_on_every_cached_page(client):
    topic = make_topic(name="Chine")
    make_article(title="Déjà là", topics=[topic])
    draft = make_article(title="Tout juste publié", status=Status.DRAFT, topics=[topic])
    warm(client, ["/", topic.get_absolute_url()])
    assert client.get(draft.get_absolute_url()).status_code == 404

    draft.status = Status.PUBLISHED
    draft.save()
    for url in story_pages(draft, topic):
        response = client.get(url)
        assert response.status_code == 200
        assert "Tout juste publié" in response.content.decode(), url


def test_updating_a_story_shows_the_correction_on_every_cached_page(client):
    topic = make_topic(name="Commerce")
    story = make_article(title="Un chiffre faux", topics=[topic])
    warm(client, story_pages(story, topic))

    story.title = "Un chiffre corrigé"
    story.save()
    for url in story_pages(story, topic):
        html = client.get(url).content.decode()
        assert "Un chiffre corrigé" in html and "Un chiffre faux" not in html, url


def test_unpublishing_a_story_removes_it_from_every_cached_page(client):
    topic = make_topic(name="Énergie")
    make_article(title="Reste publié", topics=[topic])
    story = make_article(title="Retiré", topics=[topic])
    warm(client, story_pages(story, topic))

    story.status = Status.DRAFT
    story.save()
    assert client.get(story.get_absolute_url()).status_code == 404
    for url in ["/", topic.get_absolute_url()]:
        assert "Retiré" not in client.get(url).content.decode(), url


def test_changing_a_topic_or_its_stories_refreshes_cached_pages(client):
    topic = make_topic(name="Ancien nom")
    story = make_article(title="Dans le thème", topics=[topic])
    warm(client, story_pages(story, topic))

    topic.name = "Nouveau nom"
    topic.save()
    assert "Nouveau nom" in client.get(story.get_absolute_url()).content.decode()

    warm(client, [topic.get_absolute_url()])
    story.topics.clear()
    assert "Dans le thème" not in client.get(topic.get_absolute_url()).content.decode()


def test_deleting_a_brief_removes_it_from_the_cached_home(client):
    make_article()
    brief = make_brief(title="Brève supprimée")
    warm(client, ["/"])
    brief.delete()
    assert "Brève supprimée" not in client.get("/").content.decode()


def test_a_scheduled_story_appears_at_its_time_through_the_cache(client, monkeypatch):
    make_article(title="Déjà publié")
    at = timezone.now() + timedelta(minutes=5)
    make_article(title="Programmé", published_at=at)
    first = client.get("/")
    assert "Programmé" not in first.content.decode()
    assert client.get("/")["X-Cache"] == "HIT"
    # Neither the origin nor a CDN may keep the page past the publication.
    s_maxage = int(first["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert s_maxage <= 60
    assert caches[STATE_CACHE].get(STATE_KEY).next_publication == at

    later = at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get("/")
    assert response["X-Cache"] == "MISS"
    assert "Programmé" in response.content.decode()


def test_page_ttl_stops_at_the_next_publication(client):
    make_article(published_at=timezone.now() + timedelta(seconds=20))
    response = client.get("/")
    s_maxage = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 0 < s_maxage <= 20


def test_logged_in_staff_neither_get_nor_fill_cached_pages(client):
    story = make_article(title="Avant")
    staff = User.objects.create_user("redac", password="x", is_staff=True)
    client.force_login(staff)
    staff_response = client.get(story.get_absolute_url())
    assert "X-Cache" not in staff_response
    assert "private" in staff_response["Cache-Control"]

    client.logout()
    client.cookies.clear()
    assert client.get(story.get_absolute_url())["X-Cache"] == "MISS"
    client.force_login(staff)
    assert "X-Cache" not in client.get(story.get_absolute_url())


@pytest.mark.parametrize("url", ["/healthz", "/admin/login/", "/articles/inconnu/"])
def test_uncacheable_responses_are_never_stored(client, url):
    """No-cache responses, responses that set a cookie, and errors."""
    for _ in range(2):
        assert "X-Cache" not in client.get(url)


def test_non_content_models_leave_the_cache_alone(client):
    make_article()
    warm(client, ["/"])
    User.objects.create_user("quelquun", password="x")
    assert client.get("/")["X-Cache"] == "HIT"


def test_pages_are_built_from_the_database_when_the_cache_is_down(client, settings):
    story = make_article(title="Sans cache")
    settings.CACHES = DEAD_REDIS
    for _ in range(2):
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        assert "Sans cache" in response.content.decode()
        assert "X-Cache" not in response


def test_listings_and_feeds_answer_when_the_cache_is_down(client, settings):
    # The topic counts and the navigation are kept in the cache too: an outage
    # makes them computed for every request, never an error.
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


def test_head_requests_share_the_cached_page_without_its_body(client):
    story = make_article(title="Une tête")
    get = client.get(story.get_absolute_url())
    head = client.head(story.get_absolute_url())
    assert head["X-Cache"] == "HIT"
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))


def test_a_change_saved_by_another_worker_shows_at_once(client, settings, tmp_path):
    """Workers keep pages in their own memory but share the content version."""
    settings.CACHES = {
        **settings.CACHES,
        "content-state": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tmp_path,
        },
    }
    story = make_article(title="Première version")
    warm(client, [story.get_absolute_url()])
    # Another worker saves the story: its signal draws a new shared version;
    # this worker sees no signal at all.
    Article.objects.filter(pk=story.pk).update(title="Version corrigée")
    caches[STATE_CACHE].set(STATE_KEY, ContentState("autre", None), timeout=None)
    response = client.get(story.get_absolute_url())
    assert response["X-Cache"] == "MISS"
    assert "Version corrigée" in response.content.decode()


def test_a_forbidden_host_is_refused_before_the_cache(client, caplog):
    response = client.get("/", HTTP_HOST="attaquant.example")
    assert response.status_code == 400
    assert "Cache unavailable" not in caplog.text


def test_a_cold_request_computes_every_kept_value_only_on_the_bench(
    client, settings, django_assert_num_queries
):
    from .factories import make_article

    story = make_article()
    client.cookies["lecteur"] = "connecté"
    client.get(story.get_absolute_url())
    with django_assert_num_queries(1):  # the story; the rest is kept
        client.get(story.get_absolute_url())
    # Outside the bench the header means nothing.
    with django_assert_num_queries(1):
        client.get(story.get_absolute_url(), headers={"X-Gazette-Cold": "1"})
    settings.GAZETTE_BENCH = True
    # The story, its relations (3: related stories, topics, corrections), key
    # figures (1), navigation (2), the site's dates (1).
    with django_assert_num_queries(8):
        client.get(story.get_absolute_url(), headers={"X-Gazette-Cold": "1"})
    with django_assert_num_queries(1):
        client.get(story.get_absolute_url())


@pytest.mark.parametrize("page", ["story", "/articles/", "/themes/chine/"])
def test_a_page_built_anew_reads_its_kept_values_in_one_round_trip(
    client, monkeypatch, page
):
    from django.core.cache import caches

    from .factories import make_article, make_topic

    story = make_article(topics=[make_topic(slug="chine")])
    url = story.get_absolute_url() if page == "story" else page
    client.cookies["lecteur"] = "connecté"  # built, not served from the page cache
    client.get(url)
    reads = []
    for backend in {id(caches[n]): caches[n] for n in ("default", "content-state")}.values():
        for name in ("get", "get_many"):
            method = getattr(backend, name)

            def counted(*args, _method=method, _name=name, **kwargs):
                # The local-memory cache's get_many calls get: one read all the same.
                if not reads or reads[-1] != ("get_many", "open"):
                    reads.append((_name, "open"))
                    try:
                        return _method(*args, **kwargs)
                    finally:
                        reads[-1] = _name
                return _method(*args, **kwargs)

            monkeypatch.setattr(backend, name, counted)
    assert client.get(url).status_code == 200
    # The content state with the navigation, relations, key figures, the
    # site's dates, facet counts: one get_many where they share a cache
    # (Redis), else a get first; a listing's cards: one more.
    shared = settings.CACHES["content-state"] == settings.CACHES["default"]
    expected = [] if shared else ["get"]
    expected += ["get_many"] if page == "story" else ["get_many", "get_many"]
    assert reads == expected


def test_a_deploy_draws_a_new_content_version(db):
    from django.core.management import call_command

    from pagecache import content_state

    before = content_state(now=timezone.now()).version
    call_command("migrate", verbosity=0)  # every deploy runs it
    assert content_state(now=timezone.now()).version != before


@pytest.mark.parametrize("nothing_kept", ["cold", "cache down"])
def test_a_value_is_computed_once_a_request_when_nothing_is_kept(
    client, settings, nothing_kept
):
    topic = make_topic(slug="chine")
    make_article(topics=[topic])
    headers = {}
    if nothing_kept == "cold":
        settings.GAZETTE_BENCH = True
        client.cookies["lecteur"] = "connecté"
        headers["X-Gazette-Cold"] = "1"
    else:
        settings.CACHES = DEAD_REDIS
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/articles/?topic=chine", headers=headers)
    assert response.status_code == 200
    # The topic counts serve the form's choices and the page's number: the
    # topics and the countries are counted once each.
    counts = [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 2


def test_values_wanted_at_once_after_a_change_are_computed_once(settings):
    """The first request after a change computes a kept value; those that
    need it meanwhile wait for it rather than all compute it at once."""
    import threading

    from pagecache import content_refresh, versioned

    content_refresh()
    computed = []

    def slow():
        computed.append(1)
        time.sleep(0.2)
        return "les comptes"

    results = []
    start = threading.Barrier(8)

    def request():
        start.wait()
        results.append(versioned("comptes", slow))

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["les comptes"] * 8
    assert len(computed) == 1


def test_a_request_waits_for_a_value_another_computes_then_computes_it_itself(settings):
    import threading

    from django.core.cache import cache

    from pagecache import _lock_key, content_refresh, versioned

    settings.GAZETTE_KEPT_WAIT_SECONDS = 0.1
    state = content_refresh()
    # Another request is computing « a » and delivers it while this one waits.
    cache.add(_lock_key(state.version, ["a"]), True, 5)
    threading.Timer(
        0.03, lambda: cache.set("gazette:value:a", (state.version, "livrée"), 60)
    ).start()
    assert versioned("a", lambda: pytest.fail("computed twice")) == "livrée"
    # Another request took « b » and never delivers: computed here, after the wait.
    cache.add(_lock_key(state.version, ["b"]), True, 5)
    began = time.monotonic()
    assert versioned("b", lambda: "calculée ici") == "calculée ici"
    assert time.monotonic() - began >= 0.1


def test_the_lock_is_released_when_the_computation_fails(settings):
    from django.core.cache import cache

    from pagecache import _lock_key, content_refresh, versioned

    state = content_refresh()

    def broken():
        raise RuntimeError("la base ne répond pas")

    with pytest.raises(RuntimeError):
        versioned("c", broken)
    assert cache.get(_lock_key(state.version, ["c"])) is None
    assert versioned("c", lambda: "enfin") == "enfin"
