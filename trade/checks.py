"""Consistency checks on the figures, for the admin and ``check_figures``.

Each inconsistency has a stable key: an editor who acknowledges it with a
public note (an ``Acknowledgement`` with that key) closes it.
"""

from dataclasses import dataclass

from . import derived, formatting
from .models import Acknowledgement, Basis, Figure, Nature, Target


@dataclass(frozen=True)
class Inconsistency:
    key: str
    figure: Figure
    message: str

    def __str__(self):
        return f"[{self.key}] {self.message}"


def find(figures, targets) -> list[Inconsistency]:
    """Every inconsistency in these figures and targets, acknowledged or not."""
    figures = list(figures)
    series = derived.by_series(figures)
    found = []
    found += _unsourced(figures)
    found += _changes(figures, series)
    found += _parts_above_whole(series)
    found += _targets_out_of_reach(targets, figures)
    return sorted(found, key=lambda i: i.key)


def find_all() -> list[Inconsistency]:
    """Every inconsistency in the database, acknowledged or not."""
    figures = Figure.objects.for_display()
    return find(figures, Target.objects.select_related("baseline", "indicator"))


def open_inconsistencies(figure=None) -> list[Inconsistency]:
    """Inconsistencies no editor has acknowledged, optionally about one figure."""
    closed = set(Acknowledgement.objects.values_list("check_key", flat=True))
    found = [i for i in find_all() if i.key not in closed]
    if figure is not None:
        found = [i for i in found if i.figure.pk == figure.pk]
    return found


def _unsourced(figures):
    return [
        Inconsistency(
            key=f"sans-source:{f.slug}",
            figure=f,
            message=f"{f.slug} ({f.display()}, {f.period_label()}) n’a pas de source : "
            "non vérifié.",
        )
        for f in figures
        if f.source_id is None and f.nature == Nature.REPORTED
    ]


def _changes(figures, series):
    """A reported change against the two periods of its own basis."""
    found = []
    for change in figures:
        level = change.indicator.change_of_id
        if level is None or change.nature != Nature.REPORTED:
            continue
        periods = series.get(
            (level, change.basis, change.reporter_id, change.partner_id)
        )
        if not periods:
            continue
        current = periods.get((change.period_start, change.period_end))
        previous = periods.get(
            derived.previous_period(change.period_start, change.period_end)
        )
        # A previous value within rounding of zero allows any change at all.
        if (
            current is None
            or previous is None
            or previous.value <= previous.half_unit()
        ):
            continue
        low, high = derived.change_bounds(current, previous)
        half = change.half_unit()
        if change.value + half < low or change.value - half > high:
            computed = derived.percent_change(current, previous)
            found.append(
                Inconsistency(
                    key=f"variation:{change.slug}",
                    figure=change,
                    message=f"{change.slug} : variation déclarée "
                    f"{formatting.format_percent(change.value)} ; les chiffres de même "
                    f"base ({Basis(change.basis).label}) donnent "
                    f"{formatting.format_percent(computed, places=1)} "
                    f"({previous.display()} en {previous.period_label()}, "
                    f"{current.display()} en {current.period_label()}).",
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
                            message=f"{part.slug} : {part.display()} pour "
                            f"{part.period_label()}, plus que les {whole.display()} de "
                            f"{whole.period_label()} ({whole.slug}).",
                        )
                    )
    return found


def _targets_out_of_reach(targets, figures):
    """A target whose required growth exceeds the series' latest yearly pace."""
    found = []
    for target in targets:
        tracker = derived.track(target, figures)
        need, pace = tracker.required_growth, tracker.latest_pace
        if need is None or pace is None or need.value <= pace.value:
            continue
        found.append(
            Inconsistency(
                key=f"objectif-hors-rythme:{target.slug}",
                figure=tracker.start,
                message=f"Objectif {target.slug} : il faut "
                f"{formatting.format_percent(need.value, places=1)} par an jusqu’en "
                f"{target.target_year}, le dernier rythme est de "
                f"{formatting.format_percent(pace.value, places=1)} "
                f"({pace.label}).",
            )
        )
    return found
