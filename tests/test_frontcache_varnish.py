"""Varnish from Debian with the repository's VCL, in front of the live server:
hits, staff passing through, purges on publication, grace when sick."""

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from articles.models import Status

from .factories import make_article, make_topic, make_user

VARNISHD = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")
VCL_DIR = Path(__file__).resolve().parent.parent / "deploy" / "varnish"

pytestmark = [
    # CI installs Varnish (.ci/run): there, a missing varnishd fails.
    pytest.mark.skipif(
        VARNISHD is None and not os.environ.get("CI"),
        reason="varnishd is not installed",
    ),
    pytest.mark.django_db(transaction=True),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Varnish:
    """One varnishd on a free loopback port, its own working directory."""

    def __init__(self, workdir, backend_port):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (workdir / "backend.vcl").write_text(
            (VCL_DIR / "backend.vcl")
            .read_text()
            .replace('.port = "8001"', f'.port = "{backend_port}"')
        )
        self.process = subprocess.Popen(
            [
                VARNISHD,
                "-F",
                "-j", "none",
                "-n", str(workdir / "n"),
                "-a", f"127.0.0.1:{self.port}",
                "-T", "127.0.0.1:0",
                "-f", str(VCL_DIR / "gazette.vcl"),
                "-p", f"vcl_path={workdir}:{VCL_DIR}",
                "-s", "malloc,32m",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"varnishd did not start: {self.process.stdout.read()}")
                time.sleep(0.1)

    def get(self, path, cookie=None):
        """(status, headers, body) of a GET through Varnish, as the site's host."""
        headers = {"Host": "localhost"}
        if cookie:
            headers["Cookie"] = cookie
        request = urllib.request.Request(self.url + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def admin(self, *command):
        subprocess.run(
            ["varnishadm", "-n", str(self.workdir / "n"), *command],
            check=True,
            capture_output=True,
            timeout=10,
        )

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def varnish(live_server, tmp_path, settings):
    if VARNISHD is None:
        pytest.fail("varnishd is missing: .ci/run installs varnish and varnish-modules")
    backend_port = urlsplit(live_server.url).port
    proxy = Varnish(tmp_path, backend_port)
    settings.FRONTCACHE_PURGE_URL = proxy.url + "/"
    yield proxy
    proxy.stop()


def test_second_request_is_a_hit_and_staff_pass_through(varnish, client):
    story = make_article(title="Le port sec de Khorgos")
    path = story.get_absolute_url()
    status, headers, body = varnish.get(path)
    assert status == 200 and headers["X-Cache"] == "MISS"
    assert "Le port sec de Khorgos" in body
    assert "xkey" not in headers and "Surrogate-Key" not in headers
    status, headers, _ = varnish.get(path)
    assert status == 200 and headers["X-Cache"] == "HIT"
    assert "Age" in headers
    # Cookies other than the session's are dropped: still the shared copy.
    assert varnish.get(path, cookie="csrftoken=abc; _ga=1")[1]["X-Cache"] == "HIT"

    client.force_login(make_user(is_staff=True, is_superuser=True))
    session = f"sessionid={client.cookies['sessionid'].value}"
    status, headers, _ = varnish.get(path, cookie=session)
    assert status == 200 and headers["X-Cache"] == "PASS"
    assert varnish.get("/admin/", cookie=session)[1]["X-Cache"] == "PASS"


def test_publishing_purges_its_topic_but_not_an_unrelated_one(varnish):
    topic, unrelated = make_topic(slug="chine"), make_topic(slug="energie")
    make_article(title="Déjà en ligne", topics=[topic])
    make_article(title="Autre sujet", topics=[unrelated])
    scoop = make_article(
        title="Nouvelle ligne ferroviaire", topics=[topic], status=Status.DRAFT
    )
    for path in ("/themes/chine/", "/themes/energie/", "/"):
        varnish.get(path)
        assert varnish.get(path)[1]["X-Cache"] == "HIT"

    scoop.status = Status.PUBLISHED
    scoop.save()

    # The purge is sent when the save commits: the very next request
    # fetches the page anew.
    for path in ("/themes/chine/", "/"):
        status, headers, body = varnish.get(path)
        assert status == 200 and headers["X-Cache"] == "MISS"
        assert "Nouvelle ligne ferroviaire" in body
    assert varnish.get("/themes/energie/")[1]["X-Cache"] == "HIT"

    scoop.status = Status.DRAFT
    scoop.save()
    assert varnish.get(scoop.get_absolute_url())[0] == 404
    assert "Nouvelle ligne ferroviaire" not in varnish.get("/themes/chine/")[2]


def test_grace_serves_the_stale_copy_when_the_backend_is_down(varnish):
    story = make_article(title="Première version")
    path = story.get_absolute_url()
    varnish.get(path)
    # Taken out as its health probe would after /healthz failures.
    varnish.admin("backend.set_health", "*.default", "sick")
    story.title = "Seconde version"
    story.save()  # soft purge: the copy expires but stays for grace

    status, headers, body = varnish.get(path)
    assert status == 200 and headers["X-Cache"] == "STALE"
    assert "Première version" in body

    varnish.admin("backend.set_health", "*.default", "auto")
    assert "Seconde version" in varnish.get(path)[2]
