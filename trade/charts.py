"""A line chart of yearly figures, laid out here and drawn as SVG by a template.

No JavaScript: the SVG carries a title, a description that states every
series in words, and a title on each point, and prints as it shows. A target
tracked on the charted indicator adds its computed path: from the tracker's
start to the target's amount, growing by the required yearly rate.
"""

import math
from dataclasses import dataclass, field

from django.utils.text import capfirst

from . import formatting
from .derived import by_series, series_key
from .models import Basis, Unit

WIDTH, HEIGHT = 640, 320
# Room above the plot for the unit, below it for the years, and on the right
# for half the last year, centred under its point.
LEFT, RIGHT, TOP, BOTTOM = 64, 32, 48, 52
# Line styles differ by dash as well as colour, so print in grey stays legible.
STYLES = ["serie-a", "serie-b", "serie-c", "serie-d"]
# Year labels closer than this (in drawing units) would touch on a phone,
# where the text is drawn larger: the stylesheet hides the minor ones there.
NARROW_TICK_SPACING = 64
# The width a short label (« départ 2024 : 43,82 ») takes on the narrowest
# screens, where its text is largest, in drawing units.
LABEL_ROOM = 260

NNBSP = formatting.NNBSP
COLON, SEMICOLON = f"{NNBSP}:", f"{NNBSP};"


@dataclass
class Point:
    x: float
    y: float
    figure: object
    off_line: bool = False
    # Where the figure stands against a target's path, e.g. the latest year.
    note: str = ""

    @property
    def label(self):
        f = self.figure
        label = f"{f.period_label()}{COLON} {f.display()}, {f.get_basis_display()}"
        return f"{label}{SEMICOLON} {self.note}" if self.note else label


@dataclass
class Series:
    label: str
    style: str
    points: list[Point] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    joined: bool = True


@dataclass
class Mark:
    """A marked point with a visible label, e.g. the target: « objectif 2030 :
    80 milliards »; ``title`` says it in full for a pointer or a listener."""

    x: float
    y: float
    title: str
    text: str
    text_x: float
    text_y: float
    anchor: str


@dataclass
class Path:
    """The path a target needs: its yearly levels from the tracker's start to
    the amount in the target year, at the required growth."""

    label: str
    line: str
    steps: list[tuple[float, float, str]]
    start: Mark
    target: Mark

    @property
    def marks(self):
        return [self.start, self.target]


@dataclass
class Chart:
    title: str
    description: str
    unit: str
    series: list[Series]
    x_ticks: list[tuple[float, str, bool]]
    y_ticks: list[tuple[float, str]]
    paths: list[Path] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM


def build(figures, indicator, trackers=()) -> Chart | None:
    """The chart of an indicator's yearly figures, one line per series, and
    the path of each tracker of a target on that indicator.

    A chart needs two years at least: a single year is a number, which the
    table shows.
    """
    annual = [
        f
        for f in figures
        if f.indicator_id == indicator.pk and f.is_annual() and f.unit != Unit.PERCENT
    ]
    years = sorted({f.period_start.year for f in annual})
    if len(years) < 2:
        return None
    trackers = [
        t
        for t in trackers
        if t.target.indicator_id == indicator.pk and t.path_points()
    ]
    groups = []
    for key, periods in sorted(by_series(annual).items(), key=lambda kv: kv[0][1]):
        reporter = next(iter(periods.values())).reporter
        label = f"{capfirst(Basis(key[1]).label)}, déclarant{COLON} {reporter.name}"
        line = sorted(periods.values(), key=lambda f: f.period_start)
        drawn = {f.pk for f in line}
        # Other sources for the same year and series show as points off the line.
        others = [f for f in annual if series_key(f) == key and f.pk not in drawn]
        groups.append((label, line, others))
    loose = [f for f in annual if not f.is_sourced_series()]
    if loose:
        groups.append(("Déclarations sans base précisée", [], loose))
    last = years[-1]
    # A path may start before the first drawn year (a stated baseline).
    first = min([years[0]] + [t.path_points()[0][0] for t in trackers])
    end = max([last] + [t.target.target_year for t in trackers])
    top = _nice_ceiling(
        max([f.value for f in annual] + [t.amount for t in trackers])
    )
    step = top / 4

    def x(year):
        return round(LEFT + (year - first) * (WIDTH - LEFT - RIGHT) / (end - first), 1)

    def y(value):
        return round(TOP + (1 - float(value) / top) * (HEIGHT - TOP - BOTTOM), 1)

    series = []
    for index, (label, line, others) in enumerate(groups):
        s = Series(label=label, style=STYLES[index % len(STYLES)])
        s.points = [Point(x(f.period_start.year), y(f.value), f) for f in line]
        s.lines = _runs(s.points)
        s.joined = bool(s.lines)
        s.points += [Point(x(f.period_start.year), y(f.value), f, True) for f in others]
        series.append(s)
    unit = formatting.unit_words(annual[0].unit, annual[0].scale)
    paths = [_path(tracker, x, y) for tracker in trackers]
    for tracker in trackers:
        if tracker.latest is not None and tracker.path_value is not None:
            level = formatting.format_number(tracker.path_value.value, places=1)
            for point in (p for s in series for p in s.points):
                if point.figure == tracker.latest:
                    point.note = f"chemin calculé{COLON} {level}"
    title = f"{indicator.name}, {years[0]}\u2013{last}"
    if trackers:
        targets = sorted({t.target.target_year for t in trackers})
        title += f" et chemin vers l’objectif {' et '.join(map(str, targets))}"
    # Every year is labelled; on a phone only every ``every``-th, counted back
    # from the last, so the target's year always keeps its label.
    every = math.ceil(NARROW_TICK_SPACING / ((WIDTH - LEFT - RIGHT) / (end - first)))
    return Chart(
        title=title,
        description=_describe(groups, unit)
        + "".join(f" {_describe_path(t)}" for t in trackers),
        unit=unit,
        series=series,
        x_ticks=[
            (x(year), str(year), (end - year) % every != 0)
            for year in range(first, end + 1)
        ],
        y_ticks=[
            (y(step * i), formatting.format_number(step * i)) for i in range(0, 5)
        ],
        paths=paths,
    )


def _nice_ceiling(value) -> float:
    """A round top for the axis: 50 for 43.82, 20 for 14.5, 100 for 80."""
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
            text = f"{year}{COLON} {first}"
            if rest and line:
                words = "autres sources" if len(rest) > 1 else "autre source"
                # « et », not a comma, between numbers written with one.
                text += f" ({words}{COLON} {' et '.join(rest)})"
            elif rest:
                text += " et " + " et ".join(rest)
            values.append(text)
        parts.append(f"{label} — {f'{SEMICOLON} '.join(values)}")
    return f"En {unit}. " + ". ".join(parts) + "."


def _levels(tracker) -> list[tuple[int, str]]:
    """The path's levels as the chart writes them: the start as published
    (43,82), the target as stated (80), the computed years to one decimal."""
    points = tracker.path_points()
    return [
        (
            year,
            formatting.format_number(
                value, places=None if index in (0, len(points) - 1) else 1
            ),
        )
        for index, (year, value) in enumerate(points)
    ]


def _short_amount(tracker) -> str:
    """« 80 milliards »: the amount without its currency, which the axis names."""
    return formatting.format_value(
        tracker.amount, tracker.target.unit, tracker.target.scale
    ).split(" de ")[0]


def _path(tracker, x, y) -> Path:
    start, target = tracker.start, tracker.target
    growth = tracker.required_growth.display()
    points = tracker.path_points()
    levels = dict(_levels(tracker))
    first_year, target_year = points[0][0], points[-1][0]
    latest = tracker.latest
    steps = []
    for year, value in points[1:-1]:
        words = formatting.format_value(value, target.unit, target.scale, places=1)
        title = f"{year}{COLON} {words} sur le chemin calculé ({growth} par an)"
        if latest is not None and latest.period_start.year == year:
            title += f"{SEMICOLON} chiffre publié{COLON} {latest.display()}"
        steps.append((x(year), y(value), title))
    start_x, start_y = x(first_year), y(points[0][1])
    target_x, target_y = x(target_year), y(points[-1][1])
    return Path(
        label=f"Chemin calculé{COLON} {growth} par an, de {first_year} "
        f"({levels[first_year]}) à l’objectif {target_year} ({levels[target_year]})",
        line=" ".join(f"{x(year)},{y(value)}" for year, value in points),
        steps=steps,
        start=Mark(
            x=start_x,
            y=start_y,
            title=f"Départ du chemin calculé, {start.period_label()}{COLON} "
            f"{start.display()}, {start.get_basis_display()}",
            text=f"départ {first_year}{COLON} {levels[first_year]}",
            **_start_label_place(start_x, start_y),
        ),
        # The target's year is the last: its label ends there, above the point.
        target=Mark(
            x=target_x,
            y=target_y,
            title=f"Objectif {target_year}{COLON} {tracker.amount_display()}",
            text=f"objectif {target_year}{COLON} {_short_amount(tracker)}",
            text_x=target_x,
            text_y=target_y - 16,
            anchor="end",
        ),
    )


def _start_label_place(x, y) -> dict:
    """Above and to the left of the start, where the series comes from below
    and the path leaves upwards to the right; to the right and below when the
    start is too close to the axis for the label's width."""
    if x - LEFT >= LABEL_ROOM:
        return {"text_x": x - 12, "text_y": y - 14, "anchor": "end"}
    return {"text_x": x + 12, "text_y": y + 28, "anchor": "start"}


def _describe_path(tracker) -> str:
    """The path in words: its rate, its level each year, the target, and where
    the latest published year stands against it."""
    target_year = tracker.target.target_year
    levels = f"{SEMICOLON} ".join(
        f"{year}{COLON} {level}" for year, level in _levels(tracker)
    )
    text = (
        f"Chemin calculé vers l’objectif {target_year}{COLON} "
        f"{tracker.required_growth.display()} par an depuis "
        f"{tracker.start.period_label()} — {levels}. "
        f"Objectif {target_year}{COLON} {tracker.amount_display()}."
    )
    latest, path = tracker.latest, tracker.path_value
    if latest is not None and path is not None:
        if latest.value > path.value:
            where = "au-dessus du"
        elif latest.value < path.value:
            where = "en dessous du"
        else:
            where = "au niveau du"
        text += (
            f" En {latest.period_label()}, {latest.get_basis_display()}{COLON} "
            f"{formatting.format_number(latest.value)}, {where} chemin "
            f"({formatting.format_number(path.value, places=1)})."
        )
    return text
