"""Measure the production server with wrk, on loopback only, in one run.

Starts deploy/serve's parts on consecutive ports from --port: Varnish, the
gunicorn behind it (fragments and values kept in Django's cache), and a
second gunicorn that keeps nothing (DJANGO_CACHE=dummy). Each page is
measured through Varnish holding it, through Varnish just after a soft
purge of its keys, and straight at both gunicorns; with the floor (a
trivial page through every middleware) and a static file of the story
page's size served by Varnish. Then a published change is timed until
Varnish shows it, and Varnish is loaded with gunicorn stopped. Progress goes
to stderr; the table and the targets (gazette.bench) to stdout.
"""

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from secrets import token_hex

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from articles.models import Article, Topic
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
    parse_wrk,
    summary,
    table,
    timed_run,
)
from trade.models import Pair

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[3]
FLOOR_URL = "/robots.txt"
NOTHING = {
    name: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    for name in ("default", "content-state")
}


def bench_story():
    """A published story with related briefs (and, in seed_demo's archive,
    key figures)."""
    return (
        Article.objects.published()
        .articles()
        .filter(related__in=Article.objects.published())
        .first()
    )


def pages():
    """(label, URL): one line per page to measure."""
    topic = Topic.objects.filter(slug="demo-000").first() or Topic.objects.first()
    pair = Pair.objects.filter(slug="demo-xa-xb").first() or Pair.objects.first()
    return [
        ("Accueil", "/"),
        (STORY, bench_story().get_absolute_url()),
        (LISTING, f"/articles/?topic={topic.slug}"),
        ("Thème (liste filtrée)", topic.get_absolute_url()),
        # A word of one of the synthetic subjects: in most stories.
        ("Recherche", "/articles/?q=ferroviaire"),
        ("Flux du thème", reverse("articles:topic_feed_rss", args=[topic.slug])),
        (PAIR, pair.get_absolute_url()),
    ]


def fetch(url, method="GET", headers=None, timeout=30):
    """(status, headers, body) of one request."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Server:
    """One part of deploy/serve (``varnish`` or ``gunicorn``) in its own
    process group, answering (the floor) when the constructor returns."""

    def __init__(self, part, *, port, gunicorn_port, workers, log, env=None):
        self.process = subprocess.Popen(
            [str(ROOT / "deploy" / "serve"), part],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={
                **os.environ,
                "PORT": str(port),
                "GUNICORN_PORT": str(gunicorn_port),
                "WORKERS": str(workers),
                "GUNICORN": str(Path(sys.executable).with_name("gunicorn")),
                **(env or {}),
            },
        )
        listening = gunicorn_port if part == "gunicorn" else port
        deadline = time.monotonic() + 60
        while fetch_status(f"http://{HOST}:{listening}{FLOOR_URL}") != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise CommandError(f"deploy/serve {part} ne répond pas : {log.name}")
            time.sleep(0.3)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)


def fetch_status(url):
    try:
        return fetch(url, timeout=5)[0]
    except OSError:
        return None


# (option, default, help): the command's whole-number options.
OPTIONS = [
    ("--port", 8790, "Varnish ; gunicorn sur les deux ports suivants"),
    ("--workers", 4, "workers de chaque gunicorn"),
    ("--duration", 10, "secondes par mesure"),
    ("--connections", 16, "connexions de wrk"),
    ("--rounds", 3, "mesures de chaque ligne, entrelacées ; la meilleure compte"),
    ("--samples", 20, "requêtes chronométrées après une purge, par page"),
    ("--soak", 30, "secondes à 64 connexions sur gunicorn (0 : sans)"),
    ("--grace-seconds", 60, "secondes à 64 connexions, gunicorn arrêté (0 : sans)"),
]


class Command(BaseCommand):
    help = "Mesure le site par Varnish et sur gunicorn avec wrk, sur 127.0.0.1."

    def add_arguments(self, parser):
        for name, default, text in OPTIONS:
            parser.add_argument(name, type=int, default=default, help=text)
        parser.add_argument(
            "--pages",
            default="",
            help="seulement les pages dont le nom contient l’un de ces mots "
            "(séparés par des virgules) ; plancher et fichier statique toujours",
        )
        parser.add_argument(
            "--redis-fault",
            action="store_true",
            help="seul : avec un Redis lancé ici, arrêté en pleine charge",
        )

    def handle(self, *args, **options):
        self.options, port = options, options["port"]
        self.ports = {VARNISH: port, KEPT: port + 1, NOTHING_KEPT: port + 2}
        self.varnish = f"http://{HOST}:{port}"
        # The table's runs by (page, where); what else summary() reads.
        self.results, self.measured, self.servers = {}, {}, []
        # The in-process requests below are not the server's: keep them off stdout.
        logging.getLogger("gazette.request").setLevel(logging.WARNING)
        self.log = open(
            os.environ.get("BENCH_SERVER_LOG", "/tmp/gazette-bench-server.log"), "w"
        )
        if options["redis_fault"]:
            return self.redis_fault(options["soak"] or 30)
        rows = pages()
        if options["pages"]:
            words = [word.strip().lower() for word in options["pages"].split(",")]
            rows = [row for row in rows if any(w in row[0].lower() for w in words)]
        queries = {}
        for url in [*(url for _, url in rows), FLOOR_URL]:
            queries[url, KEPT], queries[url, NOTHING_KEPT] = self.count_queries(url)
        static = self.static_copy(bench_story().get_absolute_url())
        try:
            # Varnish in front of the first gunicorn, the second apart.
            self.behind_varnish = self.start("gunicorn", self.ports[KEPT])
            self.start("gunicorn", self.ports[NOTHING_KEPT], DJANGO_CACHE="dummy")
            self.start("varnish", self.ports[KEPT])
            static_url = f"/{settings.STATIC_URL.strip('/')}/{static.name}"
            table_rows, steps = self.plan(rows, static_url)
            for number, (text, step) in enumerate(steps, 1):
                self.stderr.write(f"[{number}/{len(steps)}] {text}…", style_func=str)
                step()
        finally:
            for server in reversed(self.servers):
                server.stop()
            static.unlink()
        lines, misses = table(table_rows, self.results, queries)
        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        self.stdout.write(
            f"\n{options['connections']} connexions, wrk sur 127.0.0.1, "
            f"{os.cpu_count()} cœurs, charge de la machine {load} ; meilleure de "
            f"{options['rounds']} mesure(s) ; ratio = req/s ÷ req/s du plancher "
            "sur gunicorn.\n"
        )
        lines += ["", *summary(self.results, misses, **self.measured)]
        self.stdout.write("\n".join(lines))

    def start(self, part, gunicorn_port, **env):
        """deploy/serve's ``part`` on this run's ports, stopped at the end."""
        server = Server(
            part,
            port=self.ports[VARNISH],
            gunicorn_port=gunicorn_port,
            workers=self.options["workers"],
            log=self.log,
            env=env,
        )
        self.servers.append(server)
        return server

    def plan(self, rows, static_url):
        """The table's rows and the steps that measure them, in order:
        rounds of wrk interleaving the rows (each row keeps its best run, so
        that other work on the machine slows a row down, not the
        comparison), timed requests after purges, the published change, the
        soak, and last the load with gunicorn stopped."""
        table_rows = [
            (label, url, where)
            for label, url in rows
            for where in (VARNISH, PURGED, KEPT, NOTHING_KEPT)
        ]
        table_rows += [
            (FLOOR, FLOOR_URL, VARNISH),
            (FLOOR, FLOOR_URL, KEPT),
            (STATIC, static_url, VARNISH),
        ]
        steps = []
        for _ in range(self.options["rounds"]):
            steps += [
                (f"{label} — {where}", partial(self.measure, label, where, url))
                for label, url, where in table_rows
                if where != PURGED
            ]
        steps += [
            (f"{label} — {PURGED}", partial(self.after_purge, label, url))
            for label, url in rows
        ]
        steps.append(("Modification publiée, jusqu’à Varnish", self.change))
        if self.options["soak"]:
            steps.append(("Charge sur gunicorn", partial(self.soak, rows)))
        if self.options["grace_seconds"]:
            grace = partial(self.grace, [url for _, url, _ in table_rows])
            steps.append(("Gunicorn arrêté, charge par Varnish", grace))
        return table_rows, steps

    @staticmethod
    def static_copy(url):
        """The page at ``url`` as a file of STATIC_ROOT, which whitenoise
        serves once gunicorn starts."""
        if not Path(settings.STATIC_ROOT).is_dir():
            raise CommandError("Pas de fichiers statiques : manage.py collectstatic.")
        path = Path(settings.STATIC_ROOT) / f"bench-{token_hex(4)}.html"
        path.write_bytes(Client(HTTP_HOST=HOST).get(url).content)
        return path

    @staticmethod
    def count_queries(url):
        """SQL per request, in this process: with what a first request keeps,
        and with nothing kept."""
        client = Client(HTTP_HOST=HOST)
        client.get(url)
        with CaptureQueriesContext(connection) as kept:
            client.get(url)
        with override_settings(CACHES=NOTHING):
            with CaptureQueriesContext(connection) as nothing:
                client.get(url)
        return len(kept), len(nothing)

    def measure(self, label, where, url):
        port, connections = self.ports[where], self.options["connections"]
        self.wrk(port, url, 1, connections)  # warm up
        self.drain(port)
        run = self.wrk(port, url, self.options["duration"], connections)
        self.drain(port)
        best = self.results.get((label, where))
        if best is None or run.rps > best.rps:
            self.results[label, where] = run

    @staticmethod
    def wrk(port, url, seconds, connections, script=""):
        """wrk's Run on ``url``, or on what the Lua ``script`` asks for."""
        # A slow answer is measured, not dropped: wrk gives up after 10 s.
        command = ["wrk", "--latency", "-t2", f"-c{connections}", f"-d{seconds}s"]
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
            lua.write(script)
            lua.flush()
            command += ["--timeout", "10s", "-s", lua.name]
            command.append(f"http://{HOST}:{port}{url}")
            output = subprocess.run(
                command, capture_output=True, text=True, check=True
            ).stdout
        try:
            return parse_wrk(output)
        except (AttributeError, KeyError) as error:
            raise CommandError(f"Sortie de wrk illisible :\n{output}") from error

    @staticmethod
    def drain(port, seconds=60):
        """Wait for the workers to finish what wrk left queued when it stopped
        (slow pages), so that the next row is not measured behind it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            start = time.monotonic()
            fetch_status(f"http://{HOST}:{port}{FLOOR_URL}")
            if time.monotonic() - start < 0.2:
                return

    def after_purge(self, label, url):
        """Soft-purge the page's keys (read from gunicorn: Varnish drops
        them), then time one GET through Varnish, as the first reader after
        a publication waits. The VCL hands that reader the purged copy
        (X-Cache: STALE) while one background fetch rebuilds it, or fetches
        it anew (MISS); a HIT (the purge missed the page) or a failure
        counts as an error."""
        keys = fetch(f"http://{HOST}:{self.ports[KEPT]}{url}")[1]["xkey"]
        seconds, errors = [], 0
        for _ in range(self.options["samples"]):
            fetch(self.varnish + "/", method="PURGE", headers={"xkey-purge": keys})
            start = time.perf_counter()
            status, headers, _ = fetch(self.varnish + url)
            seconds.append(time.perf_counter() - start)
            errors += status != 200 or headers["X-Cache"] not in ("STALE", "MISS")
            self.rebuilt(url)
        self.results[label, PURGED] = timed_run(seconds, errors)

    def rebuilt(self, url, patience=30):
        """Wait until Varnish holds the page rebuilt after a purge (a HIT),
        so that a background fetch still under way cannot answer the next
        purge's request with a fresh copy."""
        deadline = time.monotonic() + patience
        while fetch(self.varnish + url)[1]["X-Cache"] != "HIT":
            if time.monotonic() > deadline:
                raise CommandError(f"{url} : pas de nouvelle copie en {patience} s.")
            time.sleep(0.01)

    def change(self):
        """Retitle the story through the ORM, purging Varnish after commit as
        the site does, and time until Varnish shows the new title; then put
        the title back."""
        story = bench_story()
        url, title = self.varnish + story.get_absolute_url(), story.title
        mark = token_hex(4)
        fetch(url)
        with override_settings(FRONTCACHE_PURGE_URL=self.varnish + "/"):
            start = time.perf_counter()
            story.title = f"{title} {mark}"
            try:
                story.save()
                while mark.encode() not in fetch(url)[2]:
                    if time.perf_counter() - start > 30:
                        raise CommandError("La modification n’a pas paru en 30 s.")
                    time.sleep(0.01)
                self.measured["change"] = time.perf_counter() - start
            finally:
                story.title = title
                story.save()

    def soak(self, rows):
        """64 connections over every page straight at gunicorn."""
        seconds, script = self.options["soak"], cycle([url for _, url in rows])
        run = self.wrk(self.ports[KEPT], "/", seconds, 64, script=script)
        self.measured["soak"] = (seconds, run)

    def grace(self, urls):
        """Every page held by Varnish, gunicorn stopped, then 64 connections
        over them through Varnish."""
        for url in urls:
            fetch(self.varnish + url)
        self.behind_varnish.stop()
        seconds = self.options["grace_seconds"]
        run = self.wrk(self.ports[VARNISH], "/", seconds, 64, script=cycle(urls))
        self.measured["grace"] = (seconds, run)

    def redis_fault(self, seconds):
        """Stop Redis a third of the way through a load straight at gunicorn:
        pages keep coming, /healthz turns 503."""
        if not shutil.which("redis-server"):
            raise CommandError("redis-server manque : apt-get install redis-server")
        port, redis_port = self.ports[KEPT], self.ports[VARNISH] + 8
        workdir = tempfile.mkdtemp(prefix="gazette-redis-")
        redis = subprocess.Popen(
            ["redis-server", "--bind", HOST, "--port", str(redis_port)]
            + ["--save", "", "--appendonly", "no", "--dir", workdir],
            stdout=subprocess.DEVNULL,
        )
        try:
            self.start("gunicorn", port, REDIS_URL=f"redis://{HOST}:{redis_port}/0")
            before = self.health(port)
            script = cycle([url for _, url in pages()])
            load = ThreadPoolExecutor(1).submit(
                self.wrk, port, "/", seconds, 64, script
            )
            time.sleep(seconds / 3)
            redis.terminate()
            redis.wait(timeout=10)
            time.sleep(1)
            during = self.health(port)
            run = load.result()
        finally:
            for server in self.servers:
                server.stop()
            if redis.poll() is None:
                redis.terminate()
            shutil.rmtree(workdir, ignore_errors=True)
        self.stdout.write(
            f"Redis arrêté au tiers de {seconds} s à 64 connexions : {run.requests} "
            f"requêtes, {run.errors} erreur(s), p99 {run.p99_ms:.1f} ms ; "
            f"/healthz avant {before[0]} {before[1]}, après {during[0]} {during[1]}."
        )
        if run.errors or before[0] != 200 or during[0] != 503:
            raise CommandError("Le site n’a pas tenu sans Redis.")

    @staticmethod
    def health(port):
        # Under load the probe waits behind the slow pages like any request.
        status, _, body = fetch(f"http://{HOST}:{port}/healthz", timeout=30)
        return status, json.loads(body)


def cycle(urls):
    """A wrk script asking for ``urls`` in turn."""
    paths = ", ".join(json.dumps(url) for url in urls)
    return (
        f"local paths = {{{paths}}}\nlocal n = 0\n"
        "request = function()\n  n = n + 1\n"
        '  return wrk.format("GET", paths[n % #paths + 1])\nend\n'
    )
