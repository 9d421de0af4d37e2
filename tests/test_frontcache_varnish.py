"""Varnish from Debian with the repository's VCL, in front of the live server:
hits, staff passing through, purges on publication, changes shown within a
second of their commit (or of their scheduled time), grace when sick.

"Within a second" is measured with ``time.monotonic()`` from just before the
save that commits the change, polling through Varnish; the polls themselves
run until a generous deadline, so a slow machine shows the real delay in the
failure instead of a timeout."""

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from articles.models import Status

from .factories import make_article, make_topic, make_user

# The promise: a change shows through the proxy within this many seconds.
WITHIN = 1.0
# How long a poll for something to become true may run before giving up.
PATIENCE = 5.0
POLL_INTERVAL = 0.02

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


class Page(NamedTuple):
    status: int
    headers: dict
    body: str


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

    def until(self, path, shows, since):
        """Poll ``path`` until ``shows(page)`` (a ``Page``): the seconds from
        the monotonic time ``since`` to the end of the first response that
        shows it, and that response."""
        return self.watch([path], shows, since)[path]

    def watch(self, paths, shows, since):
        """Poll ``paths`` in turn until each ``shows(page)`` (a ``Page``):
        for each path, the seconds from the monotonic time ``since`` to the
        end of the first response that showed it (negative: before it), and
        that response. A page that showed it must keep showing it."""
        shown = {}
        while True:
            for path in paths:
                page = Page(*self.get(path))
                if shows(page):
                    shown.setdefault(path, (time.monotonic() - since, page))
                else:
                    assert path not in shown, f"{path} showed the change, then not"
            if len(shown) == len(paths):
                return shown
            if time.monotonic() > since + PATIENCE:
                missing = sorted(set(paths) - set(shown))
                pytest.fail(f"{missing} never showed the change")
            time.sleep(POLL_INTERVAL)

    def cached(self, *paths):
        """Request each of ``paths`` twice: the second answer must be a hit."""
        for path in paths:
            self.get(path)
            status, headers, _ = self.get(path)
            assert (status, headers["X-Cache"]) == (200, "HIT"), path

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
    # The health probe names the backend's address, as under `make serve`:
    # refused, it would turn the backend sick a few seconds in.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    backend_port = urlsplit(live_server.url).port
    proxy = Varnish(tmp_path, backend_port)
    settings.FRONTCACHE_PURGE_URL = proxy.url + "/"
    yield proxy
    proxy.stop()


def test_second_request_is_a_hit(varnish):
    story = make_article(title="Le port sec de Khorgos")
    path = story.get_absolute_url()
    status, headers, body = varnish.get(path)
    assert status == 200 and headers["X-Cache"] == "MISS"
    assert "Le port sec de Khorgos" in body
    assert "xkey" not in headers and "Surrogate-Key" not in headers
    status, headers, second = varnish.get(path)
    assert status == 200 and headers["X-Cache"] == "HIT"
    assert "Age" in headers and second == body
    # Cookies other than the session's are dropped: still the shared copy.
    assert varnish.get(path, cookie="csrftoken=abc; _ga=1")[1]["X-Cache"] == "HIT"


def test_staff_with_a_session_pass_through(varnish, client):
    story = make_article(title="Le port sec de Khorgos")
    path = story.get_absolute_url()
    varnish.cached(path)
    client.force_login(make_user(is_staff=True, is_superuser=True))
    session = f"sessionid={client.cookies['sessionid'].value}"
    status, headers, _ = varnish.get(path, cookie=session)
    assert status == 200 and headers["X-Cache"] == "PASS"
    # Their pages are never kept: the next reader still gets the shared copy.
    assert varnish.get("/admin/", cookie=session)[1]["X-Cache"] == "PASS"
    assert varnish.get(path)[1]["X-Cache"] == "HIT"


def test_publishing_purges_its_pages_listings_and_feeds_not_an_unrelated_topic(
    varnish,
):
    topic, unrelated = make_topic(slug="chine"), make_topic(slug="energie")
    earlier = make_article(title="Déjà en ligne", topics=[topic])
    make_article(title="Autre sujet", topics=[unrelated])
    scoop = make_article(
        title="Nouvelle ligne ferroviaire",
        topics=[topic],
        related=[earlier],
        status=Status.DRAFT,
    )
    showing = {
        scoop.get_absolute_url(): "its own page",
        "/": "the home page",
        "/themes/chine/": "its topic's page",
        "/articles/": "the listing",
        "/flux/rss/": "the site's feed",
        "/themes/chine/rss/": "its topic's feed",
    }
    unrelated_pages = ("/themes/energie/", "/themes/energie/rss/")
    # Its own page, asked for before: a missing page is never kept.
    assert varnish.get(scoop.get_absolute_url())[0] == 404
    linked = earlier.get_absolute_url()
    varnish.cached(*list(showing)[1:], linked, *unrelated_pages)
    assert varnish.get(scoop.get_absolute_url())[1]["X-Cache"] == "PASS"

    start = time.monotonic()
    scoop.status = Status.PUBLISHED
    scoop.save()

    shown = varnish.watch(
        list(showing), lambda page: "Nouvelle ligne ferroviaire" in page.body, start
    )
    late = {showing[path]: took for path, (took, _) in shown.items() if took > WITHIN}
    assert not late, f"showed the story later than {WITHIN} s: {late}"
    # The page of the story it is linked to shows it too.
    varnish.until(linked, lambda page: "Nouvelle ligne ferroviaire" in page.body, start)
    for path in unrelated_pages:
        status, headers, body = varnish.get(path)
        assert headers["X-Cache"] == "HIT", path
        assert "Nouvelle ligne ferroviaire" not in body


def test_an_unpublished_story_is_gone_within_a_second(varnish):
    story = make_article(title="Un scoop retiré")
    path = story.get_absolute_url()
    varnish.cached(path)

    start = time.monotonic()
    story.status = Status.DRAFT
    story.save()

    took, _ = varnish.until(path, lambda page: page.status == 404, start)
    assert took <= WITHIN
    # Gone for good: not even a sick backend brings back the stale copy.
    varnish.admin("backend.set_health", "*.default", "sick")
    status, _, body = varnish.get(path)
    assert status in (404, 503) and "Un scoop retiré" not in body


def test_after_a_purge_the_stale_copy_is_served_and_the_change_within_a_second(
    varnish,
):
    story = make_article(title="Première version")
    path = story.get_absolute_url()
    varnish.cached(path)

    start = time.monotonic()
    story.title = "Seconde version"
    story.save()

    # The first reader keeps the old page while one fetch rebuilds it.
    status, headers, body = varnish.get(path)
    assert status == 200 and headers["X-Cache"] == "STALE"
    assert "Première version" in body
    took, _ = varnish.until(path, lambda page: "Seconde version" in page.body, start)
    assert took <= WITHIN
    status, headers, body = varnish.get(path)
    assert headers["X-Cache"] == "HIT" and "Seconde version" in body


def test_a_scheduled_story_appears_at_its_time(varnish):
    topic = make_topic(slug="chine")
    make_article(title="Déjà en ligne", topics=[topic])
    pages = ("/", "/themes/chine/")
    # Kept before the story is scheduled: saving it must make them refetch.
    varnish.cached(*pages)

    ahead = 2.5
    due = time.monotonic() + ahead
    story = make_article(
        title="Annonce programmée",
        topics=[topic],
        published_at=timezone.now() + timedelta(seconds=ahead),
    )
    for path in pages:
        # Fetched anew (past the stale copy) and kept no longer than until
        # the story is due.
        _, page = varnish.until(
            path, lambda page: page.headers["X-Cache"] != "STALE", time.monotonic()
        )
        s_maxage = re.search(r"s-maxage=(\d+)", page.headers["Cache-Control"])
        assert int(s_maxage[1]) <= ahead
    shown = varnish.watch(
        [*pages, story.get_absolute_url()],
        lambda page: page.status == 200 and "Annonce programmée" in page.body,
        since=due,
    )
    early = {path: took for path, (took, _) in shown.items() if took < 0}
    assert not early, f"shown before its time: {early}"
    late = {path: took for path, (took, _) in shown.items() if took > WITHIN}
    assert not late, f"shown more than {WITHIN} s after its time: {late}"


def test_grace_serves_the_stale_copy_when_the_backend_is_down(varnish):
    story = make_article(title="Première version")
    path = story.get_absolute_url()
    varnish.cached(path)
    # Taken out as its health probe would after /healthz failures.
    varnish.admin("backend.set_health", "*.default", "sick")
    story.title = "Seconde version"
    story.save()  # soft purge: the copy expires but stays for grace

    time.sleep(1)  # longer than the grace a healthy backend allows
    status, headers, body = varnish.get(path)
    assert status == 200 and headers["X-Cache"] == "STALE"
    assert "Première version" in body

    varnish.admin("backend.set_health", "*.default", "auto")
    start = time.monotonic()
    took, _ = varnish.until(path, lambda page: "Seconde version" in page.body, start)
    assert took <= WITHIN


def test_the_bench_times_the_first_reader_after_a_purge_without_errors(
    varnish, live_server
):
    """`make bench`'s « après purge » row: each soft purge reaches the page,
    and the reader after it gets a 200 (the purged copy or a new one)."""
    from gazette.bench import KEPT, PURGED
    from gazette.management.commands.bench import Command

    story = make_article(title="Le port sec de Khorgos")
    path = story.get_absolute_url()
    varnish.cached(path)
    bench = Command()
    bench.varnish = varnish.url
    # The keys are read from the backend: Varnish keeps them to itself.
    bench.ports = {KEPT: urlsplit(live_server.url).port}
    bench.options = {"samples": 3}
    bench.results = {}
    bench.after_purge("Article", path)
    run = bench.results["Article", PURGED]
    assert run.errors == 0 and run.p50_ms > 0
