"""The Redis cache backend (pagecache.backends): Django's cache API, and no
waiting on a Redis that cannot be reached."""

import logging
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.utils import timezone

import pagecache.backends

from .factories import make_article

pytestmark = pytest.mark.django_db

RETRY_AFTER = 7
FALLBACK_SECONDS = 4


class CountingConnection(redis.Connection):
    """A redis-py connection that counts its attempts to reach the server."""

    attempts = 0

    def connect(self):
        type(self).attempts += 1
        super().connect()


class Clock:
    """Stands in for time.monotonic in pagecache.backends: moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class AnsweringRedis:
    """Stands in for the client once Redis answers again: a dict."""

    def __init__(self):
        self.data = {}
        self.calls = 0

    def set(self, key, value, ex=None, nx=False):
        self.calls += 1
        self.data[key] = value
        return True

    def get(self, key):
        self.calls += 1
        return self.data.get(key)

    def mget(self, keys):
        self.calls += 1
        return [self.data.get(key) for key in keys]

    def ping(self):
        self.calls += 1
        return True


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(pagecache.backends, "monotonic", clock)
    return clock


@pytest.fixture
def attempts(monkeypatch):
    monkeypatch.setattr(CountingConnection, "attempts", 0)
    return lambda: CountingConnection.attempts


@pytest.fixture
def story(db):
    # Written before the cache goes away: a write refreshes the content state.
    return make_article(title="Écrit sans cache")


@pytest.fixture
def cache_down(settings, clock, attempts, story):
    """Both caches on a closed port: nothing listens on port 1 of loopback,
    so each attempt is refused (a password, which the log must not show)."""
    dead = {
        "BACKEND": "pagecache.backends.RedisCache",
        "LOCATION": "redis://:motdepasse@127.0.0.1:1/0",
        "OPTIONS": {
            "socket_connect_timeout": 0.15,
            "socket_timeout": 0.35,
            "retry_after": RETRY_AFTER,
            "fallback_seconds": FALLBACK_SECONDS,
            "connection_class": CountingConnection,
        },
    }
    settings.CACHES = {"default": dead, "content-state": dead}
    # The fallback's values live in the process, beyond one backend object.
    caches["default"].fallback.clear()
    yield
    caches["default"].fallback.clear()


@pytest.fixture
def frozen(time_machine):
    """Wall-clock time stands still (the fallback's expiry, the content
    state's next publication) until the test moves it."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def test_timeouts_and_the_cool_down_come_from_the_settings(cache_down):
    kwargs = cache.client.connection_pool.connection_kwargs
    assert kwargs["socket_connect_timeout"] == 0.15
    assert kwargs["socket_timeout"] == 0.35
    assert cache.breaker.retry_after == RETRY_AFTER


def test_the_production_settings_bound_every_wait_on_redis():
    from .test_gazette_security import print_setting

    printed = print_setting(
        "settings.CACHES['default']['OPTIONS']",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    assert printed == (
        "{'socket_connect_timeout': 0.2, 'socket_timeout': 0.5, 'retry_after': 5, "
        "'fallback_seconds': 5}"
    )


def test_a_request_answers_with_one_connection_attempt_at_most(
    client, cache_down, attempts, story
):
    """Each attempt gives up after socket_connect_timeout: the first request
    makes one, and the pages are built from the database."""
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "Écrit sans cache" in response.content.decode()
    assert attempts() == 1
    for url in ("/", "/articles/", story.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url
        assert story.get_absolute_url() in response.content.decode(), url
    assert attempts() == 1


def test_after_the_cool_down_one_call_tries_again(client, cache_down, attempts, clock):
    client.get("/")
    assert attempts() == 1
    clock.now += RETRY_AFTER - 0.1
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert attempts() == 1
    clock.now += 0.1
    assert client.get("/").status_code == 200
    assert attempts() == 2  # the one try, refused: the wait starts over
    clock.now += RETRY_AFTER - 0.1
    assert client.get("/").status_code == 200
    assert attempts() == 2


def test_an_outage_is_logged_once_however_many_requests(
    client, cache_down, clock, caplog, story
):
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            for url in ("/", "/articles/", story.get_absolute_url(), "/healthz"):
                client.get(url)
            clock.now += RETRY_AFTER  # a new try, refused too
    # Django's own line for each 503 of /healthz aside (django.request).
    records = [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith(("gazette", "pagecache"))
    ]
    assert [(r.name, r.levelname) for r in records] == [
        ("pagecache.backends", "WARNING")
    ]
    message = records[0].getMessage()
    assert "redis://127.0.0.1:1/0" in message and "Connection refused" in message
    assert "motdepasse" not in message


def test_healthz_is_503_during_the_outage_and_200_once_redis_answers(
    client, cache_down, attempts, clock, caplog
):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}
    answering = AnsweringRedis()
    cache.client = answering
    # Until the cool-down has passed, Redis is not asked.
    assert client.get("/healthz").status_code == 503
    assert answering.calls == 0
    clock.now += RETRY_AFTER
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="pagecache.backends"):
        for _ in range(2):
            response = client.get("/healthz")
            assert response.status_code == 200
            assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert [r.getMessage() for r in caplog.records if r.name == "pagecache.backends"] == [
        "Cache redis://127.0.0.1:1/0 answers again"
    ]
    assert attempts() == 1


def test_during_an_outage_what_pages_keep_is_kept_in_memory(
    client, cache_down, story, django_assert_max_num_queries
):
    """The second request reads the fragments and values the first kept in
    the fallback (navigation, related stories, dates): the story and its
    topics only."""
    client.get(story.get_absolute_url())
    with django_assert_max_num_queries(2):
        response = client.get(story.get_absolute_url())
    assert "Écrit sans cache" in response.content.decode()


def test_values_kept_during_an_outage_expire_after_fallback_seconds(
    cache_down, frozen
):
    cache.set("sans-fin", "a", timeout=None)
    cache.set_many({"défaut": "b", "long": "c"}, timeout=3600)
    cache.set("court", "d", timeout=2)
    assert cache.add("verrou", True) is True and cache.add("verrou", True) is False
    assert cache.get_many(["sans-fin", "défaut", "long", "court"]) == {
        "sans-fin": "a",
        "défaut": "b",
        "long": "c",
        "court": "d",
    }
    frozen.shift(2)
    assert cache.get("court") is None
    assert cache.get("sans-fin") == "a"
    frozen.shift(FALLBACK_SECONDS - 2 - 0.01)
    assert cache.get_many(["sans-fin", "défaut", "long"]) == {
        "sans-fin": "a",
        "défaut": "b",
        "long": "c",
    }
    assert cache.has_key("verrou")
    frozen.shift(0.01)
    assert cache.get_many(["sans-fin", "défaut", "long"]) == {}
    assert cache.add("verrou", True) is True


def test_an_edit_during_the_outage_shows_everywhere_within_fallback_seconds(
    client, cache_down, story, frozen
):
    """Each worker has its own fallback: an edit saved by another worker
    draws a new content version there only. Here, the row changes without
    this process hearing of it; the listing's kept card shows the edit once
    the version it holds has expired."""
    assert "Écrit sans cache" in client.get("/articles/").content.decode()
    type(story).objects.filter(pk=story.pk).update(title="Corrigé pendant la panne")
    frozen.shift(FALLBACK_SECONDS - 0.01)
    assert "Écrit sans cache" in client.get("/articles/").content.decode()
    frozen.shift(0.01)
    assert "Corrigé pendant la panne" in client.get("/articles/").content.decode()
    # An edit saved by this worker shows at once.
    story.refresh_from_db()
    story.title = "Corrigé encore"
    story.save()
    assert "Corrigé encore" in client.get("/articles/").content.decode()


def test_a_story_scheduled_during_an_outage_appears_on_time(
    client, cache_down, story, frozen
):
    scheduled = make_article(
        title="Programmé pendant la panne",
        published_at=timezone.now() + timedelta(seconds=FALLBACK_SECONDS / 2),
    )
    assert "Programmé pendant la panne" not in client.get("/").content.decode()
    frozen.shift(FALLBACK_SECONDS / 2)
    response = client.get("/")
    assert scheduled.get_absolute_url() in response.content.decode()


def test_redis_answering_again_empties_the_fallback(client, cache_down, clock, story):
    cache.set("gardée", "pendant la panne", timeout=None)
    client.get(story.get_absolute_url())
    answering = AnsweringRedis()
    cache.client = answering
    clock.now += RETRY_AFTER
    assert cache.get("gardée") is None  # read from Redis, which lacks it
    assert answering.calls == 1
    assert cache.fallback.get("gardée") is None
    assert cache.fallback.get_many([cache.make_key("gardée")]) == {}
    response = client.get(story.get_absolute_url())
    assert "Écrit sans cache" in response.content.decode()


def test_healthz_asks_redis_never_the_fallback(client, cache_down, clock, attempts):
    """Pages built from memory during the outage; /healthz still 503, the
    cool-down's one try included."""
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 503
    clock.now += RETRY_AFTER
    assert client.get("/healthz").status_code == 503
    assert attempts() == 2
    assert client.get("/").status_code == 200


def test_a_refused_command_is_no_outage():
    if not django_settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")
    cache.set("titre", "Un titre")
    with pytest.raises(redis.ResponseError):
        cache.incr("titre")
    assert not cache.breaker.open
    assert cache.get("titre") == "Un titre"


def test_the_backend_keeps_djangos_cache_semantics():
    if not django_settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")
    assert isinstance(caches["default"], pagecache.backends.RedisCache)
    assert cache.get("absent", "défaut") == "défaut"
    cache.set("nombre", 41)
    assert cache.incr("nombre") == 42 and cache.decr("nombre", 2) == 40
    with pytest.raises(ValueError):
        cache.incr("absent")
    assert cache.add("nombre", 1) is False
    assert cache.add("nouveau", {"é": [1, 2]}) is True
    assert cache.get("nouveau") == {"é": [1, 2]}
    assert cache.add("éphémère", 1, timeout=0) is True
    assert cache.has_key("éphémère") is False
    cache.set("effacé", 1, timeout=0)
    assert cache.has_key("effacé") is False
    cache.set_many({"a": 1, "b": None, "c": "trois"}, timeout=60)
    assert cache.get_many(["a", "b", "c", "d"]) == {"a": 1, "b": None, "c": "trois"}
    assert 0 < cache.client.ttl(cache.make_key("a")) <= 60
    cache.set("permanent", 1, timeout=None)
    assert cache.client.ttl(cache.make_key("permanent")) == -1
    assert cache.touch("permanent", 30) is True
    assert 0 < cache.client.ttl(cache.make_key("permanent")) <= 30
    assert cache.touch("permanent", None) is True
    assert cache.client.ttl(cache.make_key("permanent")) == -1
    assert cache.touch("absent") is False
    cache.set("versionné", "v1", version=1)
    cache.set("versionné", "v2", version=2)
    assert cache.get("versionné", version=1) == "v1"
    assert cache.get_or_set("calculé", lambda: "une fois") == "une fois"
    assert cache.get_or_set("calculé", lambda: "deux fois") == "une fois"
    assert cache.delete("a") is True and cache.delete("a") is False
    cache.delete_many(["b", "c"])
    assert cache.get_many(["b", "c"]) == {}
    assert cache.clear() is True
    assert cache.get("nombre") is None
