from pathlib import Path

import pytest
from django.core.cache import caches

SEED_FILE = Path(__file__).resolve().parent.parent / "articles" / "seed" / "000_520c4fb320e979bc.txt"


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

    return seed_load()


@pytest.fixture
def trade_seeded(seeded):
    from trade.services import trade_seed_load

    trade_seed_load()
    seeded.refresh_from_db()  # its body now writes its figures as tokens
    return seeded
