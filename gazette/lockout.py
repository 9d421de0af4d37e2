"""Who an admin login attempt comes from, and how many failures it may make.

django-axes calls these through AXES_CLIENT_IP_CALLABLE and
AXES_FAILURE_LIMIT (see gazette/settings.py and docs/operations.md).
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_address(request):
    """The client's address as the outermost trusted proxy saw it.

    Each proxy appends the address of its peer to X-Forwarded-For, so with
    GAZETTE_TRUSTED_PROXIES = N the N-th entry from the right is the one the
    first of them wrote; anything to its left came from the client and is
    ignored. Without trusted proxies, or when the header has fewer entries
    than proxies or no valid address there (a request that did not come
    through them), it is the connection's address.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.GAZETTE_TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies].strip()))
    except ValueError:
        return remote


def failure_limit(request, credentials):
    """Failures allowed for this user name from this address.

    GAZETTE_LOGIN_FAILURE_LIMIT for one user name from one address, so that
    a visitor elsewhere cannot lock an editor out; none at all once the
    address has made GAZETTE_LOGIN_ADDRESS_FAILURE_LIMIT failures within the
    cool-off time, whatever the user names, so that it cannot try a few
    passwords on every name in turn.
    """
    failures = AccessAttempt.objects.filter(
        ip_address=get_client_ip_address(request),
        attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(total=Sum("failures_since_start"))["total"]
    if (failures or 0) >= settings.GAZETTE_LOGIN_ADDRESS_FAILURE_LIMIT:
        return 0
    return settings.GAZETTE_LOGIN_FAILURE_LIMIT
