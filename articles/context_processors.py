from django.conf import settings

from .seo import site_root


def site(request):
    """The site's name and address (``site_root``), and how long fragments
    are kept (``{% cache kept_seconds … request.content_version %}``)."""
    return {
        "site_name": settings.SITE_NAME,
        # Lazy: the 400 page for a forbidden Host renders without asking
        # that host.
        "site_url": lambda: site_root(request),
        "kept_seconds": settings.GAZETTE_KEPT_SECONDS,
    }
