"""Measure the production server (`make serve`) with wrk, on loopback only.

Prints one Markdown table: for each page, requests per second, p50 and p99
latency, SQL queries per request and the ratio to the floor (a trivial view
through the same stack), served from the page cache ("oui") and built
anew ("non"). A request that carries a cookie bypasses the page cache, as a
logged-in reader's does: that is how the "non" rows are measured; they use
the values kept per content version (navigation, cards, facet counts…, see
pagecache). The "froid" rows also send X-Gazette-Cold, which the
server honours only with GAZETTE_BENCH on: nothing kept is used, as for the
first request after a change of the content.
"""

import json
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Topic
from trade.models import Pair

HOST = "127.0.0.1"
BYPASS_COOKIE = "bench=uncached"
# With the cookie: nothing kept is used either (pagecache.COLD_HEADER).
COLD_HEADER = "X-Gazette-Cold: 1"
# How a page is asked for: from the page cache (True), built with the values
# kept per content version (False), built from nothing kept ("froid").
MODES = (True, False, "froid")
FLOOR = "Plancher (vue triviale)"
# The targets: (page, served from the cache) -> (minimum ratio to the
# floor in %, maximum SQL queries per request).
TARGETS = {
    ("Article", True): (85, 0),
    ("Article", False): (20, 6),
    ("Liste filtrée par thème", False): (15, None),
    ("Thème (liste filtrée)", False): (15, None),
    ("Recherche", False): (5, None),
}


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def pages():
    """(label, URL, cacheable): one line per page to measure."""
    story = (
        Article.objects.published()
        .articles()
        .filter(related__in=Article.objects.published())
        .first()
    )
    topic = Topic.objects.filter(slug="demo-000").first() or Topic.objects.first()
    pair = Pair.objects.filter(slug="demo-xa-xb").first() or Pair.objects.first()
    return [
        ("Accueil", "/", True),
        ("Article", story.get_absolute_url(), True),
        ("Liste filtrée par thème", f"/articles/?topic={topic.slug}", True),
        ("Thème (liste filtrée)", topic.get_absolute_url(), True),
        # A word of one of the synthetic subjects: in most stories.
        ("Recherche", "/articles/?q=ferroviaire", True),
        ("Flux du thème", reverse("articles:topic_feed_rss", args=[topic.slug]), True),
        ("Chiffres d’une paire", pair.get_absolute_url(), True),
        ("Fichier statique", staticfiles_storage.url("css/gazette.css"), False),
        (FLOOR, "/bench/floor", False),
    ]


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def parse_wrk(output):
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=milliseconds(latency["50"]),
        p99_ms=milliseconds(latency["99"]),
        errors=(int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(map(int, sockets.groups())) if sockets else 0),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
    )


class Command(BaseCommand):
    help = "Mesure le serveur de production (make serve) avec wrk, sur 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8799)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument(
            "--duration", type=int, default=10, help="secondes par mesure"
        )
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument(
            "--pages",
            default="",
            help="seulement les pages dont le nom contient l’un de ces mots "
            "(séparés par des virgules) ; le plancher est toujours mesuré",
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="mesures de chaque ligne, entrelacées ; la meilleure compte",
        )
        parser.add_argument(
            "--soak", type=int, default=30, help="secondes à 64 connexions (0 : sans)"
        )
        parser.add_argument(
            "--redis-fault",
            action="store_true",
            help="avec un Redis lancé ici, arrêté en pleine charge",
        )

    def handle(
        self, *args, port, workers, duration, connections, soak, rounds, **options
    ):
        if options["redis_fault"]:
            return self.redis_fault(port, workers, soak or 30)
        rows = pages()
        if options["pages"]:
            words = [word.strip().lower() for word in options["pages"].split(",")]
            rows = [
                row
                for row in rows
                if row[0] == FLOOR or any(word in row[0].lower() for word in words)
            ]
        # The in-process requests below are not the server's: keep them off stdout.
        logging.getLogger("gazette.request").setLevel(logging.WARNING)
        queries = {
            url: self.count_queries(url, cacheable) for _, url, cacheable in rows
        }
        server = self.start_server(port, workers)
        try:
            # Rounds interleave the rows, and each row keeps its best run: other
            # work on the machine then slows a row down, not the comparison.
            results = {}
            for _ in range(rounds):
                for label, url, cacheable in rows:
                    for cached in MODES if cacheable else (None,):
                        self.wrk(port, url, cached, 1, connections)  # warm up
                        self.drain(port)
                        run = self.wrk(port, url, cached, duration, connections)
                        self.drain(port)
                        best = results.get((label, cached))
                        if best is None or run.rps > best.rps:
                            results[label, cached] = run
            self.print_table(rows, results, queries, connections)
            if soak:
                self.soak(port, rows, soak)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    def count_queries(self, url, cacheable):
        """SQL per request, in this process, by mode (see MODES)."""
        client = Client(HTTP_HOST=HOST)
        cache.clear()
        client.get(url)
        with CaptureQueriesContext(connection) as hit:
            client.get(url)
        client.cookies.load(BYPASS_COOKIE)
        client.get(url)
        with CaptureQueriesContext(connection) as built:
            client.get(url)
        name, value = COLD_HEADER.split(": ")
        with CaptureQueriesContext(connection) as cold:
            client.get(url, headers={name: value})
        if not cacheable:
            return {None: len(built)}
        return {True: len(hit), False: len(built), "froid": len(cold)}

    def start_server(self, port, workers, env=None):
        log = open(
            os.environ.get("BENCH_SERVER_LOG", "/tmp/gazette-bench-server.log"), "w"
        )
        server = subprocess.Popen(
            [
                "make",
                "--no-print-directory",
                "serve",
                f"PORT={port}",
                f"WORKERS={workers}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2):
                    return server
            except OSError:
                if server.poll() is not None:
                    raise CommandError(f"make serve stopped; see {log.name}") from None
                time.sleep(0.3)
        os.killpg(server.pid, signal.SIGTERM)
        raise CommandError(f"make serve did not answer on port {port}; see {log.name}")

    def wrk(self, port, url, cached, seconds, connections, script=None):
        # A slow answer is measured, not dropped: wrk gives up after 10 s.
        command = [
            "wrk",
            "--latency",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
        ]
        if cached in (False, "froid"):
            command += ["-H", f"Cookie: {BYPASS_COOKIE}"]
        if cached == "froid":
            command += ["-H", COLD_HEADER]
        if script:
            command += ["-s", script]
        command.append(f"http://{HOST}:{port}{url}")
        output = subprocess.run(
            command, capture_output=True, text=True, check=True
        ).stdout
        try:
            return parse_wrk(output)
        except (AttributeError, KeyError) as error:
            raise CommandError(
                f"Unreadable wrk output ({error!r}):\n{output}"
            ) from error

    @staticmethod
    def drain(port, seconds=60):
        """Wait for the workers to finish what wrk left queued when it stopped
        (slow pages), so that the next row is not measured behind it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            start = time.monotonic()
            try:
                with urllib.request.urlopen(
                    f"http://{HOST}:{port}/bench/floor", timeout=seconds
                ):
                    pass
            except OSError:
                pass
            if time.monotonic() - start < 0.2:
                return

    def print_table(self, rows, results, queries, connections):
        floor = results[FLOOR, None].rps
        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        self.stdout.write(
            f"\n{connections} connexions, wrk sur 127.0.0.1, {os.cpu_count()} cœurs, "
            f"charge de la machine {load} ; meilleure de plusieurs mesures ; "
            "ratio = req/s ÷ req/s du plancher.\n"
        )
        self.stdout.write(
            "| Page | Cache | req/s | p50 | p99 | p99/p50 | SQL/req | Ratio | Erreurs "
            "| Cibles manquées |"
        )
        self.stdout.write(
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
        )
        for label, url, cacheable in rows:
            for cached in MODES if cacheable else (None,):
                run = results[label, cached]
                sql = queries[url][cached]
                mode = {True: "oui", False: "non", "froid": "froid", None: "—"}[cached]
                ratio = 100 * run.rps / floor
                # No answer within the run (all timed out): no latency to compare.
                spread = f"{run.p99_ms / run.p50_ms:.1f}" if run.p50_ms else "—"
                self.stdout.write(
                    f"| {label} | {mode} | {run.rps:.0f} | {run.p50_ms:.2f} ms "
                    f"| {run.p99_ms:.2f} ms | {spread} | {sql} "
                    f"| {ratio:.0f} % | {run.errors} "
                    f"| {self.missed(label, cached, run, sql, ratio)} |"
                )

    @staticmethod
    def missed(label, cached, run, sql, ratio):
        min_ratio, max_sql = TARGETS.get((label, cached), (None, None))
        if cached is True:
            max_sql = 0
        misses = []
        if min_ratio is not None and ratio < min_ratio:
            misses.append(f"ratio ≥ {min_ratio} %")
        if max_sql is not None and sql > max_sql:
            misses.append(f"SQL ≤ {max_sql}")
        if not run.p50_ms or run.p99_ms >= 2 * run.p50_ms:
            misses.append("p99 < 2 × p50")
        if run.errors:
            misses.append("aucune erreur")
        return ", ".join(misses) or "—"

    def soak(self, port, rows, seconds):
        """64 connections over every page, cached and not: no error allowed."""
        script = self.soak_script(rows)
        run = self.wrk(port, "/", None, seconds, 64, script=script)
        self.stdout.write(
            f"\nCharge : 64 connexions pendant {seconds} s, toutes les pages, "
            f"avec et sans cache : {run.requests} requêtes, {run.rps:.0f} req/s, "
            f"p99 {run.p99_ms:.1f} ms, {run.errors} erreur(s)."
        )
        if run.errors:
            raise CommandError("Des requêtes ont échoué sous charge.")

    @staticmethod
    def soak_script(rows):
        """A wrk script cycling over the pages, one request in two uncached."""
        script = "/tmp/gazette-bench-soak.lua"
        paths = ", ".join(f'"{url}"' for _, url, _ in rows)
        with open(script, "w") as lua:
            lua.write(
                f"local paths = {{{paths}}}\nlocal n = 0\n"
                "request = function()\n  n = n + 1\n"
                "  local headers = {}\n"
                f'  if n % 2 == 0 then headers["Cookie"] = "{BYPASS_COOKIE}" end\n'
                '  return wrk.format("GET", paths[n % #paths + 1], headers)\nend\n'
            )
        return script

    def redis_fault(self, port, workers, seconds):
        """Stop Redis a third of the way through a load: pages keep coming, 503."""
        if not shutil.which("redis-server"):
            raise CommandError("redis-server manque : apt-get install redis-server")
        redis_port = port + 1
        workdir = tempfile.mkdtemp(prefix="gazette-redis-")
        redis = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                HOST,
                "--port",
                str(redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workdir,
            ],
            stdout=subprocess.DEVNULL,
        )
        server = self.start_server(
            port, workers, env={"REDIS_URL": f"redis://{HOST}:{redis_port}/0"}
        )
        try:
            before = self.health(port)
            script = self.soak_script(pages())
            load = subprocess.Popen(
                [
                    "wrk",
                    "--latency",
                    "-t2",
                    "-c64",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    "-s",
                    script,
                    f"http://{HOST}:{port}/",
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            time.sleep(seconds / 3)
            redis.terminate()
            redis.wait(timeout=10)
            time.sleep(1)
            during = self.health(port)
            run = parse_wrk(load.communicate()[0])
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            if redis.poll() is None:
                redis.terminate()
            shutil.rmtree(workdir, ignore_errors=True)
        self.stdout.write(
            f"Redis arrêté au tiers de {seconds} s à 64 connexions : {run.requests} "
            f"requêtes, {run.errors} erreur(s), p99 {run.p99_ms:.1f} ms ; "
            "/healthz avant "
            f"{before[0]} {before[1]}, après {during[0]} {during[1]}."
        )
        if run.errors or before[0] != 200 or during[0] != 503:
            raise CommandError("Le site n’a pas tenu sans Redis.")

    @staticmethod
    def health(port):
        try:
            # Under load the probe waits behind the slow pages like any request.
            with urllib.request.urlopen(
                f"http://{HOST}:{port}/healthz", timeout=30
            ) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)
