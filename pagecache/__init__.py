"""The content version: what Django keeps of pages goes stale with it.

Whole pages are kept by the HTTP cache in front (frontcache, Varnish or a
CDN). Inside, Django keeps the parts of pages that cost the most to build,
with its own cache API, under the current content version: template
fragments (``{% cache kept_seconds "nav" request.content_version %}``) and
values (``cache.get_or_set(key, compute, version=request.content_version)``).

Saving or deleting anything in the content apps (``GAZETTE_CONTENT_APPS``:
stories, topics, trade figures, their links) draws a new version, so nothing
kept until then is read again, and it expires on its own. So does every
``migrate`` (a deploy), and a scheduled story reaching its time: the state
names the next publication, and the first request after it draws a new
version, with no process having to wake up for it. The version lives in a
cache every worker shares (``STATE_CACHE``), and ``ContentVersionMiddleware``
reads it once per request.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

# Aliased: this package's own ``apps`` submodule (its AppConfig) would
# shadow the name once Django imports it.
from django.apps import apps as registry
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connections, transaction
from django.utils import timezone

STATE_KEY = "gazette:content-state"
# Shared by every worker (settings.CACHES): a file cache or Redis.
STATE_CACHE = "content-state"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ContentState:
    version: str
    next_publication: datetime | None

    def seconds_fresh(self, *, now: datetime, limit: int) -> int:
        """How long a page built now may be kept: up to the next publication."""
        if self.next_publication is None:
            return limit
        return min(limit, int((self.next_publication - now).total_seconds()))


def content_state(*, now: datetime | None = None) -> ContentState:
    """The current state; a new one if there was none or a story is due."""
    now = now or timezone.now()
    state = _state_cache().get(STATE_KEY)
    if state is None or (
        state.next_publication is not None and state.next_publication <= now
    ):
        return content_refresh()
    return state


def content_refresh() -> ContentState:
    """Draw a new version (everything kept goes stale); find the next publication."""
    article = registry.get_model("articles", "Article")
    state = ContentState(
        version=secrets.token_hex(8),
        next_publication=article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first(),
    )
    _state_cache().set(STATE_KEY, state, timeout=None)
    return state


def _state_cache():
    # The default cache itself when the state is kept there (Redis): one
    # connection pool per worker, and one view of an outage (pagecache.backends).
    if settings.CACHES[STATE_CACHE] == settings.CACHES["default"]:
        return cache
    return caches[STATE_CACHE]


def _refresh_after_write(using):
    # A savepoint, so that a failing query cannot break the editor's
    # transaction; a cache failure must not fail the write either.
    try:
        with transaction.atomic(using=using):
            content_refresh()
    except Exception:
        logger.exception("Could not refresh the content version")


def code_changed(sender, using="default", **kwargs):
    """Signal receiver (post_migrate): a new version after the migrations of
    a deploy, so that nothing kept by the code before is read (unless the
    stories' table is migrated away: nothing to keep then)."""
    article = registry.get_model("articles", "Article")
    if article._meta.db_table in connections[using].introspection.table_names():
        _refresh_after_write(using)


def content_changed(sender, using="default", action=None, **kwargs):
    """Signal receiver: any change to a model of a content app."""
    if sender._meta.app_label not in settings.GAZETTE_CONTENT_APPS:
        return
    if getattr(sender, "derived", False):
        return  # changed with the content it is derived from, which refreshes
    if action is not None and not action.startswith("post_"):
        return
    # Now, so that the change shows at once outside a transaction (and the
    # next publication counts the uncommitted row), and again after the
    # commit: a fragment rendered from the old rows while the transaction was
    # open may have been kept under the version drawn in between.
    _refresh_after_write(using)
    transaction.on_commit(lambda: _refresh_after_write(using), using=using)
