"""The figures as CSV and JSON rows: one list of columns, stable names."""

import csv
import io
import json
import re

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
]
ABOUT = (
    "Chiffres de La Gazette. value est en unit × 10^scale (scale 9 : milliards). "
    "Ne comparez pas deux bases (basis) : les douanes chinoises (GACS) et les "
    "statistiques kazakhes diffèrent de plusieurs milliards de dollars par an."
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
        "value": str(figure.value.normalize()),
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
        "acknowledged_notes": " | ".join(a.note for a in figure.acknowledgements.all()),
        "quote_language": source.language if source and figure.quote else "",
    }


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


def as_csv(figures) -> str:
    """The figures as CSV, every text cell neutralised for spreadsheets (the
    JSON download gives the values as they are)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for figure in figures:
        row = figure_row(figure)
        writer.writerow({name: spreadsheet_safe(cell) for name, cell in row.items()})
    return out.getvalue()


def as_json(figures, *, title: str, url: str) -> str:
    # Values stay strings so that 43.80 and 43.8 keep their published precision.
    payload = {
        "title": title,
        "url": url,
        "about": ABOUT,
        "units": {"USD": "dollars des États-Unis", "CNY": "yuans", "PCT": "pour cent"},
        "columns": COLUMNS,
        "figures": [figure_row(f) for f in figures],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
