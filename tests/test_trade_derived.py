from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_article, make_figure, make_pair, make_source
from trade.derived import (
    computed_changes,
    discrepancies,
    previous_period,
    yearly_changes,
)
from trade.tracking import track
from trade.models import Basis, Figure, Nature, Scale, Target, Unit

pytestmark = pytest.mark.django_db


def test_yearly_change_follows_an_edited_input():
    common = {"indicator": make_figure().indicator}
    pair = make_pair()
    common.update(reporter=pair.first, partner=pair.second)
    make_figure(year=2023, value="41.02", **common)
    current = make_figure(year=2024, value="43.82", **common)
    [change] = yearly_changes(Figure.objects.for_display())
    assert change.display() == "+6,8\u202f%" and change.nature == Nature.DERIVED
    current.value = Decimal("45.12")
    current.save()
    [change] = yearly_changes(Figure.objects.for_display())
    assert change.display() == "+10,0\u202f%"


def test_no_change_is_computed_across_bases_or_gaps():
    pair = make_pair()
    common = {
        "indicator": make_figure().indicator,
        "reporter": pair.first,
        "partner": pair.second,
    }
    make_figure(year=2022, value="24.1", basis=Basis.KZ_NATIONAL, **common)
    make_figure(year=2023, value="41.02", **common)
    make_figure(year=2021, value="25.25", **common)
    assert yearly_changes(Figure.objects.for_display()) == []


def target_and_series(**target_fields):
    pair = make_pair()
    common = {
        "indicator": make_figure().indicator,
        "reporter": pair.first,
        "partner": pair.second,
    }
    make_figure(year=2023, value="41.02", **common)
    latest = make_figure(year=2024, value="43.82", **common)
    # The same months a year earlier, with that year in full: the seasonal
    # history that turns the half-year below into an estimate of its year.
    make_figure(
        value="20",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 6, 30),
        **common,
    )
    half = make_figure(
        value="21.8",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        **common,
    )
    fields = {
        "slug": "objectif",
        "pair": pair,
        "indicator": common["indicator"],
        "basis": Basis.GACS,
        "statement": "double to $80 billion by 2030",
        "source": make_source(),
        "unit": Unit.USD,
        "scale": Scale.BILLIONS,
        "target_year": 2030,
        "target_value": Decimal("80"),
        "multiplier": Decimal("2"),
    }
    fields.update(target_fields)
    return Target.objects.create(**fields), latest, half


def test_tracker_computes_required_growth_pace_and_labelled_estimate():
    target, latest, half = target_and_series()
    tracker = track(target, list(Figure.objects.for_display()))
    assert tracker.start == tracker.latest == latest
    assert tracker.required_growth.display() == "+10,6\u202f%"
    assert tracker.pace_1y.display() == "+6,8\u202f%"
    [part] = tracker.part_years
    assert part.figure == half and part.used
    # 21.8 / (20 / 43.82): the first half weighs what it weighed in 2024.
    assert part.estimate.nature == Nature.ESTIMATE
    assert part.estimate.display() == "47,8\u00a0milliards de dollars"
    assert part.path_value.display() == "48,4\u00a0milliards de dollars"
    assert part.on_path is False


def test_tracker_follows_the_inputs_when_an_editor_changes_them():
    target, latest, half = target_and_series()
    half.value = Decimal("25")
    half.save()
    target.target_value = Decimal("60")
    target.save()
    tracker = track(target, list(Figure.objects.for_display()))
    assert tracker.required_growth.display() == "+5,4\u202f%"
    [part] = tracker.part_years
    assert part.estimate.display() == "54,8\u00a0milliards de dollars"
    assert part.path_value.display() == "46,2\u00a0milliards de dollars"
    assert part.on_path is True


def test_multiplier_target_with_a_baseline_derives_its_amount():
    target, latest, _ = target_and_series(target_value=None)
    assert track(target, []).amount is None
    latest.refresh_from_db()
    target.baseline = latest
    assert track(target, [latest]).amount == Decimal("87.64")
    assert track(target, [latest]).amount_is_derived


def test_previous_period_keeps_month_ends():
    assert previous_period(date(2024, 1, 1), date(2024, 2, 29)) == (
        date(2023, 1, 1),
        date(2023, 2, 28),
    )
    assert previous_period(date(2025, 1, 1), date(2025, 6, 30)) == (
        date(2024, 1, 1),
        date(2024, 6, 30),
    )


def test_renaming_a_figure_cited_in_a_story_is_refused():
    figure = make_figure(slug="ancien")
    make_article(body="Texte [[chiffre:ancien]].")
    figure.slug = "nouveau"
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "[[chiffre:ancien]]" in error.value.message_dict["slug"][0]


def test_zero_year_gives_no_change_instead_of_an_error():
    pair = make_pair()
    common = {
        "indicator": make_figure().indicator,
        "reporter": pair.first,
        "partner": pair.second,
    }
    make_figure(year=2023, value="0", **common)
    make_figure(year=2024, value="4", **common)
    assert yearly_changes(Figure.objects.for_display()) == []


def seed_tracker():
    target = Target.objects.get(slug="doubler-2030")
    return track(target, Figure.objects.published().for_display())


def test_tracker_verdict_is_computed_from_the_2025_full_year(trade_seeded):
    tracker = seed_tracker()
    # No baseline in the statement (2025): the path starts from 2024.
    assert tracker.start.slug == "cn-kz-2024-douanes"
    assert tracker.latest.slug == "cn-kz-2025"
    shown = {
        "required_growth": "+10,6\u202f%",  # (80 / 43.82)^(1/6) - 1
        "path_value": "48,4\u00a0milliards de dollars",  # 43.82 x 1.106
        "remaining_growth": "+10,4\u202f%",  # (80 / 48.7)^(1/5) - 1
        "pace_1y": "+11,1\u202f%",  # 48.7 / 43.82 - 1
        "pace_3y": "+16,0\u202f%",  # (48.7 / 31.2)^(1/3) - 1
        "multiple": "1,83\u00a0fois",  # 80 / 43.82
        "multiplied": "87,6\u00a0milliards de dollars",  # 43.82 x 2
        "multiplied_growth": "+12,2\u202f%",  # 2^(1/6) - 1
    }
    assert {name: getattr(tracker, name).display() for name in shown} == shown
    assert tracker.on_path is True
    assert tracker.out_of_reach is False
    assert [f.slug for f in tracker.pace_3y.inputs] == ["cn-kz-2022", "cn-kz-2025"]
    assert [f.slug for f in tracker.remaining_growth.inputs] == ["cn-kz-2025"]
    # The unsourced half-year of the story is older than the 2025 full year:
    # it is neither used nor listed.
    assert tracker.part_years == []
    used = {f.slug for d in tracker.derived_values() for f in d.inputs}
    assert used == {"cn-kz-2022", "cn-kz-2024-douanes", "cn-kz-2025"}
    assert [d.key for d in tracker.derived_values()] == [
        f"objectif:doubler-2030:{name}"
        for name in (
            "croissance-necessaire",
            "multiple",
            "multiplie",
            "croissance-multiplie",
            "chemin",
            "croissance-restante",
            "rythme-1-an",
            "rythme-3-ans",
        )
    ]


def planted(values, **target_fields):
    """A sourced Chinese-customs series ({year: value}) and a target of 80 by
    2030 on it; returns the target and the series' figures by year."""
    pair = make_pair()
    common = {
        "indicator": make_figure().indicator,
        "reporter": pair.first,
        "partner": pair.second,
    }
    years = {
        year: make_figure(year=year, value=value, **common)
        for year, value in values.items()
    }
    fields = {
        "slug": f"objectif-{pair.slug}",
        "pair": pair,
        "indicator": common["indicator"],
        "basis": Basis.GACS,
        "statement": "80 billion by 2030",
        "source": make_source(),
        "unit": Unit.USD,
        "scale": Scale.BILLIONS,
        "target_year": 2030,
        "target_value": Decimal("80"),
    }
    fields.update(target_fields)
    return Target.objects.create(**fields), years, common


SERIES = {2022: "31.2", 2023: "41.02", 2024: "43.82", 2025: "48.7"}


def test_a_baseline_given_by_the_source_starts_the_path(db):
    target, years, _ = planted(SERIES, stated_year=2025)
    target.baseline = Figure.objects.get(pk=years[2022].pk)
    tracker = track(target, Figure.objects.for_display())
    assert tracker.start == years[2022] and tracker.latest == years[2025]
    assert tracker.required_growth.formula == "(80 ÷ 31,2)^(1/8) − 1"
    assert tracker.required_growth.display() == "+12,5\u202f%"
    # 31.2 x (80 / 31.2)^(3/8): the path's level three years on.
    assert tracker.path_value.display() == "44,4\u00a0milliards de dollars"
    assert tracker.on_path is True


def test_without_a_year_before_the_statement_the_path_starts_from_the_latest(db):
    target, years, _ = planted({2025: "48.7", 2026: "50"}, stated_year=2025)
    tracker = track(target, Figure.objects.for_display())
    assert tracker.start == tracker.latest == years[2026]
    assert tracker.required_growth.formula == "(80 ÷ 50)^(1/4) − 1"
    # Nothing to measure against a path that starts from the latest year.
    assert tracker.path_value is None and tracker.on_path is None
    assert tracker.remaining_growth is None
    assert tracker.pace_1y.display() == "+2,7\u202f%"


def half_year(year, value, **fields):
    return make_figure(
        value=value,
        period_start=date(year, 1, 1),
        period_end=date(year, 6, 30),
        **fields,
    )


def test_a_same_basis_part_year_is_corrected_by_its_seasonal_history(db):
    target, years, common = planted(SERIES, stated_year=2025)
    history = [half_year(2023, "17.6", **common), half_year(2024, "20", **common)]
    newer = half_year(2026, "25", **common)
    tracker = track(target, Figure.objects.for_display())
    [part] = tracker.part_years
    assert (part.figure, part.used) == (newer, True)
    assert part.reason == "corrigé des saisons"
    share = (Decimal("17.6") / Decimal("41.02") + Decimal("20") / Decimal("43.82")) / 2
    assert part.estimate.value == Decimal("25") / share
    assert part.estimate.nature == Nature.ESTIMATE
    assert part.estimate.display() == "56,5\u00a0milliards de dollars"
    assert part.estimate.formula == (
        "25 ÷ 0,443, la part de ces mois dans l’année selon la même série "
        "(2023, 2024)"
    )
    assert part.estimate.expression == "25 / ((17.6 / 41.02 + 20 / 43.82) / 2)"
    assert set(part.estimate.inputs) == {newer, *history, years[2023], years[2024]}
    # The path's level in 2026, from 2024: 43.82 x (80 / 43.82)^(2/6).
    assert part.path_value.display() == "53,6\u00a0milliards de dollars"
    assert part.on_path is True
    assert tracker.derived_values()[-2:] == [part.estimate, part.path_value]
    # The latest full year stays the reference of the verdict.
    assert tracker.latest == years[2025]


def test_part_years_without_history_on_another_basis_or_unsourced_are_not_used(db):
    target, years, common = planted(SERIES, stated_year=2025)
    no_history = half_year(2026, "25", **common)
    kazakh = make_figure(
        value="30",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 9, 30),
        basis=Basis.KZ_NATIONAL,
        **common,
    )
    unsourced = make_figure(
        value="40",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 10, 31),
        basis=Basis.STATEMENT,
        source=None,
        **common,
    )
    tracker = track(target, Figure.objects.for_display())
    parts = {part.figure: part for part in tracker.part_years}
    assert list(parts) == [no_history, kazakh, unsourced]
    assert not any(p.used or p.estimate or p.path_value for p in parts.values())
    assert "sans correction des saisons" in parts[no_history].reason
    assert parts[kazakh].reason.startswith("statistiques kazakhes, pas la série")
    assert parts[unsourced].reason.startswith("sans source")
    used = {f for d in tracker.derived_values() for f in d.inputs}
    assert used.isdisjoint(parts)


def test_unsourced_or_unknown_basis_figures_enter_no_computation(db):
    target, years, common = planted(SERIES, stated_year=2025)
    newer = [
        make_figure(year=2026, value="60", basis=Basis.GACS, source=None, **common),
        make_figure(year=2026, value="61", basis=Basis.STATEMENT, **common),
        make_figure(year=2026, value="62", basis=Basis.OTHER, **common),
    ]
    earlier = make_figure(
        year=2021, value="9", basis=Basis.STATEMENT, source=None, **common
    )
    target.baseline = Figure.objects.get(pk=earlier.pk)
    tracker = track(target, Figure.objects.for_display())
    # The stated baseline has no source: the path starts as if none were given.
    assert tracker.start == years[2024] and tracker.latest == years[2025]
    used = {f for d in tracker.derived_values() for f in d.inputs}
    assert used == {years[2022], years[2024], years[2025]}
    assert used.isdisjoint([earlier, *newer])
    target.target_value = None
    target.multiplier = Decimal("2")
    assert track(target, Figure.objects.for_display()).amount is None


def test_out_of_reach_when_the_growth_still_needed_exceeds_both_paces(db):
    target, years, _ = planted(
        {2021: "41", 2022: "41.5", 2023: "42", 2024: "42", 2025: "43"},
        stated_year=2025,
    )
    tracker = track(target, Figure.objects.for_display())
    # +13,2 % a year still needed; +2,4 % over the last year, +1,2 % over three.
    assert tracker.remaining_growth.display() == "+13,2\u202f%"
    assert (tracker.pace_1y.display(), tracker.pace_3y.display()) == (
        "+2,4\u202f%",
        "+1,2\u202f%",
    )
    assert tracker.out_of_reach is True
    # One pace fast enough is enough: no warning.
    years[2022].value = Decimal("20")
    years[2022].save()
    tracker = track(target, Figure.objects.for_display())
    assert tracker.pace_3y.value > tracker.remaining_growth.value
    assert tracker.out_of_reach is False


def test_computed_changes_use_the_discrepancies_the_caller_found(trade_seeded):
    from dataclasses import replace

    figures = list(Figure.objects.published().for_display())
    found = discrepancies(figures)
    assert found  # the seed states changes its series contradict
    assert computed_changes(figures, found) == computed_changes(figures)
    yearly = [change.key for change in yearly_changes(figures)]
    assert [change.key for change in computed_changes(figures, [])] == yearly
    other = replace(found[0].computed[0], key="variation:autre")
    given = [replace(found[0], computed=(other,))]
    keys = [change.key for change in computed_changes(figures, given)]
    assert keys == [*yearly, "variation:autre"]
