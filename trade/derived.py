"""Values the site computes from published figures, never typed by an editor.

Every computation stays inside one series (same indicator, basis, reporter and
partner): a growth rate from a Chinese number and a Kazakh number would be
meaningless. Results carry ``Nature.DERIVED`` (or ``ESTIMATE`` for an
annualised part-year) and the formula they come from.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import formatting
from .models import SERIES_BASES, Basis, Figure, Nature, Target, Unit

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Derived:
    """A computed value with what a reader needs to redo it: ``formula`` as the
    page writes it, ``expression`` with the same numbers as downloads write
    them (dot decimal, ``^`` for a power), the input figures, the period it
    describes and a ``key`` naming it in the page and the downloads."""

    label: str
    value: Decimal
    unit: str
    scale: int
    formula: str
    nature: str = Nature.DERIVED
    inputs: tuple = field(default=(), compare=False)
    expression: str = field(default="", compare=False)
    key: str = field(default="", compare=False)
    period: tuple = field(default=(), compare=False)
    # Inputs that are not figures, e.g. a target's amount: (key, value) pairs.
    other_inputs: tuple = field(default=(), compare=False)

    # Derived values are shown to one decimal: « +6,8 % », « 43,6 milliards ».
    PLACES = 1

    def display(self):
        return formatting.format_value(
            self.value, self.unit, self.scale, places=self.PLACES
        )

    def shown_value(self):
        """The value as displayed, written for machines: « 6.8 »."""
        return formatting.plain_number(self.value, places=self.PLACES)

    def get_nature_display(self):
        return Nature(self.nature).label


def series_key(figure: Figure):
    return (figure.indicator_id, figure.basis, figure.reporter_id, figure.partner_id)


def by_series(figures) -> dict:
    """{series: {(start, end): representative figure}}.

    Several sources may give the same period: the most precise value stands
    for it (43.82 rather than 44), then the earliest slug, so that the choice
    is stable.
    """
    grouped = defaultdict(dict)
    for figure in sorted(figures, key=lambda f: (-f.precision(), f.slug)):
        if not figure.is_sourced_series():
            continue
        grouped[series_key(figure)].setdefault(
            (figure.period_start, figure.period_end), figure
        )
    return grouped


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The same stretch of the calendar one year earlier (month ends kept)."""
    return _year_before(start), _year_before(end)


def _year_before(day: date) -> date:
    month_days = calendar.monthrange(day.year, day.month)[1]
    earlier_days = calendar.monthrange(day.year - 1, day.month)[1]
    target_day = earlier_days if day.day == month_days else min(day.day, earlier_days)
    return day.replace(year=day.year - 1, day=target_day)


def percent_change(current: Figure, previous: Figure) -> Decimal:
    return (current.value / previous.value - 1) * HUNDRED


def change_bounds(current: Figure, previous: Figure) -> tuple[Decimal, Decimal]:
    """Lowest and highest change the two rounded values allow, in %."""
    low = (current.value - current.half_unit()) / (
        previous.value + previous.half_unit()
    )
    high = (current.value + current.half_unit()) / (
        previous.value - previous.half_unit()
    )
    return (low - 1) * HUNDRED, (high - 1) * HUNDRED


def _basis_label(figure) -> str:
    return Basis(figure.basis).label


def change_expression(current: Figure, previous: Figure) -> str:
    """``percent_change`` with the numbers as downloads write them."""
    now, before = (formatting.plain_number(f.value) for f in (current, previous))
    return f"({now} / {before} - 1) * 100"


def year_span(first: int, last: int) -> tuple[date, date]:
    return date(first, 1, 1), date(last, 12, 31)


def yearly_changes(figures) -> list[Derived]:
    """The change between consecutive years of each series, computed."""
    changes = []
    for periods in by_series(figures).values():
        annual = sorted(
            (f for f in periods.values() if f.is_annual() and f.unit != Unit.PERCENT),
            key=lambda f: f.period_start,
        )
        for previous, current in zip(annual, annual[1:]):
            consecutive = current.period_start.year == previous.period_start.year + 1
            if not consecutive or previous.value <= 0:
                continue
            changes.append(change_between(previous, current))
    return changes


def change_between(previous: Figure, current: Figure) -> Derived:
    """The change from one period to the same period a year later, in one series."""
    return Derived(
        label=f"{current.indicator.name}, {previous.period_label()}"
        f"\u2013{current.period_label()} ({_basis_label(current)})",
        value=percent_change(current, previous),
        unit=Unit.PERCENT,
        scale=0,
        formula=f"{formatting.format_number(current.value)} ÷ "
        f"{formatting.format_number(previous.value)} − 1",
        inputs=(previous, current),
        expression=change_expression(current, previous),
        key=f"variation:{previous.slug}:{current.slug}",
        period=(previous.period_start, current.period_end),
    )


@dataclass(frozen=True)
class Discrepancy:
    """A stated change that no same-basis series confirms, with the changes the
    series give (``computed``: one per series that has both periods)."""

    figure: Figure
    computed: tuple

    @property
    def key(self):
        return f"variation:{self.figure.slug}"


def discrepancies(figures) -> list[Discrepancy]:
    """Stated changes (``Indicator.change_of``) that disagree, beyond what the
    rounding of every number allows, with the levels of their own series.

    A change on a stated basis is compared with that series only. A statement
    whose basis is unknown (or unsourced) is compared with every series of the
    same two countries: it is a discrepancy when none of them confirms it.
    Shown to readers whatever an editor acknowledged.
    """
    figures = list(figures)
    series = by_series(figures)
    found = []
    for change in figures:
        level = change.indicator.change_of_id
        if level is None or change.nature != Nature.REPORTED:
            continue
        if change.is_sourced_series():
            keys = [(level, change.basis, change.reporter_id, change.partner_id)]
        else:
            countries = {change.reporter_id, change.partner_id}
            keys = sorted(
                (k for k in series if k[0] == level and {k[2], k[3]} == countries),
                key=lambda k: (k[1], k[2]),
            )
        computed, confirmed = [], False
        for key in keys:
            periods = series.get(key, {})
            current = periods.get((change.period_start, change.period_end))
            previous = periods.get(
                previous_period(change.period_start, change.period_end)
            )
            # A previous value within rounding of zero allows any change at all.
            if (
                current is None
                or previous is None
                or previous.value <= previous.half_unit()
            ):
                continue
            low, high = change_bounds(current, previous)
            half = change.half_unit()
            if low <= change.value + half and change.value - half <= high:
                confirmed = True
            computed.append(change_between(previous, current))
        if computed and not confirmed:
            found.append(Discrepancy(figure=change, computed=tuple(computed)))
    return found


def months_covered(figure: Figure) -> int:
    start, end = figure.period_start, figure.period_end
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass
class Tracker:
    """Where a target stands: its amount, the yearly growth it needs, the pace."""

    target: Target
    amount: Decimal | None = None
    amount_is_derived: bool = False
    start: Figure | None = None
    required_growth: Derived | None = None
    latest_pace: Derived | None = None
    estimate: Derived | None = None
    path_value: Derived | None = None

    @property
    def behind_path(self):
        if self.estimate is None or self.path_value is None:
            return None
        return self.estimate.value < self.path_value.value

    @property
    def key(self):
        """The target's name in the downloads: « objectif:<slug> »."""
        return f"objectif:{self.target.slug}"

    def amount_value(self):
        """The amount as downloads write it: « 80 »."""
        if self.amount is None:
            return ""
        return formatting.plain_number(self.amount)

    def amount_display(self):
        if self.amount is None:
            return ""
        return formatting.format_value(self.amount, self.target.unit, self.target.scale)


def track(target: Target, figures) -> Tracker:
    """The tracker of one target against the published figures of its series."""
    tracker = Tracker(target=target)
    if target.target_value is not None:
        tracker.amount = target.target_value
    elif target.baseline is not None:
        tracker.amount = target.baseline.value * target.multiplier
        tracker.amount_is_derived = True
    series = _tracked_series(target, figures)
    annual = sorted(
        (
            f
            for f in next(iter(by_series(series).values()), {}).values()
            if f.is_annual()
        ),
        key=lambda f: f.period_start,
    )
    if not annual:
        return tracker
    last = annual[-1]
    tracker.start = target.baseline or last
    previous = annual[-2] if len(annual) > 1 else None
    if (
        previous
        and previous.period_start.year == last.period_start.year - 1
        and previous.value > 0
    ):
        tracker.latest_pace = Derived(
            label=f"Rythme {previous.period_label()}\u2013{last.period_label()}",
            value=percent_change(last, previous),
            unit=Unit.PERCENT,
            scale=0,
            formula=f"{formatting.format_number(last.value)} ÷ "
            f"{formatting.format_number(previous.value)} − 1",
            inputs=(previous, last),
            expression=change_expression(last, previous),
            key=f"{tracker.key}:rythme",
            period=(previous.period_start, last.period_end),
        )
    start = tracker.start
    years = target.target_year - start.period_start.year
    if tracker.amount is None or years <= 0 or start.value <= 0:
        return tracker
    growth = (float(tracker.amount) / float(start.value)) ** (1 / years) - 1
    amount, start_value = (
        formatting.plain_number(n) for n in (tracker.amount, start.value)
    )
    amount_input = ((tracker.key, amount),)
    tracker.required_growth = Derived(
        label=f"Croissance annuelle nécessaire de {start.period_label()} à "
        f"{target.target_year}",
        value=Decimal(str(round(growth * 100, 4))),
        unit=Unit.PERCENT,
        scale=0,
        formula=f"({formatting.format_number(tracker.amount)} ÷ "
        f"{formatting.format_number(start.value)})^(1/{years}) − 1",
        inputs=(start,),
        other_inputs=amount_input,
        expression=f"(({amount} / {start_value}) ^ (1 / {years}) - 1) * 100",
        key=f"{tracker.key}:croissance-necessaire",
        period=(start.period_start, date(target.target_year, 12, 31)),
    )
    partial = [
        f
        for f in series
        if not f.is_annual()
        and f.period_start.year == f.period_end.year > last.period_start.year
        and f.period_start.month == 1
    ]
    if partial:
        latest = max(partial, key=lambda f: (f.period_end, f.precision()))
        months = months_covered(latest)
        year = latest.period_start.year
        tracker.estimate = Derived(
            label=f"{latest.period_label().capitalize()} ramené à l’année",
            value=latest.value * 12 / months,
            unit=target.unit,
            scale=target.scale,
            formula=f"{formatting.format_number(latest.value)} × 12 ÷ {months}, "
            "sans correction des saisons",
            nature=Nature.ESTIMATE,
            inputs=(latest,),
            expression=f"{formatting.plain_number(latest.value)} * 12 / {months}",
            key=f"{tracker.key}:estimation",
            period=year_span(year, year),
        )
        on_path = float(start.value) * (1 + growth) ** (year - start.period_start.year)
        tracker.path_value = Derived(
            label=f"Niveau du chemin vers l’objectif en {year}",
            value=Decimal(str(round(on_path, 4))),
            unit=target.unit,
            scale=target.scale,
            formula=f"{formatting.format_number(start.value)} × (1 + croissance "
            f"nécessaire)^{year - start.period_start.year}",
            inputs=(start,),
            other_inputs=amount_input,
            # (1 + growth) is (amount / start)^(1 / years): the same number.
            expression=f"{start_value} * ({amount} / {start_value}) ^ "
            f"({year - start.period_start.year} / {years})",
            key=f"{tracker.key}:chemin",
            period=year_span(year, year),
        )
    return tracker


def _tracked_series(target, figures) -> list[Figure]:
    """The reported figures of the target's indicator on the basis it follows."""
    candidates = [
        f
        for f in figures
        if f.indicator_id == target.indicator_id
        and f.basis == target.basis
        and f.nature == Nature.REPORTED
    ]
    key = _key(candidates)
    return [f for f in candidates if series_key(f) == key]


def _key(figures):
    # One basis is normally one reporter (GACS: China); should both countries
    # report on it, follow the series with the most figures.
    keys = [series_key(f) for f in figures]
    return max(set(keys), key=keys.count, default=None)
