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
warning in the log), and for ``retry_after`` seconds every call raises
``CacheUnavailable`` at once, without touching the network. Then one call
tries Redis again: if it answers, the breaker closes (one line in the log);
if not, the wait starts over. Callers treat ``CacheUnavailable`` like any
failed cache call (gazette.pagecache: a miss, the page built from the
database), and ``/healthz`` answers 503 while it lasts.
"""

import logging
import re
import threading
from time import monotonic

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
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

    def __init__(self, name, retry_after):
        self.name = name
        self.retry_after = retry_after
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
            "Cache %s out of reach (%s): pages are built without it; "
            "next try in %s s",
            self.name,
            error,
            self.retry_after,
        )

    def recovered(self):
        with self.lock:
            if not self.open:
                return
            self.open = False
        logger.warning("Cache %s answers again", self.name)


class RedisCache(BaseCache):
    """Django's cache API on one Redis server (``LOCATION``, a redis:// URL).

    ``OPTIONS`` go to redis-py's connection pool (``socket_connect_timeout``,
    ``socket_timeout``…), except ``retry_after``: how many seconds cache
    calls fail fast after Redis could not be reached (5 by default).
    """

    def __init__(self, server, params):
        super().__init__(params)
        options = dict(params.get("OPTIONS", {}))
        retry_after = options.pop("retry_after", 5)
        self.client = redis.Redis.from_url(server, **options)
        self.serializer = RedisSerializer()
        # The address without its password, for the log.
        self.breaker = CircuitBreaker(re.sub(r"//[^@/]*@", "//", server), retry_after)

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        """Seconds for Redis (None: no expiry; 0 or less: expire at once)."""
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        value = self.serializer.dumps(value)
        added = self.breaker.call(
            self.client.set, key, value, nx=True, ex=timeout or None
        )
        if added and timeout == 0:  # added and expired at once
            self.breaker.call(self.client.delete, key)
        return bool(added)

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        value = self.breaker.call(self.client.get, key)
        return default if value is None else self.serializer.loads(value)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:
            self.breaker.call(self.client.delete, key)
        else:
            value = self.serializer.dumps(value)
            self.breaker.call(self.client.set, key, value, ex=timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            return bool(self.breaker.call(self.client.persist, key))
        return bool(self.breaker.call(self.client.expire, key, timeout))

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self.breaker.call(self.client.delete, key))

    def get_many(self, keys, version=None):
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not names:
            return {}
        values = self.breaker.call(self.client.mget, list(names))
        return {
            names[name]: self.serializer.loads(value)
            for name, value in zip(names, values)
            if value is not None
        }

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self.breaker.call(self.client.exists, key))

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        if not self.breaker.call(self.client.exists, key):
            raise ValueError(f"Key '{key}' not found.")
        return self.breaker.call(self.client.incr, key, delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        timeout = self.get_backend_timeout(timeout)
        values = {
            self.make_and_validate_key(key, version=version): self.serializer.dumps(v)
            for key, v in data.items()
        }
        pipeline = self.client.pipeline()
        pipeline.mset(values)
        if timeout is not None:
            # MSET takes no expiry.
            for key in values:
                pipeline.expire(key, timeout)
        self.breaker.call(pipeline.execute)
        return []

    def delete_many(self, keys, version=None):
        keys = [self.make_and_validate_key(key, version=version) for key in keys]
        if keys:
            self.breaker.call(self.client.delete, *keys)

    def clear(self):
        return bool(self.breaker.call(self.client.flushdb))
