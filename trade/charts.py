"""A line chart of yearly figures, laid out here and drawn as SVG by a template.

No JavaScript: the SVG carries a title, a description that states every
series in words, and a title on each point, and prints as it shows.
"""

import math
from dataclasses import dataclass, field

from django.utils.text import capfirst

from . import formatting
from .derived import by_series, series_key
from .models import Basis, Unit

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
# Line styles differ by dash as well as colour, so print in grey stays legible.
STYLES = ["serie-a", "serie-b", "serie-c", "serie-d"]


@dataclass
class Point:
    x: float
    y: float
    figure: object
    off_line: bool = False

    @property
    def label(self):
        f = self.figure
        colon = f"{formatting.NNBSP}:"
        return f"{f.period_label()}{colon} {f.display()} ({f.get_basis_display()})"


@dataclass
class Series:
    label: str
    style: str
    points: list[Point] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    joined: bool = True


@dataclass
class Chart:
    title: str
    description: str
    series: list[Series]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM


def build(figures, indicator) -> Chart | None:
    """The chart of an indicator's yearly figures, one line per series."""
    annual = [
        f
        for f in figures
        if f.indicator_id == indicator.pk and f.is_annual() and f.unit != Unit.PERCENT
    ]
    if not annual:
        return None
    groups = []
    for key, periods in sorted(by_series(annual).items(), key=lambda kv: kv[0][1]):
        reporter = next(iter(periods.values())).reporter
        label = f"{capfirst(Basis(key[1]).label)}, déclarant : {reporter.name}"
        line = sorted(periods.values(), key=lambda f: f.period_start)
        # Other sources for the same year and series show as points off the line.
        others = [f for f in annual if series_key(f) == key and f not in line]
        groups.append((label, line, others))
    loose = [f for f in annual if not f.is_sourced_series()]
    if loose:
        groups.append(("Déclarations sans base précisée", [], loose))
    years = [f.period_start.year for f in annual]
    first, last = min(years), max(years)
    top = _nice_ceiling(max(f.value for f in annual))
    step = top / 4

    def x(year):
        span = max(last - first, 1)
        return round(LEFT + (year - first) * (WIDTH - LEFT - RIGHT) / span, 1)

    def y(value):
        return round(TOP + (1 - float(value) / top) * (HEIGHT - TOP - BOTTOM), 1)

    series = []
    for index, (label, line, others) in enumerate(groups):
        s = Series(label=label, style=STYLES[index % len(STYLES)], joined=bool(line))
        s.points = [Point(x(f.period_start.year), y(f.value), f) for f in line]
        s.lines = _runs(s.points)
        s.points += [Point(x(f.period_start.year), y(f.value), f, True) for f in others]
        series.append(s)
    unit = formatting.unit_words(annual[0].unit, annual[0].scale)
    return Chart(
        title=f"{indicator.name}, {first}\u2013{last}",
        description=_describe(groups, unit),
        series=series,
        x_ticks=[(x(year), str(year)) for year in range(first, last + 1)],
        y_ticks=[
            (y(step * i), formatting.format_number(step * i)) for i in range(0, 5)
        ],
    )


def _nice_ceiling(value) -> float:
    """A round top for the axis: 50 for 43.82, 20 for 14.5."""
    value = float(value)
    magnitude = 10 ** math.floor(math.log10(value))
    for multiple in (1, 2, 2.5, 5, 10):
        if value <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _runs(points) -> list[str]:
    """Polylines joining consecutive years only: a missing year breaks the line."""
    runs, current = [], []
    for point in points:
        if (
            current
            and point.figure.period_start.year
            != current[-1].figure.period_start.year + 1
        ):
            runs.append(current)
            current = []
        current.append(point)
    runs.append(current)
    return [" ".join(f"{p.x},{p.y}" for p in run) for run in runs if len(run) > 1]


def _describe(groups, unit) -> str:
    """Every value in words, year by year: the line's value first, then the
    other sources' for that year, so a listener knows which one is drawn."""
    colon, semicolon = f"{formatting.NNBSP}:", f"{formatting.NNBSP};"
    parts = []
    for label, line, others in groups:
        years = {}
        for figure in sorted(line, key=lambda f: f.period_start) + sorted(
            others, key=lambda f: (f.period_start, f.value)
        ):
            years.setdefault(figure.period_start.year, []).append(figure.value)
        values = []
        for year, numbers in sorted(years.items()):
            first, *rest = (formatting.format_number(n) for n in numbers)
            text = f"{year}{colon} {first}"
            if rest and line:
                words = "autres sources" if len(rest) > 1 else "autre source"
                # « et », not a comma, between numbers written with one.
                text += f" ({words}{colon} {' et '.join(rest)})"
            elif rest:
                text += " et " + " et ".join(rest)
            values.append(text)
        parts.append(f"{label} — {f'{semicolon} '.join(values)}")
    return f"En {unit}. " + ". ".join(parts) + "."
