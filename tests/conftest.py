import os
import re
from pathlib import Path

import pytest
from django.core.cache import caches

SEED_FILE = Path(__file__).resolve().parent.parent / "articles" / "seed" / "000_520c4fb320e979bc.txt"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file in write-ahead-log mode, not
    Django's shared in-memory one: there, a read from a test while the live
    server's thread writes (the story form autosaves as soon as it opens)
    fails at once with « database table is locked »; in WAL mode readers see
    the last commit and never wait for a writer. The file is per xdist
    worker (its own temporary directory)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["TEST"] = {
            **database.get("TEST", {}),
            "NAME": str(tmp_path_factory.getbasetemp() / "test.sqlite3"),
        }
        database["OPTIONS"] = {
            **database.get("OPTIONS", {}),
            # Nothing to keep after the run: no waiting on the disk.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;",
        }


@pytest.fixture(autouse=True)
def fast_test_settings(settings, worker_id, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if settings.REDIS_URL:
        # The suite on Redis (CI): two databases per xdist worker, so that
        # clearing them between tests leaves the other workers' keys alone,
        # and a test clearing the pages keeps the content state, as locmem does.
        worker = 0 if worker_id == "master" else int(worker_id.removeprefix("gw"))
        base = settings.REDIS_URL.rsplit("/", 1)[0]
        pages, state = 1 + 2 * (worker % 7), 2 + 2 * (worker % 7)
        settings.CACHES = {
            "default": {**settings.CACHES["default"], "LOCATION": f"{base}/{pages}"},
            "content-state": {**settings.CACHES["default"], "LOCATION": f"{base}/{state}"},
        }
    else:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "content-state": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "content-state",
            },
        }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # No collectstatic before the suite: plain static names, and plain HTTP.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.STATIC_ROOT = tmp_path_factory.getbasetemp() / "staticfiles"
    settings.STATIC_ROOT.mkdir(exist_ok=True)
    settings.SECURE_SSL_REDIRECT = False
    # Client.login() authenticates without a request, which django-axes
    # refuses; the throttling tests turn it back on.
    settings.AXES_ENABLED = False
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def seed_file():
    return SEED_FILE


@pytest.fixture
def seeded(db):
    from articles.services import seed_load

    return seed_load().article


@pytest.fixture
def trade_seeded(seeded):
    from trade.services import trade_seed_load

    trade_seed_load()
    seeded.refresh_from_db()  # its body now writes its figures as tokens
    return seeded


CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, one per xdist worker; never a downloaded one."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps its event loop running in this thread, so
    # Django would take every later ORM call in this worker for async code.
    unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    if unsafe is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE")


class Browsing:
    """Pages on the live server, recording what a reader must never meet:
    console errors (CSP violations among them), script errors, and requests
    to any other site (which are blocked)."""

    def __init__(self, browser, origin, name):
        self.browser = browser
        self.origin = origin
        self.name = name
        self.problems = []
        self.contexts = []

    def open(self, width=1280, **options):
        context = self.browser.new_context(
            viewport={"width": width, "height": 900},
            base_url=self.origin,
            locale="fr-FR",
            **options,
        )
        self.contexts.append(context)
        context.set_default_timeout(10_000)
        context.route("**/*", self._route)
        page = context.new_page()
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("pageerror", lambda error: self.problems.append(f"script: {error}"))
        return page

    def _route(self, route):
        if route.request.url.startswith(self.origin):
            route.continue_()
        else:
            self.problems.append(f"third-party request: {route.request.url}")
            route.abort()

    def _console(self, message):
        # A failed load is told apart by _response: a page may answer 404 on
        # purpose, never its style sheets, scripts or images.
        if message.type == "error" and not message.text.startswith(
            "Failed to load resource"
        ):
            self.problems.append(f"console: {message.text}")

    def _response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status}: {response.url}")

    def shoot(self, page, step):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{self.name}-{step}.png", full_page=True)

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """pytest-django's live server, its middleware built under the suite's
    settings: it is built once, before any test's ``settings`` apply."""
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(
        SECURE_SSL_REDIRECT=False,
        STATIC_ROOT=tmp_path_factory.mktemp("live-static"),
    ):
        server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def browsing(request, browser, live_server):
    name = re.sub(r"[^\w-]+", "-", request.node.name.removeprefix("test_")).strip("-")
    session = Browsing(browser, live_server.url, name)
    yield session
    session.close()


@pytest.fixture
def page_types(trade_seeded):
    """One address for each kind of public page, on the seed content."""
    from articles.models import Article, Kind, Status
    from articles.views import preview_url

    from .factories import make_article

    draft = make_article(
        title="Brouillon à relire",
        body="Les douanes chinoises comptaient [[chiffre:cn-kz-2016]] en 2016.",
        status=Status.DRAFT,
        published_at=None,
    )
    stories = Article.objects.published()
    return {
        "accueil": "/",
        "article": stories.filter(kind=Kind.ARTICLE).first().get_absolute_url(),
        "breve": stories.filter(kind=Kind.BRIEF).first().get_absolute_url(),
        "liste": "/articles/",
        "recherche": "/articles/?q=chine&kind=brief",
        "theme": "/themes/chine/",
        "themes": "/themes/",
        "pays": "/pays/kazakhstan/",
        "chiffres": "/chiffres/",
        "paire": "/chiffres/kazakhstan-chine/",
        "apercu": preview_url(draft),
        "introuvable": "/articles/n-existe-pas/",
    }
