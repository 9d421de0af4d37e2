"""Conditional GET for feeds and story pages, from indexed reads only.

Last-Modified must never go back in time, or a client asking
If-Modified-Since would keep a story that was withdrawn: it counts the latest
edit of any story, published or not (unpublishing is an edit), and the
latest publication, which moves when a scheduled story reaches its time
though nothing is written. Both are read from an index, whatever the size
of the archive.

The ETag of a feed fingerprints the stories it shows (which ones, and when
each was last edited), so a feed answers 304 until one of its own stories
changes. A story page shows more than its story (related briefs, the
navigation's topics, figures): it sets no ETag of its own, and
``ConditionalGetMiddleware`` hashes the page as sent, so the ETag changes
exactly when the page does. Every validator is read from the content, so a
seed load that writes nothing, a deploy or a restart changes none of them.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Subquery
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .models import Article


def newest_edit():
    """The latest edit of any story, as a subquery (index on updated_at)."""
    return Subquery(Article.objects.order_by("-updated_at").values("updated_at")[:1])


def last_modified(*dates):
    # HTTP dates count whole seconds; a fraction would defeat If-Modified-Since.
    dates = [date for date in dates if date is not None]
    return int(max(dates).timestamp()) if dates else None


def etag(fingerprint):
    return '"%s"' % hashlib.sha256(fingerprint.encode()).hexdigest()[:32]


def feed_validators(newest, limit):
    """(ETag, Last-Modified) of a feed showing the first ``limit`` of ``newest``,
    published stories newest first, in one query."""
    rows = list(
        newest.values_list("pk", "updated_at", "published_at").annotate(
            any_edit=newest_edit()
        )[:limit]
    )
    if not rows:
        edits = Article.objects.order_by("-updated_at")
        return etag("empty"), last_modified(
            edits.values_list("updated_at", flat=True).first()
        )
    fingerprint = "|".join(f"{pk}:{edited}" for pk, edited, _, _ in rows)
    _, _, newest_publication, any_edit = rows[0]
    return etag(fingerprint), last_modified(newest_publication, any_edit)


def site_dates():
    """The latest publication and the latest edit of the whole site (None
    without stories), read in one query of two indexed subqueries."""
    newest = Article.objects.published().order_by("-published_at")
    dates = Article.objects.order_by().annotate(
        published=Subquery(newest.values("published_at")[:1]),
        edited=newest_edit(),
    )
    return dates.values_list("published", "edited").first() or (None, None)


def page_validators(request):
    """(ETag, Last-Modified) of a page that depends on the whole site's
    content: no ETag (the middleware's hash of the page stands for it), and
    the site's latest edit or publication, kept under the content version
    (every edit draws a new one, and so does a story reaching its time)."""
    dates = cache.get_or_set(
        "site-dates",
        site_dates,
        settings.GAZETTE_KEPT_SECONDS,
        version=request.content_version,
    )
    return None, last_modified(*dates)


def conditional_response(request, validators, respond):
    """304 when the client's copy is current, else ``respond()``; without an
    ETag, the response carries Last-Modified and ``ConditionalGetMiddleware``
    decides, on the page's own hash."""
    etag, last_modified = validators
    if etag is None:
        response = respond()
        if last_modified is not None:
            response.headers["Last-Modified"] = http_date(last_modified)
        return response
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = respond()
    response.headers["ETag"] = etag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified)
    return response
