"""Conditional GET for feeds and story pages, with validators read from the data.

A response depends on a set of published stories. Its ETag fingerprints that
set (how many, the newest edit, the newest publication time), so it changes
when a story is published, edited, unpublished, deleted, or when a scheduled
story reaches its time, which writes nothing. Last-Modified must never go back
in time, or a client asking If-Modified-Since would keep a story that was
withdrawn: it also counts the latest edit of any story, published or not, since
unpublishing is an edit.
"""

import hashlib

from django.db.models import Count, Max, Q
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .models import Article


def validators(stories):
    """(ETag, Last-Modified) of a queryset of published stories, in one query."""
    in_set = Q(pk__in=stories.order_by().values("pk"))
    facts = Article.objects.aggregate(
        count=Count("pk", filter=in_set),
        edited=Max("updated_at", filter=in_set),
        latest=Max("published_at", filter=in_set),
        any_edit=Max("updated_at"),
    )
    fingerprint = f"{facts['count']}|{facts['edited']}|{facts['latest']}"
    etag = '"%s"' % hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    dates = [facts[k] for k in ("edited", "latest", "any_edit") if facts[k] is not None]
    # HTTP dates count whole seconds; a fraction would defeat If-Modified-Since.
    return etag, int(max(dates).timestamp()) if dates else None


def conditional_response(request, stories, respond):
    """304 when the client's copy of these stories is current, else ``respond()``."""
    etag, last_modified = validators(stories)
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = respond()
    response.headers["ETag"] = etag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified)
    return response
