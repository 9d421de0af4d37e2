"""The figures as CSV and JSON rows: one list of columns, stable names.

Besides the published figures (``kind`` « record »), the downloads carry what
the pair page computes from them: yearly changes and every value of each
target's tracker (``kind`` « derived »), each with its formula and its inputs
so that a reader can redo it, and the target itself (``kind`` « target »: its
amount and, when the source says « doubler », its multiplier).
"""

import csv
import io
import json
import re

from . import formatting
from .derived import RATIO
from .models import Nature

COLUMNS = [
    "id",
    "indicator",
    "indicator_name",
    "reporter",
    "partner",
    "period_start",
    "period_end",
    "period",
    "value",
    "unit",
    "scale",
    "value_text",
    "nature",
    "basis",
    "basis_label",
    "story_words",
    "quote",
    "source_publisher",
    "source_title",
    "source_url",
    "source_date",
    "note",
    "acknowledged_notes",
    # Added after the others, so that readers by position keep working.
    "quote_language",
    # The computed rows: « record », « derived » or « target »; how a derived
    # value is obtained (with dot decimals, then as the page writes it), from
    # which ids and values, and the nature as the page names it (« calculé »).
    "kind",
    "label",
    "formula",
    "formula_text",
    "inputs",
    "nature_label",
]
ABOUT = (
    "Chiffres de La Gazette. value est en unit × 10^scale (scale 9 : milliards). "
    "Ne comparez pas deux bases (basis) : les douanes chinoises (GACS) et les "
    "statistiques kazakhes diffèrent de plusieurs milliards de dollars par an. "
    "Les lignes de kind « derived » sont calculées par La Gazette, arrondies "
    "comme la page les montre ; formula les refait à partir de inputs "
    "(identifiant=valeur), ^ étant la puissance ; un rapport (unit FOIS) est "
    "un nombre de fois. Dans le CSV, un texte qui "
    "commencerait par = + - ou @ est précédé d’une apostrophe (« '+6,8 % »)."
)


def figure_row(figure) -> dict:
    source = figure.source
    return {
        "id": figure.slug,
        "indicator": figure.indicator.slug,
        "indicator_name": figure.indicator.name,
        "reporter": figure.reporter.code,
        "partner": figure.partner.code,
        "period_start": figure.period_start.isoformat(),
        "period_end": figure.period_end.isoformat(),
        "period": figure.period_label(),
        "value": formatting.plain_number(figure.value),
        "unit": figure.unit,
        "scale": figure.scale,
        "value_text": figure.display(),
        "nature": figure.nature,
        "basis": figure.basis,
        "basis_label": figure.get_basis_display(),
        "story_words": figure.story_words,
        "quote": figure.quote,
        "source_publisher": source.publisher if source else "",
        "source_title": source.title if source else "",
        "source_url": source.url if source else "",
        "source_date": source.published_on.isoformat()
        if source and source.published_on
        else "",
        "note": figure.note,
        "acknowledged_notes": " | ".join(a.note for a in figure.acknowledgement_list),
        "quote_language": source.language if source and figure.quote else "",
        "kind": "record",
        "label": "",
        "formula": "",
        "formula_text": "",
        "inputs": [],
        "nature_label": figure.get_nature_display(),
    }


def derived_row(value, series=None) -> dict:
    """A ``Derived`` value as the page shows it, with its formula and inputs.

    Its indicator, countries and basis are those of its first input figure, or
    of ``series`` for a value computed from a target's numbers alone (the
    growth that « doubler » needs)."""
    series = value.inputs[0] if value.inputs else series
    start, end = value.period
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        id=value.key,
        indicator=series.indicator.slug,
        indicator_name=series.indicator.name,
        reporter=series.reporter.code,
        partner=series.partner.code,
        period_start=start.isoformat(),
        period_end=end.isoformat(),
        period=formatting.format_period(start, end),
        value=value.shown_value(),
        unit=value.unit,
        scale=value.scale,
        value_text=value.display(),
        nature=value.nature,
        basis=series.basis,
        basis_label=series.get_basis_display(),
        kind="derived",
        label=value.label,
        formula=value.expression,
        formula_text=value.formula,
        inputs=[
            *((f.slug, formatting.plain_number(f.value)) for f in value.inputs),
            *value.other_inputs,
        ],
        nature_label=value.get_nature_display(),
    )
    return row


def target_row(tracker) -> dict:
    """A stated target: its amount (computed when the source gives a multiplier
    and a baseline only), its year, and the statement with its source."""
    target, source = tracker.target, tracker.target.source
    year = target.target_year
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        id=tracker.key,
        indicator=target.indicator.slug,
        indicator_name=target.indicator.name,
        reporter=target.pair.first.code,
        partner=target.pair.second.code,
        period_start=f"{year}-01-01",
        period_end=f"{year}-12-31",
        period=str(year),
        value=tracker.amount_value(),
        unit=target.unit,
        scale=target.scale,
        value_text=tracker.amount_display()
        or f"multiplier par {tracker.multiplier_display()}",
        nature=Nature.DERIVED if tracker.amount_is_derived else Nature.TARGET,
        basis=target.basis,
        basis_label=target.get_basis_display(),
        quote=target.statement,
        source_publisher=source.publisher,
        source_title=source.title,
        source_url=source.url,
        source_date=source.published_on.isoformat() if source.published_on else "",
        note=target.note,
        quote_language=source.language,
        kind="target",
        label=f"Objectif {year}",
        inputs=[],
    )
    if tracker.amount_is_derived:
        base = formatting.plain_number(target.baseline.value)
        times = tracker.multiplier_value()
        row.update(
            formula=f"{base} * {times}",
            formula_text=f"{formatting.format_number(target.baseline.value)} × "
            f"{tracker.multiplier_display()}",
            inputs=[(target.baseline.slug, base), (multiplier_key(tracker), times)],
        )
    row["nature_label"] = Nature(row["nature"]).label
    return row


def multiplier_key(tracker) -> str:
    """The id of the target's multiplier (2 for « doubler »), an input of the
    values computed from it."""
    return f"{tracker.key}:multiplicateur"


def multiplier_row(tracker) -> dict:
    """The multiplier the statement gives (« doubler »: 2), as stated."""
    row = target_row(tracker)
    row.update(
        id=multiplier_key(tracker),
        value=tracker.multiplier_value(),
        unit=RATIO,
        scale=0,
        value_text=tracker.multiplier_display(),
        nature=Nature.TARGET,
        nature_label=Nature.TARGET.label,
        label=f"Multiplicateur de l’objectif {tracker.target.target_year}",
        formula="",
        formula_text="",
        inputs=[],
    )
    return row


def tracker_rows(tracker) -> list[dict]:
    """The target (and its multiplier), then every value its tracker computes,
    in the page's order."""
    rows = [target_row(tracker)]
    if tracker.target.multiplier is not None:
        rows.append(multiplier_row(tracker))
    return [*rows, *(derived_row(d, tracker.start) for d in tracker.derived_values())]


# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(cell):
    """A CSV cell a spreadsheet shows as text: a text cell starting like a
    formula (« =HYPERLINK(…) », « +cmd », « @SUM(…) ») gets a leading
    apostrophe, as OWASP advises; numbers (« -5.2 ») stay numbers."""
    if (
        isinstance(cell, str)
        and cell.startswith(FORMULA_START)
        and not NUMBER_RE.fullmatch(cell)
    ):
        return "'" + cell
    return cell


def as_csv(figures, *, changes=(), trackers=()) -> str:
    """The figures, then the changes, then each tracker, as one CSV table
    (``kind`` tells the rows apart), every text cell neutralised for
    spreadsheets (the JSON download gives the values as they are)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = [
        *(figure_row(f) for f in figures),
        *(derived_row(c) for c in changes),
        *(row for t in trackers for row in tracker_rows(t)),
    ]
    for row in rows:
        row["inputs"] = "; ".join(f"{key}={value}" for key, value in row["inputs"])
        writer.writerow({name: spreadsheet_safe(cell) for name, cell in row.items()})
    return out.getvalue()


def as_json(figures, *, title: str, url: str, changes=(), trackers=()) -> str:
    """The same rows as the CSV, in three lists: figures, derived (the yearly
    changes) and trackers (one list of rows per target)."""
    # Values stay strings so that 43.80 and 43.8 keep their published precision.
    payload = {
        "title": title,
        "url": url,
        "about": ABOUT,
        "units": {
            "USD": "dollars des États-Unis",
            "CNY": "yuans",
            "PCT": "pour cent",
            "KM": "kilomètres",
            "RNG": "rang",
            RATIO: "fois (un rapport)",
        },
        "columns": COLUMNS,
        "figures": [_json_row(figure_row(f)) for f in figures],
        "derived": [_json_row(derived_row(c)) for c in changes],
        "trackers": [[_json_row(row) for row in tracker_rows(t)] for t in trackers],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _json_row(row: dict) -> dict:
    row["inputs"] = [{"id": key, "value": value} for key, value in row["inputs"]]
    return row
