"""Consistency checks on the figures, the stories and the pages, for the admin
and ``check_figures``.

Each inconsistency has a stable key and a severity. An « erreur » about a
figure closes when an editor acknowledges it with a public note (an
``Acknowledgement`` with that key); one about no figure (a number in a story,
a computation, a download) closes only when it is fixed. An « avertissement »
is editorial: shown apart, it fails ``check_figures`` only with ``--strict``.

Keys (``<slug>``: a figure's identifier):

- ``base-sans-source:<slug>``: a figure on a series basis (Chinese customs,
  Kazakh statistics) without a source;
- ``sans-source:<slug>``: a reported figure without a source;
- ``citation-sans-valeur:<slug>``: a sourced figure whose quote does not
  write its value;
- ``mots-article:<slug>``: the story's words for a figure name a number that
  does not round its value;
- ``variation:<slug>``: a stated change its series contradict;
- ``partie-superieure:<part>:<whole>``: a part of a period above the whole;
- ``objectif-ignore:<target>:<slug>``: a target's tracker leaves out a newer
  figure of its series;
- ``objectif-hors-rythme:<target>`` (avertissement): the growth a target still
  needs exceeds the series' pace;
- ``nombre-sans-chiffre:<story>:<words>``: a statistic written in a story's
  body without a record (no figure: write a token or ``[[texte:…]]``);
- ``calcul:<key>``: a computed value its own formula does not give;
- ``export:<pair>:<id>``: a download that differs from the pair page.
"""

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Article
from pagecache import content_state

from . import derived, formatting, statistics, tracking
from .exports import FORMULA_START
from .formulas import ExpressionError, evaluate
from .models import (
    SERIES_BASES,
    Acknowledgement,
    Basis,
    Figure,
    Nature,
    Pair,
    Target,
    Unit,
)
from .views import download, pair_detail

ERROR = "erreur"
WARNING = "avertissement"
# Inconsistencies about no figure: an acknowledgement (a note beside a
# figure) cannot close them.
STORY, COMPUTATION, EXPORT = "nombre-sans-chiffre", "calcul", "export"


@dataclass(frozen=True)
class Inconsistency:
    key: str
    figure: Figure | None
    message: str
    severity: str = ERROR

    def __str__(self):
        return f"[{self.key}] {self.message}"


def find(figures, targets, stories=()) -> list[Inconsistency]:
    """Every inconsistency in these figures, targets and stories (objects with
    ``slug``, ``title`` and ``body``), acknowledged or not, by key."""
    figures = list(figures)
    trackers = [tracking.track(target, figures) for target in targets]
    found = [
        *_about_figures(figures, trackers),
        *_computations(figures, trackers),
        *_stories(stories),
    ]
    return sorted(found, key=lambda i: i.key)


def _about_figures(figures, trackers):
    series = derived.by_series(figures)
    return [
        *_unsourced(figures),
        *_quotes(figures),
        *_story_words(figures),
        *_changes(figures),
        *_parts_above_whole(series),
        *_targets(trackers, figures),
    ]


def find_all() -> list[Inconsistency]:
    """Every inconsistency about one figure in the database, acknowledged or
    not: those an ``Acknowledgement`` may close."""
    figures = list(Figure.objects.for_display())
    trackers = [tracking.track(target, figures) for target in _all_targets()]
    return sorted(_about_figures(figures, trackers), key=lambda i: i.key)


def find_everything() -> list[Inconsistency]:
    """``find_all`` plus what concerns no single figure: the computations,
    every story's body (drafts included: better known before publishing) and
    every pair page against its downloads."""
    stories = Article.objects.only("slug", "title", "body").order_by("slug")
    found = find(
        Figure.objects.for_display(), _all_targets(), stories.iterator(chunk_size=500)
    )
    found += export_differences(Pair.objects.select_related("first", "second"))
    return sorted(found, key=lambda i: i.key)


def inconsistencies_of(figure) -> list[Inconsistency]:
    """The inconsistencies about one figure, acknowledged or not."""
    return [i for i in find_all() if i.figure is not None and i.figure.pk == figure.pk]


def open_inconsistencies(figure=None) -> list[Inconsistency]:
    """Inconsistencies no editor has acknowledged, of the whole site, or about
    one figure (the admin's figure page)."""
    closed = _acknowledged_keys()
    found = find_everything() if figure is None else inconsistencies_of(figure)
    return [i for i in found if i.key not in closed]


def open_by_figure(figure_ids=None) -> dict[int, list[Inconsistency]]:
    """The unacknowledged inconsistencies about figures, by figure pk, of the
    figures ``figure_ids`` or of all: the checks read every figure anyway, so
    the admin's lists ask once for all their rows."""
    closed = _acknowledged_keys()
    found = {}
    for inconsistency in find_all():
        figure = inconsistency.figure
        if figure is None or inconsistency.key in closed:
            continue
        if figure_ids is None or figure.pk in figure_ids:
            found.setdefault(figure.pk, []).append(inconsistency)
    return found


def _acknowledged_keys():
    return set(Acknowledgement.objects.values_list("check_key", flat=True))


def acknowledgement_problem(
    check_key, figure_id, *, acknowledgement_id=None
) -> str | None:
    """Why no acknowledgement can have this key for this figure (None if it
    can), ``acknowledgement_id`` being the one edited if any: the message
    the admin's acknowledgement forms show."""
    found = {i.key: i for i in find_all()}
    inconsistency = found.get(check_key)
    if inconsistency is None:
        if check_key.split(":")[0] in (STORY, COMPUTATION, EXPORT):
            return (
                "Cette incohérence ne concerne aucun chiffre et ne se reconnaît "
                "pas\u202f: corrigez-la (check_figures dit comment)."
            )
        return (
            "Aucune incohérence n’a cette clé\u202f: elle a pu être corrigée "
            "depuis. La page du chiffre dit ce qui reste ouvert."
        )
    if inconsistency.figure.pk != figure_id:
        return f"Cette incohérence concerne le chiffre {inconsistency.figure.slug}."
    taken = Acknowledgement.objects.filter(check_key=check_key)
    if acknowledgement_id is not None:
        taken = taken.exclude(pk=acknowledgement_id)
    if taken.exists():
        return (
            "Cette incohérence est déjà reconnue\u202f: sa note se modifie sur la "
            "page du chiffre."
        )
    return None


def _all_targets():
    return Target.objects.select_related("baseline", "indicator", "pair", "source")


def _about(figure):
    return f"{figure.slug} ({figure.display()}, {figure.period_label()})"


# --- Sources and quotes ---------------------------------------------------


def _unsourced(figures):
    found = []
    for f in figures:
        if f.source_id is not None or f.nature != Nature.REPORTED:
            continue
        if f.basis in SERIES_BASES:
            found.append(
                Inconsistency(
                    key=f"base-sans-source:{f.slug}",
                    figure=f,
                    message=f"{_about(f)} est donné sur la base « "
                    f"{f.get_basis_display()} » sans source\u202f: rien ne dit "
                    f"qu’il en vient. Ajoutez la source ou choisissez « "
                    f"{Basis.STATEMENT.label} ».",
                )
            )
        found.append(
            Inconsistency(
                key=f"sans-source:{f.slug}",
                figure=f,
                message=f"{_about(f)} n’a pas de source\u202f: non vérifié.",
            )
        )
    return found


def _quotes(figures):
    """A sourced figure whose quote does not write its value in any form."""
    found = []
    for f in figures:
        if f.source_id is None:
            continue
        numbers = statistics.numbers_named(f.quote, f.source.language)
        if any(_names(n, f) for n in numbers):
            continue
        if f.quote.strip():
            problem = f"sa citation ne donne pas cette valeur (« {f.quote} »)"
        else:
            problem = "sa citation est vide"
        found.append(
            Inconsistency(
                key=f"citation-sans-valeur:{f.slug}",
                figure=f,
                message=f"{_about(f)}\u202f: {problem}. Copiez de la source la phrase "
                "qui donne la valeur.",
            )
        )
    return found


def _names(number, figure, rounded=False):
    # A rank is written « fourth » or « 4e »; any other figure's ordinals
    # (« first half ») are not its value.
    if number.ordinal and figure.unit != Unit.RANK:
        return False
    return statistics.states(number, figure.value, figure.scale, rounded=rounded)


def _story_words(figures):
    """The story's own words for a figure (the ``article`` token form) name
    a number, and none rounds the value: « 1 700 » for 1 782,75."""
    found = []
    for f in figures:
        numbers = statistics.numbers_named(f.story_words, "fr")
        if not numbers or any(_names(n, f, rounded=True) for n in numbers):
            continue
        found.append(
            Inconsistency(
                key=f"mots-article:{f.slug}",
                figure=f,
                message=f"{_about(f)}\u202f: l’article écrit "
                f"« {f.story_words.strip()} », "
                "qui n’en est pas un arrondi. Corrigez les mots de l’article ou la "
                "valeur, ou expliquez l’écart dans une note publique.",
            )
        )
    return found


# --- Series ---------------------------------------------------------------

_ACCORDING_TO = {
    Basis.GACS: "les douanes chinoises",
    Basis.KZ_NATIONAL: "les statistiques kazakhes",
}


def _changes(figures):
    """A stated change that its series contradict (``derived.discrepancies``)."""
    found = []
    for discrepancy in derived.discrepancies(figures):
        change = discrepancy.figure
        parts = [f"annoncé{formatting.NNBSP}: {change.display()}"]
        for computed in discrepancy.computed:
            previous, current = computed.inputs
            scale = formatting.unit_words(current.unit, current.scale).split(" de ")[0]
            according_to = _ACCORDING_TO.get(current.basis, current.get_basis_display())
            parts.append(
                f"d’après {according_to} "
                f"({formatting.format_number(previous.value)} puis "
                f"{formatting.format_number(current.value)} {scale})"
                f"{formatting.NNBSP}: {computed.display()}"
            )
        found.append(
            Inconsistency(
                key=discrepancy.key,
                figure=change,
                message=f"{change.slug} ({change.period_label()})\u202f: "
                + f"{formatting.NNBSP}; ".join(parts)
                + ".",
            )
        )
    return found


def _parts_above_whole(series):
    """A half-year, quarter or month larger than a period that contains it."""
    found = []
    for periods in series.values():
        figures = list(periods.values())
        for part in figures:
            if part.indicator.non_negative is False:
                continue
            for whole in figures:
                inside = (
                    whole is not part
                    and whole.period_start <= part.period_start
                    and part.period_end <= whole.period_end
                )
                if inside and part.value > whole.value and part.scale == whole.scale:
                    found.append(
                        Inconsistency(
                            key=f"partie-superieure:{part.slug}:{whole.slug}",
                            figure=part,
                            message=f"{part.slug}\u202f: {part.display()} pour "
                            f"{part.period_label()}, plus que les {whole.display()} de "
                            f"{whole.period_label()} ({whole.slug}).",
                        )
                    )
    return found


# --- Targets --------------------------------------------------------------


def _targets(trackers, figures):
    found = []
    for tracker in trackers:
        found += _ignored(tracker, figures)
        if tracker.out_of_reach:
            found.append(_out_of_reach(tracker))
    return found


def _ignored(tracker, figures):
    """Reported figures of the tracked indicator, basis and countries, newer
    than the tracker's latest full year, that it does not use."""
    target, latest = tracker.target, tracker.latest
    countries = {target.pair.first_id, target.pair.second_id}
    parts = {p.figure.pk: p for p in tracker.part_years}
    found = []
    for f in figures:
        newer = latest is None or f.period_end > latest.period_end
        if not (
            newer
            and f.indicator_id == target.indicator_id
            and f.basis == target.basis
            and f.nature == Nature.REPORTED
            and {f.reporter_id, f.partner_id} == countries
        ):
            continue
        part = parts.get(f.pk)
        if part is not None and part.used:
            continue
        reason = part.reason if part else "le suivi ne le lit pas"
        since = (
            f"s’arrête à {latest.slug} ({latest.period_label()})"
            if latest
            else "n’a aucune année complète"
        )
        found.append(
            Inconsistency(
                key=f"objectif-ignore:{target.slug}:{f.slug}",
                figure=f,
                message=f"Objectif {target.slug}\u202f: le suivi {since} et "
                f"n’utilise pas {_about(f)}, plus récent\u202f: {reason}. Corrigez "
                "le chiffre, ou expliquez pourquoi il ne compte pas dans une note "
                "publique.",
            )
        )
    return found


def _out_of_reach(tracker):
    need = tracker.remaining_growth or tracker.required_growth
    paces = [p for p in (tracker.pace_1y, tracker.pace_3y) if p is not None]
    pace_text = " et ".join(f"{p.display()} ({p.label})" for p in paces)
    target = tracker.target
    return Inconsistency(
        key=f"objectif-hors-rythme:{target.slug}",
        figure=tracker.latest or tracker.start,
        message=f"Objectif {target.slug}\u202f: il faut {need.display()} par an "
        f"({need.label}), plus que le rythme de la série\u202f: {pace_text}.",
        severity=WARNING,
    )


# --- Computations ---------------------------------------------------------

def _agrees(computed: float, value: Decimal) -> bool:
    # Relative 1e-9 (floating point), or the rounding the value was stored with.
    exponent = value.as_tuple().exponent
    half = float(Decimal(5).scaleb(exponent - 1)) if exponent < 0 else 0.5
    return abs(computed - float(value)) <= max(1e-9 * abs(float(value)), half, 1e-12)


def _computations(figures, trackers):
    """Computed values that their own formula does not give."""
    values = [
        *derived.computed_changes(figures),
        *(v for tracker in trackers for v in tracker.derived_values()),
    ]
    found, seen = [], set()
    for value in values:
        if value.key in seen:
            continue
        seen.add(value.key)
        try:
            computed = evaluate(value.expression)
        except ExpressionError as error:
            problem = str(error)
        else:
            if _agrees(computed, value.value):
                continue
            problem = f"la formule {value.expression} donne {computed:.6g}"
        found.append(
            Inconsistency(
                key=f"{COMPUTATION}:{value.key}",
                figure=None,
                message=f"{value.label}\u202f: le site affiche "
                f"{formatting.plain_number(value.value)}, mais {problem}. Erreur "
                "du calcul du site, pas d’un chiffre\u202f: à signaler à l’équipe "
                "technique.",
            )
        )
    return found


# --- Stories --------------------------------------------------------------


def _stories(stories):
    """Statistics that a story's body writes in its own words."""
    found = []
    for story in stories:
        for statistic in statistics.statistics_in(story.body):
            found.append(
                Inconsistency(
                    key=f"{STORY}:{story.slug}:{statistic.words}",
                    figure=None,
                    message=f"« {story.title} » écrit « {statistic.words} » sans "
                    "fiche. Remplacez ces mots par le jeton d’un chiffre sourcé "
                    "([[chiffre:identifiant]])\u202f; si ce n’est pas une statistique, "
                    f"écrivez [[texte:{statistic.words}]]. Une note ne suffit "
                    "pas\u202f: elle se rattache à un chiffre.",
                )
            )
    return found


# --- Downloads against the page -------------------------------------------


def _request(path):
    """A GET request on the site's own address, for rendering a page here."""
    if settings.SITE_URL:
        host = urlsplit(settings.SITE_URL).netloc
    else:
        hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"]
        host = hosts[0] if hosts else "localhost"
    request = RequestFactory().get(path, HTTP_HOST=host)
    # What the page keeps is kept under the current content version, as for
    # a reader (pagecache.middleware.ContentVersionMiddleware).
    request.content_version = content_state().version
    return request


def _page_values(html):
    """{id: (machine value, text)} of every value a pair page shows: each
    computed value's ``<data>`` and each figure's table row."""
    page = BeautifulSoup(html, "html.parser")
    shown = {}
    for element in page.select("data[data-id]"):
        shown[element["data-id"]] = (element.get("value", ""), element.get_text())
    for row in page.select("tr[id^=chiffre-]"):
        cell = row.select_one("td.num")
        shown[row["id"].removeprefix("chiffre-")] = (
            None,
            cell.get_text() if cell else "",
        )
    return shown


def _csv_values(text):
    rows = csv.DictReader(io.StringIO(text))
    return {row["id"]: _unneutralised(row) for row in rows}


def _unneutralised(row):
    # The CSV's apostrophe before a would-be formula (« '+6,8 % ») is not
    # part of the value.
    def cell(text):
        if text.startswith("'") and text[1:].startswith(FORMULA_START):
            return text[1:]
        return text

    return {name: cell(text) for name, text in row.items()}


def _json_values(text):
    data = json.loads(text)
    rows = [
        *data["figures"],
        *data["derived"],
        *(row for tracker in data["trackers"] for row in tracker),
    ]
    return {row["id"]: row for row in rows}


def export_differences(pairs) -> list[Inconsistency]:
    """For each pair, its page rendered here against its CSV and JSON
    downloads: the same values under the same ids, none on one side only."""
    found = []
    for pair in pairs:
        page = pair_detail(_request(pair.get_absolute_url()), slug=pair.slug)
        files = {}
        for fmt in ("csv", "json"):
            path = reverse(f"trade:pair-download-{fmt}", args=[pair.slug])
            files[fmt] = download(_request(path), fmt=fmt, slug=pair.slug)
        if {page.status_code, *(f.status_code for f in files.values())} != {200}:
            found.append(
                _export(pair, "page", "la page ou ses téléchargements ne s’ouvrent pas")
            )
            continue
        shown = _page_values(page.content.decode())
        rows = {
            "CSV": _csv_values(files["csv"].content.decode()),
            "JSON": _json_values(files["json"].content.decode()),
        }
        for key in sorted(set(shown).union(*rows.values())):
            problems = []
            if key not in shown:
                problems.append("absent de la page")
            for name, file_rows in rows.items():
                row = file_rows.get(key)
                if row is None:
                    problems.append(f"absent du {name}")
                    continue
                if key not in shown:
                    continue
                value, text = shown[key]
                if value is not None and row["value"] != value:
                    problems.append(
                        f"{name}\u202f: {row['value']}, page\u202f: {value}"
                    )
                if row["value_text"] != text:
                    problems.append(
                        f"{name}\u202f: « {row['value_text']} », page\u202f: « {text} »"
                    )
            if key in rows["CSV"] and key in rows["JSON"]:
                csv_row, json_row = rows["CSV"][key], rows["JSON"][key]
                inputs = "; ".join(
                    f"{i['id']}={i['value']}" for i in json_row["inputs"]
                )
                for column in ("value", "value_text", "formula"):
                    if csv_row[column] != str(json_row[column]):
                        problems.append(f"{column} diffère entre CSV et JSON")
                if csv_row["inputs"] != inputs:
                    problems.append("inputs diffère entre CSV et JSON")
            if problems:
                found.append(_export(pair, key, "\u202f; ".join(problems)))
    return found


def _export(pair, key, problem):
    return Inconsistency(
        key=f"{EXPORT}:{pair.slug}:{key}",
        figure=None,
        message=f"Téléchargements de {pair} ({key})\u202f: {problem}. Erreur du "
        "site, pas d’un chiffre\u202f: à signaler à l’équipe technique.",
    )
