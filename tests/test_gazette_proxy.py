"""Behind the proxy: whose address a login comes from, and what is HTTPS."""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory

from gazette.lockout import client_address

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bon-mot-de-passe-42"
# REMOTE_ADDR of every test client request: the proxy on loopback.
PROXY = "127.0.0.1"
OFFICE = "198.51.100.7"
VISITOR = "203.0.113.5"


@pytest.fixture
def behind_one_proxy(settings):
    settings.AXES_ENABLED = True
    settings.GAZETTE_TRUSTED_PROXIES = 1
    return User.objects.create_superuser("chef", "chef@example.com", PASSWORD)


def login(client, forwarded_for, username="chef", password="mauvais"):
    """An admin login through the proxy, which sent X-Forwarded-For."""
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        headers={"X-Forwarded-For": forwarded_for},
    )


def assert_logged_in(response, client):
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_wrong_passwords_from_one_address_do_not_lock_the_editor_out_of_another(
    behind_one_proxy, client, settings
):
    for _ in range(settings.GAZETTE_LOGIN_FAILURE_LIMIT - 1):
        assert login(client, VISITOR).status_code == 200
    assert login(client, VISITOR).status_code == 429
    # The pair is locked: from that address even the right password fails.
    assert login(client, VISITOR, password=PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session

    assert_logged_in(login(client, OFFICE, password=PASSWORD), client)


@pytest.mark.django_db
def test_one_address_trying_many_user_names_is_locked_out_at_its_own_limit(
    behind_one_proxy, client, settings
):
    # One failure for each name: no name comes near its own limit.
    for attempt in range(settings.GAZETTE_LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        assert login(client, VISITOR, username=f"redac{attempt}").status_code == 200
    assert login(client, VISITOR, username="redac-dernier").status_code == 429
    # Locked as an address: a name it never tried, the right password too.
    assert login(client, VISITOR, username="inconnu").status_code == 429
    assert login(client, VISITOR, password=PASSWORD).status_code == 429

    assert_logged_in(login(client, OFFICE, password=PASSWORD), client)


@pytest.mark.django_db
def test_a_forged_x_forwarded_for_entry_does_not_choose_the_address(
    behind_one_proxy, client, settings
):
    # The visitor sends the office's address; the proxy appends the real one.
    forged = f"{OFFICE}, {VISITOR}"
    for _ in range(settings.GAZETTE_LOGIN_FAILURE_LIMIT):
        response = login(client, forged)
    assert response.status_code == 429
    assert login(client, VISITOR, password=PASSWORD).status_code == 429

    assert_logged_in(login(client, OFFICE, password=PASSWORD), client)


@pytest.mark.django_db
def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, settings):
    settings.AXES_ENABLED = True
    settings.GAZETTE_TRUSTED_PROXIES = 0
    User.objects.create_superuser("chef", "chef@example.com", PASSWORD)
    for _ in range(settings.GAZETTE_LOGIN_FAILURE_LIMIT):
        response = login(client, VISITOR)
    assert response.status_code == 429
    # Another X-Forwarded-For is the same client: the connection's address.
    assert login(client, OFFICE, password=PASSWORD).status_code == 429

    response = client.post(
        "/admin/login/",
        {"username": "chef", "password": PASSWORD},
        REMOTE_ADDR=OFFICE,
    )
    assert_logged_in(response, client)


@pytest.mark.parametrize(
    "proxies, forwarded_for, address",
    [
        (0, "203.0.113.5", PROXY),
        (1, None, PROXY),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.1, 203.0.113.5", "203.0.113.5"),
        (1, "  2001:DB8::1 ", "2001:db8::1"),
        (2, "10.0.0.1, 203.0.113.5, 192.0.2.9", "203.0.113.5"),
        (2, "203.0.113.5", PROXY),
        (1, "10.0.0.1, pas-une-adresse", PROXY),
        (1, "10.0.0.1, 203.0.113.5:4711", PROXY),
    ],
)
def test_client_address_is_the_one_the_outermost_trusted_proxy_saw(
    settings, proxies, forwarded_for, address
):
    settings.GAZETTE_TRUSTED_PROXIES = proxies
    headers = {} if forwarded_for is None else {"X-Forwarded-For": forwarded_for}
    request = RequestFactory().get("/", headers=headers, REMOTE_ADDR=PROXY)
    assert client_address(request) == address


def test_a_trusted_proxy_count_that_is_not_a_number_stops_the_start_up():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", "DJANGO_TRUSTED_PROXIES": "un"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES must be a whole number" in result.stderr


def test_make_serve_starts_varnish_and_gunicorn_with_the_project_config():
    result = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "serve", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    commands = result.stdout.replace("\\\n", " ").splitlines()
    serve = next(command for command in commands if "deploy/serve" in command)
    assert "PORT=8123 GUNICORN_PORT=8124" in serve
    assert "GUNICORN=.venv/bin/gunicorn" in serve
    script = (ROOT / "deploy" / "serve").read_text()
    assert "--config deploy/gunicorn.conf.py" in script
    assert '--bind "127.0.0.1:$GUNICORN_PORT"' in script
    # Varnish appends one address to X-Forwarded-For.
    assert "DJANGO_TRUSTED_PROXIES=${DJANGO_TRUSTED_PROXIES:-1}" in script


@pytest.fixture
def gunicorn(tmp_path):
    """Start gunicorn with deploy/gunicorn.conf.py; yields its base URL."""
    servers = []

    def start(**env):
        clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        clean.pop("DATABASE_URL", None)
        clean.pop("REDIS_URL", None)
        clean.pop("FORWARDED_ALLOW_IPS", None)
        log = tmp_path / f"gunicorn-{len(servers)}.log"
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "gazette.wsgi",
                "--config",
                "deploy/gunicorn.conf.py",
                # Port 0: the system picks a free one, read back from the log.
                "--bind",
                "127.0.0.1:0",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env={
                **clean,
                "DJANGO_SECRET_KEY": "insecure-key-for-the-test-suite-only",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_SQLITE_PATH": str(tmp_path / "empty.sqlite3"),
                **env,
            },
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        servers.append(server)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            listening = re.search(r"Listening at: (http://[\d.]+:\d+)", log.read_text())
            if listening:
                return listening.group(1)
            assert server.poll() is None, log.read_text()
            time.sleep(0.1)
        pytest.fail(f"gunicorn did not start:\n{log.read_text()}")

    try:
        yield start
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def hsts(url, **headers):
    """The Strict-Transport-Security header, sent only for HTTPS requests."""
    request = urllib.request.Request(f"{url}/healthz", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.headers["Strict-Transport-Security"]
    except urllib.error.HTTPError as error:  # 503: the empty database
        return error.headers["Strict-Transport-Security"]


SCHEME_HEADERS = [
    {"X-Forwarded-Proto": "https"},
    {"X-Forwarded-Ssl": "on"},
    {"X-Forwarded-Protocol": "ssl"},
]


def test_gunicorn_takes_no_scheme_header_for_https_without_the_django_setting(
    gunicorn,
):
    url = gunicorn(DJANGO_TRUST_X_FORWARDED_PROTO="0")
    for headers in SCHEME_HEADERS:
        assert hsts(url, **headers) is None, headers


def test_with_the_django_setting_x_forwarded_proto_alone_says_https(gunicorn):
    url = gunicorn(DJANGO_TRUST_X_FORWARDED_PROTO="1")
    assert hsts(url, **{"X-Forwarded-Proto": "https"}) == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert hsts(url) is None
    assert hsts(url, **{"X-Forwarded-Ssl": "on"}) is None
