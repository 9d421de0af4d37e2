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
from .models import Basis, Figure, Nature, Unit

HUNDRED = Decimal(100)
# The unit of a computed ratio (« 1,83 fois »): never stored on a figure.
RATIO = "FOIS"


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
    # Derived values are shown to one decimal (« +6,8 % », « 43,6 milliards »),
    # a ratio to two (« 1,83 fois »).
    places: int = field(default=1, compare=False)

    def display(self):
        if self.unit == RATIO:
            number = formatting.format_number(self.value, places=self.places)
            return f"{number}{formatting.NBSP}fois"
        return formatting.format_value(
            self.value, self.unit, self.scale, places=self.places
        )

    def shown_value(self):
        """The value as displayed, written for machines: « 6.8 »."""
        return formatting.plain_number(self.value, places=self.places)

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


def computed_changes(figures, found=None) -> list[Derived]:
    """Every change the site computes and shows: between consecutive years of
    each series, then those a discrepancy compares a stated change with (a
    part of a year against the same months a year earlier). The pair page's
    table and the downloads list these, so that every computed value a page
    shows is in the files. ``found``: the figures' ``discrepancies``, when
    the caller has them already."""
    changes = yearly_changes(figures)
    keys = {change.key for change in changes}
    if found is None:
        found = discrepancies(figures)
    for discrepancy in found:
        for change in discrepancy.computed:
            if change.key not in keys:
                keys.add(change.key)
                changes.append(change)
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
