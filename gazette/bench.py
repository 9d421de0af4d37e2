"""What `make bench` reports, apart from running the servers: wrk's output
read, the issue's targets checked, the Markdown table and the summary
written. The command that measures is gazette/management/commands/bench.py.
"""

import math
import re
from dataclasses import dataclass

# Where a page is asked for: through Varnish holding it, through Varnish
# just after its keys were purged (one request at a time), straight at
# gunicorn with fragments and values kept in Django's cache, straight at a
# gunicorn that keeps nothing (DJANGO_CACHE=dummy).
VARNISH = "Varnish, en cache"
PURGED = "Varnish, après purge"
KEPT = "gunicorn, gardé"
NOTHING_KEPT = "gunicorn, rien gardé"

STORY = "Article"
LISTING = "Liste filtrée par thème"
PAIR = "Chiffres d’une paire"
FLOOR = "Plancher (robots.txt)"
STATIC = "Fichier statique (taille de l’article)"

# (page, where) -> (minimum req/s in % of the floor's straight at gunicorn,
# maximum SQL queries per request). A page "built anew" or "uncached" is one
# Django builds for every request, as for a reader with a cookie: no copy of
# the whole page, the parts it keeps under the content version kept (KEPT).
# The rows with nothing kept are measured and shown, with no target: they
# are the first request after a change, and the proxy's grace covers them.
TARGETS = {
    (STORY, VARNISH): (1000, None),
    (STORY, KEPT): (20, 6),
    (LISTING, KEPT): (15, None),
    (PAIR, KEPT): (10, None),
}
# Through Varnish, the cached story against the static file of its size (%).
STATIC_SHARE = 50
# A published change shows through Varnish within this many seconds.
CHANGE_SECONDS = 1.0


@dataclass
class Run:
    """One measure: req/s (None when requests were timed one by one),
    latencies, failed requests and requests made."""

    rps: float | None
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def parse_wrk(output):
    """The Run that wrk's --latency output reports; non-2xx or 3xx answers
    and socket errors count as errors."""
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


def percentile(values, percent):
    """The nearest-rank percentile of ``values`` (not empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def timed_run(seconds, errors):
    """A Run of requests timed one by one (``seconds`` each)."""
    milliseconds_ = [1000 * s for s in seconds]
    return Run(
        rps=None,
        p50_ms=percentile(milliseconds_, 50),
        p99_ms=percentile(milliseconds_, 99),
        errors=errors,
        requests=len(seconds),
    )


def number(value, decimals=0):
    """``value`` the French way: 12 345,6."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def ratio_text(percent):
    """A ratio to the floor: a multiple from 10× up, else a percentage."""
    if percent >= 1000:
        return f"{number(percent / 100, 0)} ×"
    return f"{number(percent)} %"


def missed(page, where, run, sql, *, floor_rps, static_rps):
    """The targets ``run`` of ``page`` asked for ``where`` misses, in French."""
    misses = []
    min_ratio, max_sql = TARGETS.get((page, where), (None, None))
    if min_ratio is not None and 100 * run.rps / floor_rps < min_ratio:
        misses.append(f"≥ {ratio_text(min_ratio)} du plancher")
    if max_sql is not None and sql > max_sql:
        misses.append(f"SQL ≤ {max_sql}")
    if (page, where) == (STORY, VARNISH) and run.rps < STATIC_SHARE / 100 * static_rps:
        misses.append(f"≥ {STATIC_SHARE} % du fichier statique")
    if run.errors:
        misses.append("aucune erreur")
    return misses


def table(rows, results, queries):
    """The Markdown table, and the targets missed (``page (where) : target``).

    ``rows`` lists (page, URL, where), ``results`` maps (page, where) to its
    Run, ``queries`` (URL, where) to SQL queries per request (absent: not
    counted). Ratios are to the floor's req/s straight at gunicorn."""
    floor_rps = results[FLOOR, KEPT].rps
    static_rps = results[STATIC, VARNISH].rps
    lines = [
        "| Page | Servie par | req/s | p50 | p99 | SQL/req | Ratio | Erreurs "
        "| Cibles manquées |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    all_misses = []
    for page, url, where in rows:
        run = results[page, where]
        sql = queries.get((url, where))
        rps, ratio = "—", "—"
        if run.rps is not None:
            rps, ratio = number(run.rps), ratio_text(100 * run.rps / floor_rps)
        misses = missed(
            page, where, run, sql, floor_rps=floor_rps, static_rps=static_rps
        )
        all_misses += [f"{page} ({where}) : {miss}" for miss in misses]
        lines.append(
            f"| {page} | {where} | {rps} | {number(run.p50_ms, 2)} ms "
            f"| {number(run.p99_ms, 2)} ms | {'—' if sql is None else sql} "
            f"| {ratio} | {run.errors} | {', '.join(misses) or '—'} |"
        )
    return lines, all_misses


def summary(results, misses, *, change=None, grace=None, soak=None):
    """The lines after the table: the cached story through Varnish against
    the floor and the static file, the seconds a published ``change`` took
    to show through Varnish, the load with gunicorn stopped (``grace``) and
    on gunicorn (``soak``), each a (seconds, Run) pair; then every missed
    target, the table's ``misses`` first. What was not measured is left
    out."""
    lines, misses = [], list(misses)
    story, static = results.get((STORY, VARNISH)), results[STATIC, VARNISH]
    if story is not None:
        lines.append(
            "Article en cache par Varnish : "
            f"{ratio_text(100 * story.rps / results[FLOOR, KEPT].rps)} le plancher "
            f"(cible ≥ 10 ×), {number(100 * story.rps / static.rps)} % du fichier "
            f"statique de même taille (cible ≥ {STATIC_SHARE} %)."
        )
    if change is not None:
        lines.append(
            "Modification publiée visible par Varnish en "
            f"{number(change, 2)} s (cible ≤ {number(CHANGE_SECONDS)} s)."
        )
        if change > CHANGE_SECONDS:
            misses.append(f"modification visible en {number(CHANGE_SECONDS)} s")
    for name, what, measured in (
        ("Gunicorn arrêté", "les pages en cache, par Varnish", grace),
        ("Charge", "toutes les pages, sur gunicorn", soak),
    ):
        if measured is None:
            continue
        seconds, run = measured
        lines.append(
            f"{name} : 64 connexions pendant {seconds} s sur {what} : "
            f"{number(run.requests)} requêtes, {number(run.rps)} req/s, "
            f"p99 {number(run.p99_ms, 1)} ms, {run.errors} erreur(s) (cible : 0)."
        )
        if run.errors:
            misses.append(f"{name.lower()} : aucune erreur")
    lines.append("Cibles manquées : " + ("; ".join(misses) or "aucune") + ".")
    return lines
