"""`make bench`: the targets it checks, the table and summary it prints, and
`deploy/serve` (`make serve`), Varnish in front of gunicorn."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from gazette.bench import (
    FLOOR,
    KEPT,
    LISTING,
    NOTHING_KEPT,
    PAIR,
    PURGED,
    STATIC,
    STORY,
    VARNISH,
    Run,
    missed,
    number,
    percentile,
    summary,
    table,
    timed_run,
)

ROOT = Path(__file__).resolve().parent.parent
VARNISHD = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")


def run(rps, errors=0):
    return Run(rps=rps, p50_ms=2.0, p99_ms=3.5, errors=errors, requests=100)


def results(**overrides):
    """A run where every target is met: floor 1,000 req/s straight at
    gunicorn, static file 40,000 through Varnish."""
    measured = {
        (FLOOR, KEPT): run(1000),
        (FLOOR, VARNISH): run(45000),
        (STATIC, VARNISH): run(40000),
        (STORY, VARNISH): run(30000),
        (STORY, PURGED): timed_run([0.012, 0.010, 0.030], 0),
        (STORY, KEPT): run(250),
        (STORY, NOTHING_KEPT): run(40),
        (LISTING, KEPT): run(160),
        (PAIR, KEPT): run(300),
        (PAIR, NOTHING_KEPT): run(20),
    }
    measured.update(overrides)
    return measured


def test_targets_are_ratios_to_the_floor_and_to_the_static_file():
    floor = {"floor_rps": 1000, "static_rps": 40000}
    assert missed(STORY, VARNISH, run(30000), None, **floor) == []
    # 9.9 × the floor, and under half the static file.
    assert missed(STORY, VARNISH, run(9900), None, **floor) == [
        "≥ 10 × du plancher",
        "≥ 50 % du fichier statique",
    ]
    assert missed(STORY, VARNISH, run(12000), None, **floor) == [
        "≥ 50 % du fichier statique"
    ]
    assert missed(STORY, KEPT, run(200), 6, **floor) == []
    assert missed(STORY, KEPT, run(199), 7, **floor) == [
        "≥ 20 % du plancher",
        "SQL ≤ 6",
    ]
    assert missed(LISTING, KEPT, run(149), 9, **floor) == ["≥ 15 % du plancher"]
    assert missed(PAIR, KEPT, run(99), 1, **floor) == ["≥ 10 % du plancher"]
    # No target on the rows with nothing kept but errors.
    assert missed(PAIR, NOTHING_KEPT, run(1), 8, **floor) == []
    assert missed(STORY, NOTHING_KEPT, run(1, errors=2), 9, **floor) == [
        "aucune erreur"
    ]


def test_table_shows_ratios_sql_and_missed_targets():
    rows = [
        (STORY, "/a/", VARNISH),
        (STORY, "/a/", PURGED),
        (STORY, "/a/", KEPT),
        (FLOOR, "/robots.txt", KEPT),
    ]
    queries = {("/a/", KEPT): 8, ("/robots.txt", KEPT): 0}
    lines, misses = table(rows, results(), queries)
    assert lines[0].startswith("| Page | Servie par | req/s |")
    assert lines[2] == (
        "| Article | Varnish, en cache | 30 000 | 2,00 ms | 3,50 ms | — | 30 × | 0 | — |"
    )
    # Timed one by one: no req/s, no ratio.
    assert lines[3] == (
        "| Article | Varnish, après purge | — | 12,00 ms | 30,00 ms | — | — | 0 | — |"
    )
    assert lines[4] == (
        "| Article | gunicorn, gardé | 250 | 2,00 ms | 3,50 ms | 8 | 25 % | 0 "
        "| SQL ≤ 6 |"
    )
    assert lines[5].startswith("| Plancher (robots.txt) | gunicorn, gardé | 1 000 |")
    assert "| 100 % |" in lines[5]
    assert misses == ["Article (gunicorn, gardé) : SQL ≤ 6"]


def test_summary_checks_the_change_the_grace_and_the_soak():
    lines = summary(
        results(),
        [],
        change=0.25,
        grace=(60, run(900000)),
        soak=(30, run(300)),
    )
    assert lines[0] == (
        "Article en cache par Varnish : 30 × le plancher (cible ≥ 10 ×), 75 % du "
        "fichier statique de même taille (cible ≥ 50 %)."
    )
    assert lines[1] == "Modification publiée visible par Varnish en 0,25 s (cible ≤ 1 s)."
    assert "Gunicorn arrêté : 64 connexions pendant 60 s" in lines[2]
    assert "100 requêtes, 900 000 req/s" in lines[2] and "0 erreur(s)" in lines[2]
    assert lines[-1] == "Cibles manquées : aucune."

    lines = summary(
        results(),
        ["Article (gunicorn, gardé) : SQL ≤ 6"],
        change=1.4,
        grace=(60, run(900000, errors=3)),
    )
    assert not any(line.startswith("Charge") for line in lines)
    assert lines[-1] == (
        "Cibles manquées : Article (gunicorn, gardé) : SQL ≤ 6; modification "
        "visible en 1 s; gunicorn arrêté : aucune erreur."
    )


def test_percentiles_of_timed_requests_are_nearest_rank():
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile(list(range(1, 101)), 99) == 99
    assert percentile([7], 99) == 7
    timed = timed_run([0.002, 0.001, 0.010], errors=1)
    assert (timed.rps, timed.p50_ms, timed.p99_ms) == (None, 2.0, 10.0)
    assert (timed.errors, timed.requests) == (1, 3)


def test_numbers_are_written_the_french_way():
    assert number(1234567) == "1 234 567"
    assert number(0.256, 2) == "0,26"
    assert number(1045.5, 1) == "1 045,5"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def varnish_workdir(port):
    """The working directory (-n) of the varnishd listening on ``port``."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().decode().split("\0")
        except OSError:
            continue
        if "varnishd" in args[0] and f"127.0.0.1:{port}" in args:
            return Path(args[args.index("-n") + 1]).parent
    raise AssertionError(f"no varnishd on port {port}")


# CI installs Varnish (.ci/run): there, a missing varnishd fails.
@pytest.mark.skipif(
    VARNISHD is None and not os.environ.get("CI"), reason="varnishd is not installed"
)
def test_serve_puts_varnish_in_front_of_gunicorn_and_stops_both(tmp_path):
    port, gunicorn_port = free_port(), free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "REDIS_URL", "DJANGO_FRONTCACHE_PURGE_URL")
    }
    env |= {
        "DJANGO_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "PORT": str(port),
        "GUNICORN_PORT": str(gunicorn_port),
        "WORKERS": "1",
        "GUNICORN": str(Path(sys.executable).with_name("gunicorn")),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    serve = subprocess.Popen(
        [ROOT / "deploy" / "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        # Never kept: it answers once gunicorn does.
        while refused(port) or get(f"http://127.0.0.1:{port}/healthz")[0] != 200:
            assert serve.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        status, headers = get(f"http://127.0.0.1:{port}/robots.txt")
        assert status == 200 and headers["X-Cache"] == "MISS"
        status, headers = get(f"http://127.0.0.1:{port}/robots.txt")
        assert status == 200 and headers["X-Cache"] == "HIT"
        assert "varnish" in headers["Via"]
        # gunicorn itself, on loopback behind it.
        status, headers = get(f"http://127.0.0.1:{gunicorn_port}/robots.txt")
        assert status == 200 and "Via" not in headers
        workdir = varnish_workdir(port)
        assert workdir.is_dir() and not workdir.is_relative_to(ROOT)
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        output = serve.communicate(timeout=60)[0].decode()
    assert serve.returncode == 0, output
    assert refused(port) and refused(gunicorn_port)
    assert not workdir.exists()
