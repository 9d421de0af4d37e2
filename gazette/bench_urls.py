"""The site's URLs plus /bench/floor, for `make bench` only (GAZETTE_BENCH=1)."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from .urls import urlpatterns as site_urlpatterns


@never_cache
def floor(request):
    """The cheapest page the stack can serve: every middleware, no template, no SQL."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor", floor), *site_urlpatterns]
