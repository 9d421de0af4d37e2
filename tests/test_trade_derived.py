from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_article, make_figure, make_pair, make_source
from trade.derived import previous_period, track, yearly_changes
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
    assert tracker.start == latest
    assert tracker.required_growth.display() == "+10,6\u202f%"
    assert tracker.latest_pace.display() == "+6,8\u202f%"
    assert tracker.estimate.nature == Nature.ESTIMATE
    assert tracker.estimate.display() == "43,6 milliards de dollars"
    assert tracker.path_value.display() == "48,4 milliards de dollars"
    assert tracker.behind_path is True


def test_tracker_follows_the_inputs_when_an_editor_changes_them():
    target, latest, half = target_and_series()
    half.value = Decimal("25")
    half.save()
    target.target_value = Decimal("60")
    target.save()
    tracker = track(target, list(Figure.objects.for_display()))
    assert tracker.required_growth.display() == "+5,4\u202f%"
    assert tracker.estimate.display() == "50,0 milliards de dollars"
    assert tracker.behind_path is False


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
