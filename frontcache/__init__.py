"""Name what a public response shows, for the HTTP cache in front, and purge
those names when the content changes.

A response carries its surrogate keys (``keys()``) in an ``xkey`` header,
which Varnish's xkey module indexes, and in ``Surrogate-Key``, which CDNs
such as Fastly read; ``purge()`` sends a soft purge of keys to the endpoint
``FRONTCACHE_PURGE_URL`` names, once the transaction commits. The signal
receivers in ``frontcache.signals`` say which keys each change concerns.
"""

import logging
import urllib.request
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

KEY_HEADERS = ("xkey", "Surrogate-Key")
PURGE_HEADER = "xkey-purge"
NOT_SHARED = ("private", "no-cache", "no-store")


def keys(request, response, *names):
    """Add the surrogate keys ``names`` to ``response`` and let a shared cache
    keep it ``FRONTCACHE_MAX_AGE`` seconds. A response that asks to stay
    private or uncached (a preview) is left as it is; one that answers a
    request with a session (staff, whose pages are built for them) is
    marked private.
    Returns ``response``."""
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in NOT_SHARED):
        return response
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # Built for the person logged in: no shared cache may keep it.
        patch_cache_control(response, private=True)
        return response
    known = response.get(KEY_HEADERS[0], "").split()
    merged = " ".join(dict.fromkeys([*known, *names]))
    for header in KEY_HEADERS:
        response[header] = merged
    # Browsers revalidate (ETag, Last-Modified); the proxy keeps the page
    # until a purge, or the next scheduled publication
    # (pagecache.middleware), a story coming due is then never missed.
    patch_cache_control(
        response, public=True, max_age=0, s_maxage=settings.FRONTCACHE_MAX_AGE
    )
    return response


def tagged(*names):
    """View decorator: ``keys(request, response, *names)`` on every response."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return keys(request, view(request, *args, **kwargs), *names)

        return wrapped

    return decorator


def key_for(obj):
    """The key of a page's subject: ``topic:chine``, ``country:kz``."""
    return f"{obj._meta.model_name}:{obj.slug}"


def purge(names):
    """Soft-purge the keys ``names`` at ``FRONTCACHE_PURGE_URL`` once the
    current transaction commits (at once outside one). Nothing happens
    without that setting; a proxy that is down or refuses is logged, and the
    editor's save stands."""
    url = settings.FRONTCACHE_PURGE_URL
    names = sorted(set(names))
    if url and names:
        transaction.on_commit(lambda: send_purge(url, names))


def send_purge(url, names):
    """One purge request naming ``names``; True if the proxy accepted it.

    The keys go in ``xkey-purge`` (Varnish's xkey, deploy/varnish/) and in
    ``Surrogate-Key`` (Fastly's API); the method and any other header (a
    CDN's token) come from ``FRONTCACHE_PURGE_METHOD`` and
    ``FRONTCACHE_PURGE_HEADERS``."""
    keys = " ".join(names)
    request = urllib.request.Request(
        url,
        method=settings.FRONTCACHE_PURGE_METHOD,
        headers={
            **settings.FRONTCACHE_PURGE_HEADERS,
            PURGE_HEADER: keys,
            "Surrogate-Key": keys,
        },
    )
    try:
        with urllib.request.urlopen(
            request, timeout=settings.FRONTCACHE_PURGE_TIMEOUT
        ) as response:
            response.read()
    except (OSError, ValueError) as error:  # URLError, HTTPError, timeouts
        # Pages stay stale until their s-maxage runs out: worth a warning,
        # never worth losing the editor's work.
        logger.warning("Purge of %s at %s failed: %s", " ".join(names), url, error)
        return False
    return True
