import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from .factories import make_article

ROOT = Path(__file__).resolve().parent.parent


def run_django(*args, **env):
    """manage.py in a fresh process, with only the given DJANGO_ variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_django("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_deploy_checks_are_clean_with_production_settings():
    result = run_django(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="lagazette.example",
        SITE_URL="https://lagazette.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def print_setting(expression, **env):
    code = f"from django.conf import settings; print({expression})"
    result = run_django("shell", "--no-imports", "-c", code, DJANGO_DEBUG="1", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_database_url_selects_postgresql_and_redis_url_the_redis_cache():
    database = print_setting(
        "settings.DATABASES['default']['ENGINE'],"
        "settings.DATABASES['default']['NAME'],"
        "settings.CACHES['default']['BACKEND'],"
        "settings.CACHES['content-state']['LOCATION']",
        DATABASE_URL="postgres://gazette:secret@db.internal:5432/gazette",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    assert database == (
        "django.db.backends.postgresql gazette "
        "pagecache.backends.RedisCache redis://cache.internal:6379/0"
    )


def test_without_urls_the_site_uses_sqlite_memory_and_a_shared_version_file(tmp_path):
    path = tmp_path / "gazette.sqlite3"
    printed = print_setting(
        "settings.DATABASES['default']['NAME'], settings.CACHES['default']['BACKEND'],"
        "settings.CACHES['content-state']['BACKEND']",
        DJANGO_SQLITE_PATH=str(path),
    )
    # Pages in each process's memory; the content version in files that every
    # worker of the machine reads.
    assert printed == (
        f"{path} django.core.cache.backends.locmem.LocMemCache "
        "django.core.cache.backends.filebased.FileBasedCache"
    )


@pytest.mark.django_db
def test_security_headers_on_a_public_page(client):
    make_article()
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"
    assert client.get("/healthz").status_code == 200


def test_cookies_are_secure_and_http_only_without_debug(settings):
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.parametrize("password", ["123456789", "motdepasse", "court"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, User(username="redac"))


@pytest.mark.django_db
def test_admin_login_is_locked_after_five_failures(client, settings):
    settings.AXES_ENABLED = True
    User.objects.create_superuser("chef", "chef@example.com", "bon-mot-de-passe-42")
    for _ in range(4):
        response = client.post(
            "/admin/login/", {"username": "chef", "password": "mauvais"}
        )
        assert response.status_code == 200
    response = client.post("/admin/login/", {"username": "chef", "password": "mauvais"})
    assert response.status_code == 429
    # Locked out: even the right password is refused now.
    response = client.post(
        "/admin/login/", {"username": "chef", "password": "bon-mot-de-passe-42"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_works_before_any_lockout(client, settings):
    settings.AXES_ENABLED = True
    User.objects.create_superuser("chef", "chef@example.com", "bon-mot-de-passe-42")
    client.post("/admin/login/", {"username": "chef", "password": "mauvais"})
    response = client.post(
        "/admin/login/", {"username": "chef", "password": "bon-mot-de-passe-42"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
