"""Site-wide views: the health check."""

import logging
import secrets

from django.core.cache import cache, caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from pagecache.backends import CacheUnavailable, RedisCache

logger = logging.getLogger(__name__)


def _database_ok():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache_ok():
    if isinstance(caches["default"], RedisCache):
        # Redis itself (or its breaker): its fallback answers during an outage.
        return cache.ping()
    key, value = "gazette:healthz", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    return cache.get(key) == value


@never_cache
def healthz(request):
    """JSON status of the database and the cache; 503 when either is down,
    the cache counting as down while it fails fast after an outage
    (pagecache.backends)."""
    checks = {}
    for name, check in (("database", _database_ok), ("cache", _cache_ok)):
        try:
            checks[name] = "ok" if check() else "error"
        except CacheUnavailable:
            # Logged once by the cache when the outage began, not per probe.
            checks[name] = "error"
        except Exception:
            logger.exception("Health check failed: %s", name)
            checks[name] = "error"
    healthy = all(status == "ok" for status in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks},
        status=200 if healthy else 503,
    )
