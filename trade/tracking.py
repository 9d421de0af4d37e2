"""Where a target stands against the latest figures of the series it follows.

Everything here is computed from published figures (``derived``), within the
series the target follows: its indicator and basis, between its two countries,
sourced. The pair page, its downloads, its chart and the checks read it.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import formatting
from .derived import RATIO, Derived, by_series, change_between, series_key, year_span
from .models import Basis, Figure, Nature, Target, Unit


@dataclass(frozen=True)
class PartYear:
    """A part-year figure newer than the tracked series' latest full year:
    ``used`` when the series' own seasonal history turns it into an estimate
    of the year, otherwise shown with the ``reason`` it is not used."""

    figure: Figure
    used: bool
    reason: str
    estimate: Derived | None = None
    path_value: Derived | None = None

    @property
    def on_path(self):
        if self.estimate is None or self.path_value is None:
            return None
        return self.estimate.value >= self.path_value.value


@dataclass
class Tracker:
    """Where a target stands against the latest figures of the series it follows.

    The path starts from ``start`` (the baseline the source gives, else the
    last full year known when the target was stated) and grows by
    ``required_growth`` a year up to the amount; ``latest`` (the newest full
    year) is compared with the path's level for its year. Paces are the
    series' own yearly changes over one and three years.
    """

    target: Target
    amount: Decimal | None = None
    amount_is_derived: bool = False
    start: Figure | None = None
    latest: Figure | None = None
    required_growth: Derived | None = None
    remaining_growth: Derived | None = None
    pace_1y: Derived | None = None
    pace_3y: Derived | None = None
    path_value: Derived | None = None
    multiple: Derived | None = None
    multiplied: Derived | None = None
    multiplied_growth: Derived | None = None
    part_years: list = field(default_factory=list)

    @property
    def key(self):
        """The target's name in the downloads: « objectif:<slug> »."""
        return f"objectif:{self.target.slug}"

    @property
    def on_path(self):
        """Whether the latest full year reaches the path's level (None without)."""
        if self.latest is None or self.path_value is None:
            return None
        return self.latest.value >= self.path_value.value

    @property
    def out_of_reach(self):
        """An editorial warning: the growth still needed each year exceeds the
        series' pace over one year and over three."""
        need = self.remaining_growth or self.required_growth
        paces = [p for p in (self.pace_1y, self.pace_3y) if p is not None]
        return bool(need and paces and all(need.value > p.value for p in paces))

    def growth_rate(self) -> float | None:
        if self.required_growth is None:
            return None
        return (float(self.amount) / float(self.start.value)) ** (
            1 / (self.target.target_year - self.start.period_start.year)
        ) - 1

    def path_points(self) -> list[tuple[int, Decimal]]:
        """The path's level each year, from the start's year to the target's."""
        growth = self.growth_rate()
        if growth is None:
            return []
        first = self.start.period_start.year
        return [
            (year, _level(self.start.value, growth, year - first))
            for year in range(first, self.target.target_year + 1)
        ]

    def derived_values(self) -> list[Derived]:
        """Every value the tracker computes, in the page's order."""
        values = [
            self.required_growth,
            self.multiple,
            self.multiplied,
            self.multiplied_growth,
            self.path_value,
            self.remaining_growth,
            self.pace_1y,
            self.pace_3y,
        ]
        for part in self.part_years:
            values += [part.estimate, part.path_value]
        return [v for v in values if v is not None]

    def amount_value(self):
        """The amount as downloads write it: « 80 »."""
        if self.amount is None:
            return ""
        return formatting.plain_number(self.amount)

    def amount_display(self):
        if self.amount is None:
            return ""
        return formatting.format_value(self.amount, self.target.unit, self.target.scale)

    def multiplier_value(self):
        """The statement's multiplier as downloads write it: « 2 »."""
        if self.target.multiplier is None:
            return ""
        return formatting.plain_number(self.target.multiplier)

    def multiplier_display(self):
        """The multiplier as the page writes it: « 2 », « 1,5 »."""
        if self.target.multiplier is None:
            return ""
        return formatting.format_number(self.target.multiplier)


def _level(start_value, growth, years) -> Decimal:
    return Decimal(str(round(float(start_value) * (1 + growth) ** years, 4)))


def _growth(amount, start_value, years) -> Decimal:
    return Decimal(str(round(((float(amount) / float(start_value)) ** (1 / years) - 1) * 100, 4)))


def track(target: Target, figures) -> Tracker:
    """The tracker of one target against the published figures of its series."""
    figures = list(figures)
    tracker = Tracker(target=target)
    # A stated baseline enters the computation only as any figure does: sourced,
    # on the basis the target follows.
    baseline = target.baseline
    if baseline is not None and not (
        baseline.is_sourced_series() and baseline.basis == target.basis
    ):
        baseline = None
    if target.target_value is not None:
        tracker.amount = target.target_value
    elif baseline is not None and target.multiplier is not None:
        tracker.amount = baseline.value * target.multiplier
        tracker.amount_is_derived = True
    series = _tracked_series(target, figures)
    key = _key(series)
    annual = sorted(
        (f for f in by_series(series).get(key, {}).values() if f.is_annual()),
        key=lambda f: f.period_start,
    )
    if not annual:
        return tracker
    latest = tracker.latest = annual[-1]
    before = [
        f
        for f in annual
        if target.stated_year is None or f.period_start.year < target.stated_year
    ]
    start = tracker.start = baseline or (before or annual)[-1]
    by_year = {f.period_start.year: f for f in annual}
    tracker.pace_1y = _pace(tracker, by_year, latest, 1, "rythme-1-an")
    tracker.pace_3y = _pace(tracker, by_year, latest, 3, "rythme-3-ans")
    years = target.target_year - start.period_start.year
    if tracker.amount is None or years <= 0 or start.value <= 0:
        tracker.part_years = _part_years(tracker, figures, key, annual, None)
        return tracker
    tracker.required_growth = _growth_to_target(tracker, start, "croissance-necessaire")
    if target.multiplier is not None and target.target_value is not None:
        _multiplier_arithmetic(tracker, start, years)
    growth = tracker.growth_rate()
    if latest.period_start.year > start.period_start.year:
        tracker.path_value = _path_value(tracker, latest.period_start.year, growth)
        left = target.target_year - latest.period_start.year
        if left > 0 and latest.value > 0:
            tracker.remaining_growth = _growth_to_target(
                tracker, latest, "croissance-restante"
            )
    tracker.part_years = _part_years(tracker, figures, key, annual, growth)
    return tracker


def _pace(tracker, by_year, latest, span, name) -> Derived | None:
    """The series' yearly change over the last ``span`` years (annualised)."""
    first = by_year.get(latest.period_start.year - span)
    if first is None or first.value <= 0:
        return None
    label = f"Rythme annuel {first.period_label()}\u2013{latest.period_label()}"
    key, period = f"{tracker.key}:{name}", (first.period_start, latest.period_end)
    if span > 1:
        return _compound_growth(
            label=label,
            key=key,
            final=latest.value,
            first=first,
            years=span,
            inputs=(first, latest),
            period=period,
        )
    change = change_between(first, latest)
    return Derived(
        label=label,
        value=change.value,
        unit=change.unit,
        scale=change.scale,
        formula=change.formula,
        inputs=change.inputs,
        expression=change.expression,
        key=key,
        period=period,
    )


def _growth_to_target(tracker, first, name) -> Derived:
    """The yearly growth that takes ``first`` (a figure) to the target's amount
    by its year."""
    target = tracker.target
    return _compound_growth(
        label=f"Croissance annuelle nécessaire de {first.period_label()} à "
        f"{target.target_year}",
        key=f"{tracker.key}:{name}",
        final=tracker.amount,
        first=first,
        years=target.target_year - first.period_start.year,
        inputs=(first,),
        other_inputs=((tracker.key, formatting.plain_number(tracker.amount)),),
        period=(first.period_start, date(target.target_year, 12, 31)),
    )


def _compound_growth(
    *, label, key, final, first, years, inputs, period, other_inputs=()
) -> Derived:
    """The yearly growth that takes ``first`` (a figure) to ``final`` in
    ``years`` years: (final ÷ first)^(1/years) − 1, in %."""
    final_text, first_text = (
        formatting.plain_number(n) for n in (final, first.value)
    )
    return Derived(
        label=label,
        value=_growth(final, first.value, years),
        unit=Unit.PERCENT,
        scale=0,
        formula=f"({formatting.format_number(final)} ÷ "
        f"{formatting.format_number(first.value)})^(1/{years}) − 1",
        inputs=inputs,
        other_inputs=other_inputs,
        expression=f"(({final_text} / {first_text}) ^ (1 / {years}) - 1) * 100",
        key=key,
        period=period,
    )


def _path_value(tracker, year, growth, suffix="") -> Derived:
    start, target = tracker.start, tracker.target
    years = target.target_year - start.period_start.year
    elapsed = year - start.period_start.year
    amount, start_value = (
        formatting.plain_number(n) for n in (tracker.amount, start.value)
    )
    return Derived(
        label=f"Niveau du chemin vers l’objectif en {year}",
        value=_level(start.value, growth, elapsed),
        unit=target.unit,
        scale=target.scale,
        formula=f"{formatting.format_number(start.value)} × "
        f"({formatting.format_number(tracker.amount)} ÷ "
        f"{formatting.format_number(start.value)})^({elapsed}/{years})",
        inputs=(start,),
        other_inputs=((tracker.key, amount),),
        # (1 + growth) is (amount / start)^(1 / years): the same number.
        expression=f"{start_value} * ({amount} / {start_value}) ^ "
        f"({elapsed} / {years})",
        key=f"{tracker.key}:chemin{suffix}",
        period=year_span(year, year),
    )


def _multiplier_arithmetic(tracker, start, years):
    """« 80 », said to be « doubler »: how many times the start 80 is, what
    the multiple of the start would be and the yearly growth it needs."""
    target = tracker.target
    amount, start_value, multiplier = (
        formatting.plain_number(n)
        for n in (tracker.amount, start.value, target.multiplier)
    )
    amount_input = ((tracker.key, amount),)
    multiplier_input = ((f"{tracker.key}:multiplicateur", multiplier),)
    tracker.multiple = Derived(
        label=f"L’objectif rapporté au niveau de {start.period_label()}",
        value=tracker.amount / start.value,
        unit=RATIO,
        scale=0,
        formula=f"{formatting.format_number(tracker.amount)} ÷ "
        f"{formatting.format_number(start.value)}",
        inputs=(start,),
        other_inputs=amount_input,
        expression=f"{amount} / {start_value}",
        key=f"{tracker.key}:multiple",
        period=(start.period_start, start.period_end),
        places=2,
    )
    tracker.multiplied = Derived(
        label=f"Le niveau de {start.period_label()} multiplié par "
        f"{formatting.format_number(target.multiplier)}",
        value=start.value * target.multiplier,
        unit=target.unit,
        scale=target.scale,
        formula=f"{formatting.format_number(start.value)} × "
        f"{formatting.format_number(target.multiplier)}",
        inputs=(start,),
        other_inputs=multiplier_input,
        expression=f"{start_value} * {multiplier}",
        key=f"{tracker.key}:multiplie",
        period=year_span(target.target_year, target.target_year),
    )
    tracker.multiplied_growth = Derived(
        label=f"Croissance annuelle pour multiplier par "
        f"{formatting.format_number(target.multiplier)} de {start.period_label()} "
        f"à {target.target_year}",
        value=Decimal(
            str(round((float(target.multiplier) ** (1 / years) - 1) * 100, 4))
        ),
        unit=Unit.PERCENT,
        scale=0,
        formula=f"{formatting.format_number(target.multiplier)}^(1/{years}) − 1",
        # Only the multiplier's value enters: the start gives the years alone.
        inputs=(),
        other_inputs=multiplier_input,
        expression=f"({multiplier} ^ (1 / {years}) - 1) * 100",
        key=f"{tracker.key}:croissance-multiplie",
        period=(start.period_start, date(target.target_year, 12, 31)),
    )


def _same_months(figure, year) -> tuple[date, date]:
    start, end = figure.period_start, figure.period_end
    last_day = calendar.monthrange(year, end.month)[1]
    return start.replace(year=year), end.replace(year=year, day=min(end.day, last_day))


def _part_years(tracker, figures, key, annual, growth) -> list[PartYear]:
    """Part-year figures of the target's indicator and countries newer than the
    latest full year: an estimate of the year when the tracked series has the
    same months, and that year in full, in an earlier year; otherwise shown,
    with why they are not used."""
    target, latest = tracker.target, tracker.latest
    countries = {target.pair.first_id, target.pair.second_id}
    candidates = sorted(
        (
            f
            for f in figures
            if f.indicator_id == target.indicator_id
            and f.nature == Nature.REPORTED
            and {f.reporter_id, f.partner_id} == countries
            and not f.is_annual()
            and f.period_start.year == f.period_end.year
            and f.period_start.month == 1
            and f.period_end > latest.period_end
        ),
        key=lambda f: (f.period_end, f.slug),
    )
    periods = by_series(figures).get(key, {})
    full = {f.period_start.year: f for f in annual}
    parts = []
    for figure in candidates:
        if figure.source_id is None:
            parts.append(PartYear(figure, False, "sans source, il n’entre dans aucun calcul"))
            continue
        if not figure.is_sourced_series() or series_key(figure) != key:
            if figure.basis == target.basis:
                why = (
                    f"déclaré par {figure.reporter.name}, pas la série suivie "
                    f"({Basis(target.basis).label})"
                )
            else:
                why = (
                    f"{figure.get_basis_display()}, pas la série suivie "
                    f"({Basis(target.basis).label})"
                )
            parts.append(
                PartYear(figure, False, f"{why}\u202f: il n’entre pas dans le calcul")
            )
            continue
        history = [
            (periods[_same_months(figure, year)], whole)
            for year, whole in sorted(full.items())
            if year < figure.period_start.year
            and _same_months(figure, year) in periods
            and whole.value > 0
        ]
        if not history:
            parts.append(
                PartYear(
                    figure,
                    False,
                    "la série n’a pas ces mêmes mois d’une année antérieure "
                    "avec l’année complète\u202f: sans correction des saisons, "
                    "il n’entre pas dans le calcul",
                )
            )
            continue
        share = sum(part.value / whole.value for part, whole in history) / len(history)
        shares = " + ".join(
            f"{formatting.plain_number(p.value)} / {formatting.plain_number(w.value)}"
            for p, w in history
        )
        years_text = ", ".join(str(w.period_start.year) for _, w in history)
        year = figure.period_start.year
        estimate = Derived(
            label=f"{figure.period_label().capitalize()} ramené à l’année",
            value=figure.value / share,
            unit=target.unit,
            scale=target.scale,
            formula=f"{formatting.format_number(figure.value)} ÷ "
            f"{formatting.format_number(share, places=3)}, la part de ces mois "
            f"dans l’année selon la même série ({years_text})",
            nature=Nature.ESTIMATE,
            inputs=(figure, *(f for pair in history for f in pair)),
            expression=f"{formatting.plain_number(figure.value)} / "
            f"(({shares}) / {len(history)})",
            key=f"{tracker.key}:estimation:{figure.slug}",
            period=year_span(year, year),
        )
        path = None
        if growth is not None and year > tracker.start.period_start.year:
            path = _path_value(tracker, year, growth, suffix=f":{year}")
        parts.append(PartYear(figure, True, "corrigé des saisons", estimate, path))
    return parts


def _tracked_series(target, figures) -> list[Figure]:
    """The reported figures of the target's indicator on the basis it follows."""
    countries = {target.pair.first_id, target.pair.second_id}
    candidates = [
        f
        for f in figures
        if f.indicator_id == target.indicator_id
        and f.basis == target.basis
        and f.is_sourced_series()
        and {f.reporter_id, f.partner_id} == countries
    ]
    key = _key(candidates)
    return [f for f in candidates if series_key(f) == key]


def _key(figures):
    # One basis is normally one reporter (GACS: China); should both countries
    # report on it, follow the series with the most figures.
    keys = [series_key(f) for f in figures]
    return max(set(keys), key=keys.count, default=None)
