"""System checks of the site's own settings."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.urls)
def site_url_shape(app_configs, **kwargs):
    """SITE_URL, when set, is a scheme and a host: every link is built on it."""
    if not settings.SITE_URL:
        return []
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme in ("http", "https") and parts.netloc and not parts.path:
        return []
    return [
        Error(
            f"SITE_URL « {settings.SITE_URL} » n’est pas une adresse de site.",
            hint="Une adresse comme https://lagazette.example, sans chemin.",
            id="gazette.E001",
        )
    ]


@register(Tags.security, deploy=True)
def site_url_set(app_configs, **kwargs):
    """In production the public address is set, never taken from a request."""
    if settings.SITE_URL:
        return []
    return [
        Warning(
            "SITE_URL n’est pas défini : les liens absolus (partage, flux, plans "
            "du site) suivront l’hôte de chaque requête.",
            hint="Définissez SITE_URL=https://votre-domaine dans l’environnement.",
            id="gazette.W001",
        )
    ]
