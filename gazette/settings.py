"""Settings for La Gazette, configured by DJANGO_-prefixed environment variables.

See README.md for the table of variables. DEBUG is off unless DJANGO_DEBUG says
otherwise, and a missing secret key with DEBUG off stops the start-up.
"""
import hashlib
import json
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
        )
    # Development only: a fixed key is harmless because DEBUG is on.
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "gazette",
    "pagecache",
    "articles",
    "trade",
    "frontcache",
]

MIDDLEWARE = [
    "gazette.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # request.content_version, under which fragments and values are kept;
    # public responses kept by the proxy until the next publication at most.
    "pagecache.middleware.ContentVersionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gazette.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "gazette.wsgi.application"

# DATABASE_URL (postgres://user:password@host:5432/name, through psycopg 3)
# wins; without it, a SQLite file. Either way a worker keeps its connection
# between requests (CONN_MAX_AGE): opening one costs more than a story
# page's queries (SQLite reads the schema anew on every connection).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=600, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DJANGO_SQLITE_PATH", BASE_DIR / "db.sqlite3"),
            "CONN_MAX_AGE": 600,
        }
    }

# REDIS_URL (redis://host:6379/0) shares the cache between processes and
# machines; without it, each process keeps its own in memory. With Redis
# down, pages are built from the database instead of waiting for it
# (pagecache.backends): a connection gives up after socket_connect_timeout, a
# reply after socket_timeout, and after such a failure cache calls fail at
# once for retry_after seconds before one tries again. The page cache's
# content version (pagecache) must be one for every worker, or a
# story saved through one would leave the others serving stale pages: without
# Redis it lives in a file cache, shared by the processes of the machine that
# use this database.
REDIS_URL = os.environ.get("REDIS_URL", "")
if os.environ.get("DJANGO_CACHE") == "dummy":
    # Nothing kept anywhere: every page is built from the database, as the
    # first request after a change is (`make bench` measures it this way).
    CACHES = {
        name: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        for name in ("default", "content-state")
    }
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": 0.2,
                "socket_timeout": 0.5,
                "retry_after": 5,
                "fallback_seconds": 5,
            },
        }
    }
    CACHES["content-state"] = CACHES["default"]
else:
    _database = hashlib.sha256(str(DATABASES["default"]["NAME"]).encode()).hexdigest()
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "content-state": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": Path(tempfile.gettempdir()) / f"gazette-state-{_database[:16]}",
        },
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out client is refused before its password is
    # checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# Rewordings of Django's admin French (« objet », « Ajout de article »);
# catalogs here take precedence over the apps'.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Hashed names and gzip copies made by collectstatic, served by WhiteNoise
# with far-future cache headers.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Where `manage.py backup` (`make backup`) writes its dated files; copy them
# off this machine too (docs/operations.md, « Sauvegardes »).
GAZETTE_BACKUP_DIR = Path(
    os.environ.get("DJANGO_BACKUP_DIR", "") or BASE_DIR / "backups"
)

# Mail: the newsroom's hand-off notices (articles.publishing). With an SMTP
# host, through it; without one, printed on the console (development).
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
_email_port = os.environ.get("DJANGO_EMAIL_PORT", "").strip() or "25"
if not _email_port.isdecimal():
    raise ImproperlyConfigured("DJANGO_EMAIL_PORT must be a port number (25, 587…).")
EMAIL_PORT = int(_email_port)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL")
# A mail server that does not answer must not hold an editor's save for long.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "La Gazette <redaction@localhost>"
)

SITE_NAME = "La Gazette"
# The site's public address (https://lagazette.example): every absolute link
# starts with it (articles.seo.site_root). Required in production (a deploy
# check says so); unset in development, links follow the address the request
# reached, so `make run PORT=8765` links to port 8765.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# Markdown extensions that render story bodies. The trade app adds its own
# (figure tokens) here, so articles never imports trade.
GAZETTE_MARKDOWN_EXTENSIONS = [
    "markdown.extensions.tables",
    "markdown.extensions.footnotes",
    "markdown.extensions.sane_lists",
    "articles.markdown_fr",
    "trade.markdown",
]
# What other apps add to stories (articles.panels): boxes below a story's
# body, and inlines on its admin page. Here too, articles never names trade.
GAZETTE_STORY_PANELS = ["trade.panels.KEY_FIGURES_PANEL"]
GAZETTE_STORY_ADMIN_INLINES = ["trade.admin.FigureStoryInline"]
# Boxes the newsroom home (/admin/) shows below its lists: templates.
GAZETTE_DESK_PANELS = ["admin/trade/includes/desk_figures.html"]
# Facets the listings offer besides the topics (articles.filters): filter
# name, Article's relation (declared by another app) and its label.
GAZETTE_LISTING_FACETS = {"country": ("countries", "Pays")}
# Editors hold every permission of these apps (articles.services.roles_sync).
GAZETTE_EDITOR_APPS = ["articles", "trade"]

# How long Django keeps a fragment or a value of a page (``{% cache %}``, the
# cache API) at most; a change to the content or a scheduled publication
# makes it stale sooner (pagecache).
GAZETTE_KEPT_SECONDS = 3600
# Saving or deleting any model of these apps makes everything kept stale.
GAZETTE_CONTENT_APPS = ["articles", "trade"]

# The HTTP cache in front (frontcache, deploy/varnish/): how long it may keep
# a public page, and where saves send soft purges of the pages' surrogate
# keys (Varnish's PURGE with xkey-purge, e.g. http://127.0.0.1:8000/); empty:
# no purge is sent.
FRONTCACHE_MAX_AGE = 3600
FRONTCACHE_PURGE_URL = os.environ.get("DJANGO_FRONTCACHE_PURGE_URL", "")
FRONTCACHE_PURGE_TIMEOUT = 2
# A CDN in Varnish's place: the purge's method and extra headers, e.g. for
# Fastly's API (URL https://api.fastly.com/service/<id>/purge), POST and
# {"Fastly-Key": "<token>", "Fastly-Soft-Purge": "1"} (docs/operations.md).
FRONTCACHE_PURGE_METHOD = os.environ.get("DJANGO_FRONTCACHE_PURGE_METHOD", "PURGE")
try:
    FRONTCACHE_PURGE_HEADERS = json.loads(
        os.environ.get("DJANGO_FRONTCACHE_PURGE_HEADERS", "") or "{}"
    )
except ValueError as error:
    raise ImproperlyConfigured(
        f"DJANGO_FRONTCACHE_PURGE_HEADERS must be a JSON object: {error}"
    ) from None
if not isinstance(FRONTCACHE_PURGE_HEADERS, dict):
    raise ImproperlyConfigured("DJANGO_FRONTCACHE_PURGE_HEADERS must be a JSON object.")

# Security. Debug-off defaults pass `manage.py check --deploy`; a server
# behind a TLS-terminating proxy on loopback (`make serve`) may turn the
# redirect off.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# gunicorn trusts no scheme header itself (deploy/gunicorn.conf.py): this
# setting alone decides what came over HTTPS.
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True

# No inline script anywhere: JSON-LD (<script type="application/ld+json">) is
# data, which browsers do not execute, so script-src 'self' allows it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Proxies in front of the site that append their peer's address to
# X-Forwarded-For (`make serve`: 1). With none, the client is the
# connection's address; behind a proxy that would be the proxy's, shared by
# every visitor.
_proxies = os.environ.get("DJANGO_TRUSTED_PROXIES", "").strip() or "0"
if not _proxies.isdecimal():
    raise ImproperlyConfigured(
        "DJANGO_TRUSTED_PROXIES must be a whole number of proxies (0, 1, 2…)."
    )
GAZETTE_TRUSTED_PROXIES = int(_proxies)

# Admin logins (gazette.lockout), counted over fifteen minutes, then a 429
# until the failures stop for that long. Five failures for one user name
# from one address lock that pair only: more than an editor's mistyping or
# an old password, and a visitor elsewhere cannot lock the editor out. 25
# from one address, whatever the names, lock the address: one office's
# editors mistyping together stay below it, while it stops a guesser who
# tries a few passwords on many names.
GAZETTE_LOGIN_FAILURE_LIMIT = 5
GAZETTE_LOGIN_ADDRESS_FAILURE_LIMIT = 25
AXES_FAILURE_LIMIT = "gazette.lockout.failure_limit"
AXES_CLIENT_IP_CALLABLE = "gazette.lockout.client_address"
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Everything to stdout, where the process manager collects it; one line per
# request from gazette.request (gazette.middleware.RequestLogMiddleware).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"gazette.request": {"level": "INFO"}},
}
