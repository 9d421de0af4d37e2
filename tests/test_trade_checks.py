from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_country, make_figure, make_indicator
from trade.checks import open_inconsistencies
from trade.models import Acknowledgement, Basis, Figure, Scale, Unit

pytestmark = pytest.mark.django_db

SEED_OPEN = {
    "objectif-hors-rythme:doubler-2030",
    "sans-source:kz-cn-2024-variation",
    "sans-source:kz-cn-2025-s1",
    "variation:cn-kz-2023-variation",
    "variation:kz-cn-2024-variation",
}


def series(**common):
    level = make_indicator()
    change = make_indicator(
        unit=Unit.PERCENT, scale=Scale.UNITS, non_negative=False, change_of=level
    )
    countries = {"reporter": make_country(), "partner": make_country()}
    return level, change, {**countries, **common}


def keys():
    return {i.key for i in open_inconsistencies()}


def test_reported_change_disagreeing_with_its_two_years_is_caught():
    level, change, where = series()
    make_figure(indicator=level, year=2023, value="41.02", **where)
    make_figure(indicator=level, year=2024, value="43.82", **where)
    planted = make_figure(
        indicator=change, year=2024, value="9.2", slug="plantee", **where
    )
    [found] = open_inconsistencies()
    assert found.key == "variation:plantee" and found.figure == planted
    assert "+9,2\u202f%" in found.message and "+6,8\u202f%" in found.message


def test_change_within_rounding_passes():
    level, change, where = series()
    make_figure(indicator=level, year=2023, value="41", **where)
    make_figure(indicator=level, year=2024, value="43.8", **where)
    make_figure(indicator=change, year=2024, value="7", **where)
    assert open_inconsistencies() == []


def test_change_is_never_checked_across_two_bases():
    level, change, where = series()
    make_figure(
        indicator=level, year=2023, value="31.4", basis=Basis.KZ_NATIONAL, **where
    )
    make_figure(indicator=level, year=2024, value="43.82", **where)
    make_figure(indicator=change, year=2024, value="9.2", **where)
    assert open_inconsistencies() == []


def test_half_year_above_its_year_is_caught():
    level, _, where = series()
    make_figure(indicator=level, year=2024, value="20", slug="annee", **where)
    make_figure(
        indicator=level,
        value="21.8",
        slug="semestre",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 6, 30),
        **where,
    )
    assert keys() == {"partie-superieure:semestre:annee"}


def test_figure_without_source_is_reported():
    make_figure(slug="orpheline", source=None)
    assert keys() == {"sans-source:orpheline"}


def test_derived_check_follows_an_editor_correction():
    level, change, where = series()
    make_figure(indicator=level, year=2023, value="41.02", **where)
    current = make_figure(indicator=level, year=2024, value="43.82", **where)
    make_figure(indicator=change, year=2024, value="9.2", slug="v", **where)
    assert keys() == {"variation:v"}
    current.value = "44.8"
    current.save()
    assert keys() == set()


def test_check_figures_reports_the_real_ones_in_the_seed_until_acknowledged(
    trade_seeded,
):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_figures", stdout=out)
    printed = out.getvalue()
    for key in SEED_OPEN:
        assert f"[{key}]" in printed
    assert {i.key for i in open_inconsistencies()} == SEED_OPEN
    for inconsistency in open_inconsistencies():
        Acknowledgement.objects.create(
            figure=inconsistency.figure, check_key=inconsistency.key, note="Expliqué."
        )
    out = StringIO()
    call_command("check_figures", stdout=out)
    assert "Aucune incohérence ouverte" in out.getvalue()


def test_check_figures_catches_a_planted_inconsistency_in_the_seed(trade_seeded):
    for inconsistency in open_inconsistencies():
        Acknowledgement.objects.create(
            figure=inconsistency.figure, check_key=inconsistency.key, note="Expliqué."
        )
    year = Figure.objects.get(slug="kz-cn-2023")
    year.pk, year.slug = None, "kz-cn-2023-s2-plante"
    year.period_start, year.value = date(2023, 7, 1), 40
    year.source = Figure.objects.get(slug="kz-cn-2022").source
    year.save()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_figures", stdout=out)
    assert "[partie-superieure:kz-cn-2023-s2-plante:" in out.getvalue()


def test_zero_previous_year_raises_no_error_and_no_false_alarm():
    level, change, where = series()
    make_figure(indicator=level, year=2023, value="0", **where)
    make_figure(indicator=level, year=2024, value="4", **where)
    make_figure(indicator=change, year=2024, value="12", **where)
    assert open_inconsistencies() == []
