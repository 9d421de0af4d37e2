"""Request logging and the anonymous page cache."""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from pagecache import content_state, log_cache_error

request_logger = logging.getLogger("gazette.request")

UNCACHEABLE_DIRECTIVES = ("no-cache", "no-store", "private")


class RequestLogMiddleware:
    """One line per request on stdout: method, path, status, duration, cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - start) * 1000
        request_logger.info(
            "%s %s %s %.1fms cache=%s",
            request.method,
            request.get_full_path(),
            response.status_code,
            duration_ms,
            response.get("X-Cache", "-"),
        )
        return response


class PageCacheMiddleware:
    """Serve anonymous GET and HEAD requests from the cache (see pagecache).

    Only requests without cookies other than the CSRF one are served from or
    fill the cache: staff and anyone logged in carry a session cookie, so they
    always get a page built for them. Stored: 200 responses that set no cookie
    and do not ask to stay private or uncached (the story preview). The site
    speaks one language, so pages do not vary by Accept-Language. When the
    cache is down, pages are built from the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or self.has_private_cookies(request):
            response = self.get_response(request)
            if request.COOKIES and "Cache-Control" not in response:
                patch_cache_control(response, private=True)
            return response

        # Outside the try: a forbidden Host header is the client's error (400).
        url = f"{request.get_host()}{request.get_full_path()}"
        now = timezone.now()
        try:
            state = content_state(now=now)
            key = self.key(url, state.version)
            entry = cache.get(key)
        except Exception as error:
            log_cache_error(error)
            return self.get_response(request)

        if entry is not None:
            content, headers = entry
            # HEAD shares the GET entry; its Content-Length stays the page's.
            response = HttpResponse(
                b"" if request.method == "HEAD" else content, headers=headers
            )
            self.add_cdn_headers(response, state, now)
            response["X-Cache"] = "HIT"
            return response

        response = self.get_response(request)
        if not self.storable(response):
            return response
        now = timezone.now()
        ttl = state.seconds_fresh(now=now, limit=settings.GAZETTE_PAGE_CACHE_SECONDS)
        if ttl <= 0:
            return response
        self.add_cdn_headers(response, state, now)
        response["X-Cache"] = "MISS"
        try:
            cache.set(key, (response.content, dict(response.items())), ttl)
        except Exception as error:
            log_cache_error(error)
        if request.method == "HEAD":
            response.content = b""
        return response

    @staticmethod
    def has_private_cookies(request):
        return any(name != settings.CSRF_COOKIE_NAME for name in request.COOKIES)

    @staticmethod
    def key(url, version):
        digest = hashlib.sha256(url.encode()).hexdigest()
        return f"gazette:page:{version}:{digest}"

    @staticmethod
    def storable(response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in UNCACHEABLE_DIRECTIVES)

    @staticmethod
    def add_cdn_headers(response, state, now):
        """A CDN may keep the page as long as the origin would, within its limit."""
        seconds = state.seconds_fresh(now=now, limit=settings.GAZETTE_CDN_MAX_AGE)
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=max(seconds, 0),
            stale_while_revalidate=settings.GAZETTE_CDN_STALE_WHILE_REVALIDATE,
        )
