from pathlib import Path

import pytest
from django.core.cache import cache

SEED_FILE = Path(__file__).resolve().parent.parent / "articles" / "seed" / "000_520c4fb320e979bc.txt"


@pytest.fixture(autouse=True)
def fast_test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Locmem caches outlive a test: start each one with nothing cached.
    cache.clear()


@pytest.fixture
def seed_file():
    return SEED_FILE


@pytest.fixture
def seeded(db):
    from articles.services import seed_load

    return seed_load()
