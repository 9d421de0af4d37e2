from pathlib import Path

import pytest

SEED_FILE = Path(__file__).resolve().parent.parent / "articles" / "seed" / "000_520c4fb320e979bc.txt"


@pytest.fixture(autouse=True)
def fast_test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


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
    return seeded
