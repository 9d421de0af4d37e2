"""The site's Redis cache: one client per backend, and no waiting on a dead Redis.

Django's own Redis backend builds a new ``redis.Redis`` for every cache call,
and each one copies redis-py's table of response callbacks, which costs more
than the round trip to Redis for the few small values a page reads. Its client
class is no public extension point, so this is a backend of its own, on
Django's documented ``BaseCache``: it holds one ``redis.Redis``, which threads
may share (its connection pool hands each call a connection), and stores
values as Django's Redis backend does (``RedisSerializer``).

When Redis cannot be reached, a circuit breaker keeps requests from queueing
behind it: the first call that fails to connect or times out opens it (one
warning in the log), and for ``retry_after`` seconds every call fails at
once (``CacheUnavailable``), without touching the network. Then one call
tries Redis again: if it answers, the breaker closes (one line in the log);
if not, the wait starts over.

While Redis is out of reach (the breaker open, or a call that has just
failed), every cache call is served by a fallback in the worker's own memory,
Django's ``LocMemCache``, with every value kept ``fallback_seconds`` at most
(5 by default). Without it, each page would be built with nothing kept, at
several times its usual cost, so that losing Redis would multiply the load
on the database and the workers just when the site is already degraded. The
cap bounds how stale a worker can be: the fallbacks are not shared, so an
edit made during the outage draws a new content version in one worker's
fallback only (pagecache), and the others see it once their own
version has expired, ``fallback_seconds`` at most. As soon as a call reaches
Redis again the fallback is emptied, so no value kept during the outage is
read after it. ``ping()`` asks Redis itself (or the breaker), never the
fallback: ``/healthz`` answers 503 while the outage lasts.
"""

import logging
import re
import threading
from time import monotonic

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisSerializer

logger = logging.getLogger(__name__)

# Errors that say Redis is out of reach (refused, reset, timed out, loading
# its data), as opposed to a refused command, which does not open the breaker.
OUTAGE_ERRORS = (redis.ConnectionError, redis.TimeoutError)


class CacheUnavailable(Exception):
    """A cache call not made, or failed, because Redis is out of reach."""


class CircuitBreaker:
    """Fail fast for ``retry_after`` seconds after an outage error, then let
    one call try again; the outage and the recovery are logged once each."""

    def __init__(self, name, retry_after, on_recovery=None):
        self.name = name
        self.retry_after = retry_after
        self.on_recovery = on_recovery
        self.open = False
        # While open: when the next call may try; a call that tries pushes it
        # on, so that concurrent ones keep failing fast meanwhile.
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def call(self, function, *args, **kwargs):
        if self.open:
            with self.lock:
                if self.open and monotonic() < self.retry_at:
                    raise CacheUnavailable(
                        f"{self.name} out of reach; next try in "
                        f"{self.retry_at - monotonic():.1f} s"
                    )
                self.retry_at = monotonic() + self.retry_after
        try:
            result = function(*args, **kwargs)
        except OUTAGE_ERRORS as error:
            self.failed(error)
            raise CacheUnavailable(f"{self.name} out of reach: {error}") from error
        if self.open:
            self.recovered()
        return result

    def failed(self, error):
        with self.lock:
            self.retry_at = monotonic() + self.retry_after
            if self.open:
                return
            self.open = True
        logger.warning(
            "Cache %s out of reach (%s): values kept in this worker's memory "
            "meanwhile; next try in %s s",
            self.name,
            error,
            self.retry_after,
        )

    def recovered(self):
        with self.lock:
            if not self.open:
                return
            self.open = False
        if self.on_recovery is not None:
            self.on_recovery()
        logger.warning("Cache %s answers again", self.name)


class RedisCache(BaseCache):
    """Django's cache API on one Redis server (``LOCATION``, a redis:// URL).

    ``OPTIONS`` go to redis-py's connection pool (``socket_connect_timeout``,
    ``socket_timeout``…), except ``retry_after``: how many seconds cache
    calls fail fast after Redis could not be reached (5 by default), and
    ``fallback_seconds``: how long the worker's own memory keeps a value
    meanwhile (5 by default).
    """

    def __init__(self, server, params):
        super().__init__(params)
        options = dict(params.get("OPTIONS", {}))
        retry_after = options.pop("retry_after", 5)
        self.fallback_seconds = options.pop("fallback_seconds", 5)
        self.client = redis.Redis.from_url(server, **options)
        self.serializer = RedisSerializer()
        # Named after the server: the threads of a worker, and the backends
        # on the same Redis database, share one fallback as they share Redis.
        # Same key prefix, version and key function: the same keys.
        self.fallback = LocMemCache(
            f"pagecache.backends.fallback:{server}", {**params, "OPTIONS": {}}
        )
        # The address without its password, for the log.
        self.breaker = CircuitBreaker(
            re.sub(r"//[^@/]*@", "//", server),
            retry_after,
            on_recovery=self.fallback.clear,
        )

    def call(self, from_redis, from_fallback):
        """``from_redis()``, or ``from_fallback()`` while Redis is out of reach."""
        try:
            return self.breaker.call(from_redis)
        except CacheUnavailable:
            return from_fallback()

    def ping(self):
        """Whether Redis answers; raises ``CacheUnavailable`` while it is out
        of reach. Never answered by the fallback."""
        return bool(self.breaker.call(self.client.ping))

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        """Seconds for Redis (None: no expiry; 0 or less: expire at once)."""
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def fallback_timeout(self, timeout=DEFAULT_TIMEOUT):
        """Seconds for the fallback: as for Redis, ``fallback_seconds`` at most."""
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            return self.fallback_seconds
        return min(timeout, self.fallback_seconds)

    # Each method makes its keys before calling Redis: a key may hold a lazy
    # value (request.content_version) whose reading calls the cache itself.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        name = self.make_and_validate_key(key, version=version)

        def from_redis():
            seconds = self.get_backend_timeout(timeout)
            added = self.client.set(
                name, self.serializer.dumps(value), nx=True, ex=seconds or None
            )
            if added and seconds == 0:  # added and expired at once
                self.client.delete(name)
            return bool(added)

        return self.call(
            from_redis,
            lambda: self.fallback.add(
                key, value, self.fallback_timeout(timeout), version
            ),
        )

    def get(self, key, default=None, version=None):
        name = self.make_and_validate_key(key, version=version)

        def from_redis():
            value = self.client.get(name)
            return default if value is None else self.serializer.loads(value)

        return self.call(
            from_redis, lambda: self.fallback.get(key, default, version)
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        name = self.make_and_validate_key(key, version=version)

        def from_redis():
            seconds = self.get_backend_timeout(timeout)
            if seconds == 0:
                self.client.delete(name)
            else:
                self.client.set(name, self.serializer.dumps(value), ex=seconds)

        self.call(
            from_redis,
            lambda: self.fallback.set(
                key, value, self.fallback_timeout(timeout), version
            ),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        name = self.make_and_validate_key(key, version=version)

        def from_redis():
            seconds = self.get_backend_timeout(timeout)
            if seconds is None:
                return bool(self.client.persist(name))
            return bool(self.client.expire(name, seconds))

        return self.call(
            from_redis,
            lambda: self.fallback.touch(key, self.fallback_timeout(timeout), version),
        )

    def delete(self, key, version=None):
        name = self.make_and_validate_key(key, version=version)
        return self.call(
            lambda: bool(self.client.delete(name)),
            lambda: self.fallback.delete(key, version),
        )

    def get_many(self, keys, version=None):
        keys = list(keys)  # read twice when Redis fails
        names = {self.make_and_validate_key(key, version=version): key for key in keys}

        def from_redis():
            if not names:
                return {}
            values = self.client.mget(list(names))
            return {
                names[name]: self.serializer.loads(value)
                for name, value in zip(names, values)
                if value is not None
            }

        return self.call(from_redis, lambda: self.fallback.get_many(keys, version))

    def has_key(self, key, version=None):
        name = self.make_and_validate_key(key, version=version)
        return self.call(
            lambda: bool(self.client.exists(name)),
            lambda: self.fallback.has_key(key, version),
        )

    def incr(self, key, delta=1, version=None):
        name = self.make_and_validate_key(key, version=version)

        def from_redis():
            if not self.client.exists(name):
                raise ValueError(f"Key '{name}' not found.")
            return self.client.incr(name, delta)

        return self.call(from_redis, lambda: self.fallback.incr(key, delta, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        names = {key: self.make_and_validate_key(key, version=version) for key in data}

        def from_redis():
            seconds = self.get_backend_timeout(timeout)
            values = {
                names[key]: self.serializer.dumps(value) for key, value in data.items()
            }
            pipeline = self.client.pipeline()
            pipeline.mset(values)
            if seconds is not None:
                # MSET takes no expiry.
                for name in values:
                    pipeline.expire(name, seconds)
            pipeline.execute()
            return []

        return self.call(
            from_redis,
            lambda: self.fallback.set_many(
                data, self.fallback_timeout(timeout), version
            ),
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        names = [self.make_and_validate_key(key, version=version) for key in keys]
        if names:
            self.call(
                lambda: self.client.delete(*names),
                lambda: self.fallback.delete_many(keys, version),
            )

    def clear(self):
        """Empty the Redis database and the fallback; False while Redis is
        out of reach (its values are still there when it comes back)."""
        self.fallback.clear()
        return self.call(lambda: bool(self.client.flushdb()), lambda: False)
