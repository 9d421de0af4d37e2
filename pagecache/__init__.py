"""When a cached page stops being fresh: a content version and the next publication.

Pages are cached under a key that holds the current content version. Saving
or deleting anything in the content apps (``GAZETTE_CONTENT_APPS``: stories,
topics, trade figures, their links) draws a new version, so every page cached
until then is never read again and expires on its own. A page may not
outlive the next scheduled publication either: its time to live stops there,
so a story scheduled for 9:00 is on every page at 9:00, with no process
having to wake up for it. The version lives in a cache every worker shares
(``STATE_CACHE``); the pages may stay in each worker's memory.

Values that pages show of the content beyond their own rows (the
navigation, a story's relations and key figures, listing cards, facet
counts, the site's dates) are kept with ``versioned()`` and
``versioned_many()``, each with the version it was computed for, so that a
page built anew (a reader with a cookie, the first request for an address)
does not compute them again, and they go stale exactly when cached pages
do. A page reads those it needs with ``preload()``, in one round trip with
the state itself, which is read once per request.
"""

import hashlib
import logging
import secrets
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

# Aliased: this package's own ``apps`` submodule (its AppConfig) would
# shadow the name once Django imports it.
from django.apps import apps as registry
from django.conf import settings
from django.core.cache import cache, caches
from django.core.signals import request_finished, request_started
from django.db import connections, transaction
from django.dispatch import receiver
from django.utils import timezone

from .backends import CacheUnavailable

STATE_KEY = "gazette:content-state"
# Shared by every worker (settings.CACHES): a file cache or Redis.
STATE_CACHE = "content-state"

logger = logging.getLogger(__name__)

# While a request computes kept values, others that need them read the cache
# this often (GAZETTE_KEPT_WAIT_SECONDS at most) instead of computing them too.
WAIT_POLL_SECONDS = 0.005

# The state read once per request: the page cache, the validators and every
# ``versioned()`` value of a page agree on it, for one round trip to the
# shared cache instead of one each. Outside a request (commands, the shell),
# nothing is remembered.
_request_state: ContextVar[dict | None] = ContextVar("request_state", default=None)


# `make bench` measures pages built from nothing kept: with GAZETTE_BENCH on,
# a request carrying this header gets every ``versioned()`` value computed.
COLD_HEADER = "HTTP_X_GAZETTE_COLD"


@receiver(request_started)
def _remember_for_request(environ=None, **kwargs):
    cold = settings.GAZETTE_BENCH and bool((environ or {}).get(COLD_HEADER))
    _request_state.set({"cold": cold})


def _cold():
    memo = _request_state.get()
    return memo is not None and memo["cold"]


@receiver(request_finished)
def _forget_after_request(**kwargs):
    _request_state.set(None)


@dataclass(frozen=True)
class ContentState:
    version: str
    next_publication: datetime | None

    def seconds_fresh(self, *, now: datetime, limit: int) -> int:
        """How long a page built now may be served: up to the next publication."""
        if self.next_publication is None:
            return limit
        return min(limit, int((self.next_publication - now).total_seconds()))


def content_state(*, now: datetime) -> ContentState:
    """The current state; a new one once a scheduled story is due."""
    memo = _request_state.get()
    state = memo.get(STATE_KEY) if memo is not None else None
    if state is None:
        state = _settled(_state_cache().get(STATE_KEY), now=now)
    if memo is not None:
        memo[STATE_KEY] = state
    return state


def _settled(state, *, now):
    """``state`` as read, or a new one if there was none or a story is due."""
    if state is None or (
        state.next_publication is not None and state.next_publication <= now
    ):
        return content_refresh()
    return state


def content_refresh() -> ContentState:
    """Draw a new version (every cached page goes stale); find the next publication."""
    article = registry.get_model("articles", "Article")
    state = ContentState(
        version=secrets.token_hex(8),
        next_publication=article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first(),
    )
    _state_cache().set(STATE_KEY, state, timeout=None)
    memo = _request_state.get()
    if memo is not None:
        memo[STATE_KEY] = state
    return state


def log_cache_error(error):
    """Log a failed cache call, but not each call an outage fails: the cache
    logs the outage once, when it starts (pagecache.backends)."""
    if not isinstance(error, CacheUnavailable):
        logger.warning("Cache unavailable: %r", error)


def content_version():
    """The current content version, or None when the shared cache is down."""
    try:
        return content_state(now=timezone.now()).version
    except Exception as error:
        log_cache_error(error)
        return None


def versioned(name, compute):
    """``compute()``, kept until the content changes or the next publication
    is due; computed anew when the cache is down."""
    return versioned_many([name], lambda missing: {name: compute()})[name]


def versioned_many(names, compute):
    """Values kept like ``versioned()``, read in one round trip (those that
    ``preload()`` read for this request are not read again): ``compute(missing)``
    gives the values the cache lacks, as a dict. When the cache is down, all
    are computed, so that an outage slows pages down but never breaks them.

    Each value is kept under its name with the version it was computed for,
    and read only under that version: a page reads the state and its values
    in one round trip (``preload``), and a new value replaces the stale one.
    """
    memo = _request_state.get()
    if memo is None:
        memo = {}
    if _cold():
        return _for_this_request(names, compute, memo)
    now = timezone.now()
    try:
        state = content_state(now=now)
        keys = {_value_key(name): name for name in names}
        kept = {key: memo[key] for key in keys if key in memo}
        unread = [key for key in keys if key not in memo]
        if unread:
            kept.update(cache.get_many(unread))
    except Exception as error:
        log_cache_error(error)
        return _for_this_request(names, compute, memo)
    # Each entry is (version, value); absent ones are None.
    found = {
        keys[key]: entry[1]
        for key, entry in kept.items()
        if entry is not None and entry[0] == state.version
    }
    missing = [name for name in names if name not in found]
    if not missing:
        return found
    seconds = state.seconds_fresh(now=now, limit=settings.GAZETTE_PAGE_CACHE_SECONDS)
    if seconds <= 0:  # a publication is due: nothing is kept until it is out
        found.update(compute(missing))
        return found
    lock = _lock_key(state.version, missing)
    if not _lock(lock):
        # Another request is computing them: wait for its values.
        waited = _wait_for(missing, state.version)
        memo.update({_value_key(n): (state.version, v) for n, v in waited.items()})
        found.update(waited)
        missing = [name for name in missing if name not in waited]
        lock = None
    try:
        if missing:
            computed = compute(missing)
            found.update(computed)
            entries = {
                _value_key(name): (state.version, value) for name, value in computed.items()
            }
            memo.update(entries)  # for the rest of the request
            try:
                cache.set_many(entries, seconds)
            except Exception as error:
                log_cache_error(error)
    finally:
        if lock is not None:
            _unlock(lock)
    return found


def _lock_key(version, names):
    digest = hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:32]
    return f"gazette:computing:{version}:{digest}"


def _lock(key):
    """Whether this request may compute the values ``key`` names: the first
    to ask after a change computes them, the others wait for them
    (``_wait_for``) rather than all compute the same values at once."""
    try:
        return cache.add(key, True, settings.GAZETTE_KEPT_WAIT_SECONDS * 5)
    except Exception as error:
        log_cache_error(error)
        return True


def _unlock(key):
    try:
        cache.delete(key)
    except Exception as error:
        log_cache_error(error)


def _wait_for(names, version):
    """The values ``names`` another request is computing, as they are kept
    under ``version``, read every few milliseconds for at most
    ``GAZETTE_KEPT_WAIT_SECONDS``; those still missing then are left out
    (the caller computes them)."""
    keys = {_value_key(name): name for name in names}
    deadline = time.monotonic() + settings.GAZETTE_KEPT_WAIT_SECONDS
    found = {}
    while len(found) < len(keys) and time.monotonic() < deadline:
        time.sleep(WAIT_POLL_SECONDS)
        try:
            read = cache.get_many([key for key in keys if keys[key] not in found])
        except Exception as error:
            log_cache_error(error)
            break
        found.update(
            {keys[k]: e[1] for k, e in read.items() if e is not None and e[0] == version}
        )
    return found


def _for_this_request(names, compute, memo):
    """Values computed for this request alone, once each, as the first
    request after a change computes them (nothing kept: ``X-Gazette-Cold``,
    or the cache is down)."""
    keys = {_value_key(name): name for name in names}
    found = {name: memo[key][1] for key, name in keys.items() if key in memo}
    missing = [name for name in names if name not in found]
    if missing:
        computed = compute(missing)
        memo.update({_value_key(name): (None, value) for name, value in computed.items()})
        found.update(computed)
    return found


def preload(*names):
    """Read the ``versioned()`` values a page is about to ask for in one round
    trip, for the rest of the request, with the content state when it has
    not been read yet and shares their cache."""
    memo = _request_state.get()
    if memo is None or memo["cold"]:
        return
    keys = [_value_key(name) for name in names]
    try:
        if STATE_KEY not in memo and _state_beside_values():
            read = cache.get_many([STATE_KEY, *keys])
            memo[STATE_KEY] = _settled(read.get(STATE_KEY), now=timezone.now())
        else:
            content_state(now=timezone.now())
            read = cache.get_many(keys)
    except Exception as error:
        log_cache_error(error)
        return
    # Absent ones too (None): ``versioned_many`` does not look for them again.
    memo.update({key: read.get(key) for key in keys})


def _state_beside_values():
    """Whether the state is kept in the cache that keeps the values (Redis)."""
    return settings.CACHES[STATE_CACHE] == settings.CACHES["default"]


def _state_cache():
    # The default cache itself when the state is kept there (Redis): one
    # connection pool per worker, and one view of an outage (pagecache.backends).
    return cache if _state_beside_values() else caches[STATE_CACHE]


def _value_key(name):
    return f"gazette:value:{name}"


def _refresh_after_write(using):
    # A savepoint, so that a failing query cannot break the editor's
    # transaction; a cache outage must not fail the write either.
    try:
        with transaction.atomic(using=using):
            content_refresh()
    except Exception:
        logger.exception("Could not refresh the content version")


def code_changed(sender, using="default", **kwargs):
    """Signal receiver (post_migrate): a new version after the migrations of
    a deploy, so that no page or value kept by the code before is read
    (unless the stories' table is migrated away: nothing to keep then)."""
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
    # commit: a page rendered from the old rows while the transaction was
    # open may have been cached under the version drawn in between.
    _refresh_after_write(using)
    transaction.on_commit(lambda: _refresh_after_write(using), using=using)
