import re

from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject

from . import content_state

S_MAXAGE = re.compile(r"\bs-maxage=(\d+)")


class ContentVersionMiddleware:
    """Read the content state once per request: ``request.content_version``
    names what views and templates keep (``{% cache %}``, the cache API's
    ``version``).

    A response that a shared cache may keep (``s-maxage``, frontcache) is
    kept no longer than until the next scheduled publication: the HTTP cache
    in front then fetches every page anew by the time a scheduled story is
    due, so it is on the home page, its listings and feeds at its time, with
    no process having to wake up for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Lazy, as request.user: a response that keeps nothing (/healthz,
        # with the cache or the database down) never reads it. Read as of the
        # request's start: a page built before a story fell due, its state
        # read only after, is then kept for no time at all (not until the
        # publication after that one).
        started = timezone.now()
        state = SimpleLazyObject(lambda: content_state(now=started))
        request.content_version = SimpleLazyObject(lambda: state.version)
        response = self.get_response(request)
        shared = S_MAXAGE.search(response.get("Cache-Control", ""))
        if shared is not None:
            limit = int(shared.group(1))
            seconds = state.seconds_fresh(now=timezone.now(), limit=limit)
            patch_cache_control(response, s_maxage=max(seconds, 0))
        return response
