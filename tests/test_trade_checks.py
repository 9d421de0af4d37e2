"""check_figures catches each class of inconsistency planted in a fixture, lists
editorial warnings apart, and passes on the seed with only acknowledged items."""

import dataclasses
import re
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Status
from tests.factories import (
    make_article,
    make_country,
    make_figure,
    make_indicator,
    make_pair,
    make_source,
)
from trade import checks, derived, exports, formatting
from trade.checks import (
    ERROR,
    WARNING,
    acknowledgement_problem,
    find_everything,
    open_inconsistencies,
)
from trade.formulas import ExpressionError, evaluate
from trade.models import Acknowledgement, Basis, Figure, Scale, Target, Unit

pytestmark = pytest.mark.django_db

NNBSP = formatting.NNBSP
SEED_ACKNOWLEDGED = {
    "mots-article:kz-cn-frontiere",
    "sans-source:kz-cn-2024-variation",
    "sans-source:kz-cn-2025-s1",
    "variation:cn-kz-2023-variation",
    "variation:kz-cn-2024-variation",
}


def figure(value="43.8", **overrides):
    """A sourced figure whose quote writes its value."""
    overrides.setdefault("quote", f"Trade reached {value} last year.")
    return make_figure(value=value, **overrides)


def series(**common):
    level = make_indicator()
    change = make_indicator(
        unit=Unit.PERCENT, scale=Scale.UNITS, non_negative=False, change_of=level
    )
    countries = {"reporter": make_country(), "partner": make_country()}
    return level, change, {**countries, **common}


def keys():
    return {i.key for i in open_inconsistencies()}


def only(prefix):
    [found] = [i for i in open_inconsistencies() if i.key.startswith(prefix)]
    return found


def check_figures(*args):
    out = StringIO()
    call_command("check_figures", *args, stdout=out)
    return out.getvalue()


def failing_check_figures(*args):
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("check_figures", *args, stdout=out)
    assert "\n" not in str(failure.value)  # one line
    return out.getvalue(), str(failure.value)


def make_target(pair, indicator, **overrides):
    fields = {
        "slug": "doubler",
        "pair": pair,
        "indicator": indicator,
        "basis": Basis.GACS,
        "statement": "double trade to $80 billion by 2030",
        "source": make_source(),
        "target_value": Decimal("80"),
        "unit": Unit.USD,
        "scale": Scale.BILLIONS,
        "target_year": 2030,
        "stated_year": 2025,
    }
    fields.update(overrides)
    return Target.objects.create(**fields)


# --- Each class, planted ---------------------------------------------------


def test_series_basis_without_source_is_caught():
    # Figure.clean refuses it; rows written another way (an import, an older
    # migration) are still caught.
    planted = make_figure(slug="douanes-sans-source", source=None, basis=Basis.GACS)
    found = only("base-sans-source:")
    assert found.key == "base-sans-source:douanes-sans-source"
    assert found.figure == planted and found.severity == ERROR
    assert "douanes chinoises (GACS)" in found.message
    assert "« déclaration, base non précisée »" in found.message
    assert keys() == {
        "base-sans-source:douanes-sans-source",
        "sans-source:douanes-sans-source",
    }


def test_statement_without_source_is_only_unverified():
    make_figure(slug="orpheline", source=None, basis=Basis.STATEMENT, quote="")
    found = only("sans-source:")
    assert found.key == "sans-source:orpheline" and found.severity == ERROR
    assert f"n’a pas de source{NNBSP}: non vérifié" in found.message
    assert keys() == {"sans-source:orpheline"}


def test_quote_without_the_value_is_caught():
    planted = make_figure(
        slug="citation-muette", value="43.8", quote="Trade grew strongly."
    )
    found = only("citation-sans-valeur:")
    assert found.key == "citation-sans-valeur:citation-muette"
    assert found.figure == planted and found.severity == ERROR
    assert "« Trade grew strongly. »" in found.message
    assert "Copiez de la source la phrase qui donne la valeur" in found.message


@pytest.mark.parametrize(
    "value,quote,language",
    [
        ("43.8", "accounting for 46% of the total at $43.8 billion", "en"),
        ("41.02", "2023年,中哈双边贸易额达410.2亿美元,同比增长32.2%。", "zh"),
        ("23.6", "mutual trade growth of 23.6% year on year", "en"),
        ("30", "increased by 30 percent from the same period", "en"),
        ("19", "exports ($19 billion)", "en"),
        ("30.1", "Казахстан - 30,1 миллиарда долларов", "ru"),
        ("-8.4", "decreased by 8.4% compared to 2015", "en"),
    ],
)
def test_quote_holding_its_value_in_another_form_passes(value, quote, language):
    make_figure(value=value, quote=quote, source=make_source(language=language))
    assert not [k for k in keys() if k.startswith("citation-sans-valeur:")]


@pytest.mark.parametrize(
    "quote",
    [
        "accounting for $43.8 million",  # another scale
        "trade reached $43.9 billion",
        "",
    ],
)
def test_quote_with_another_number_or_none_is_caught(quote):
    make_figure(slug="planted", value="43.8", quote=quote)
    assert "citation-sans-valeur:planted" in keys()


def test_rank_quote_written_in_words_passes_and_another_rank_fails():
    rank = make_indicator(unit=Unit.RANK, scale=Scale.UNITS)
    make_figure(
        indicator=rank,
        value="4",
        quote="Китай занимает четвертое место среди стран",
        source=make_source(language="ru"),
    )
    make_figure(indicator=rank, value="4", quote="China ranks fourth.")
    make_figure(indicator=rank, slug="cinquieme", value="4", quote="China is fifth.")
    assert [k for k in keys() if k.startswith("citation")] == [
        "citation-sans-valeur:cinquieme"
    ]


def test_unsourced_figure_has_no_quote_to_check():
    make_figure(slug="orpheline", source=None, basis=Basis.STATEMENT, quote="")
    assert "citation-sans-valeur:orpheline" not in keys()


def test_story_words_that_do_not_round_the_value_are_caught():
    border = make_indicator(unit=Unit.KM, scale=Scale.UNITS)
    planted = figure(
        indicator=border,
        slug="frontiere",
        value="1782.75",
        story_words="1 700 kilomètres",
    )
    figure(indicator=border, value="1782.75", story_words="1 800 kilomètres")
    figure(indicator=border, value="1782.75", story_words="plus de 1 782,75 km")
    figure(value="43.82", story_words="43,8 milliards de dollars")
    found = only("mots-article:")
    assert found.key == "mots-article:frontiere" and found.figure == planted
    assert "l’article écrit « 1 700 kilomètres »" in found.message
    assert "1 782,75\u00a0kilomètres" in found.message.replace(NNBSP, " ")
    Acknowledgement.objects.create(figure=planted, check_key=found.key, note="Plus de.")
    assert not [k for k in keys() if k.startswith("mots-article:")]


def test_rank_in_story_words_is_read_as_a_rank():
    rank = make_indicator(unit=Unit.RANK, scale=Scale.UNITS)
    figure(indicator=rank, value="4", quote="ranks 4th", story_words="quatrième")
    figure(
        indicator=rank,
        slug="troisieme",
        value="4",
        quote="ranks 4th",
        story_words="troisième",
    )
    assert {k for k in keys() if k.startswith("mots-article:")} == {
        "mots-article:troisieme"
    }


def test_reported_change_disagreeing_with_its_two_years_is_caught():
    level, change, where = series()
    figure(indicator=level, year=2023, value="41.02", **where)
    figure(indicator=level, year=2024, value="43.82", **where)
    planted = figure(indicator=change, year=2024, value="9.2", slug="plantee", **where)
    [found] = open_inconsistencies()
    assert found.key == "variation:plantee" and found.figure == planted
    assert found.message == (
        f"plantee (2024){NNBSP}: annoncé{NNBSP}: +9,2{NNBSP}%{NNBSP}; d’après les "
        f"douanes chinoises (41,02 puis 43,82 milliards){NNBSP}: +6,8{NNBSP}%."
    )


def test_unsourced_statement_is_compared_with_the_series_of_its_countries():
    level, change, where = series()
    figure(indicator=level, year=2023, value="41.02", **where)
    figure(indicator=level, year=2024, value="43.82", **where)
    figure(
        indicator=change,
        year=2024,
        value="9.2",
        slug="declaree",
        source=None,
        basis=Basis.STATEMENT,
        quote="",
        **where,
    )
    assert keys() == {"sans-source:declaree", "variation:declaree"}


def test_change_within_rounding_passes():
    level, change, where = series()
    figure(indicator=level, year=2023, value="41", **where)
    figure(indicator=level, year=2024, value="43.8", **where)
    figure(indicator=change, year=2024, value="7", **where)
    assert open_inconsistencies() == []


def test_change_is_never_checked_across_two_bases():
    level, change, where = series()
    figure(indicator=level, year=2023, value="31.4", basis=Basis.KZ_NATIONAL, **where)
    figure(indicator=level, year=2024, value="43.82", **where)
    figure(indicator=change, year=2024, value="9.2", **where)
    assert open_inconsistencies() == []


def test_derived_check_follows_an_editor_correction():
    level, change, where = series()
    figure(indicator=level, year=2023, value="41.02", **where)
    current = figure(indicator=level, year=2024, value="43.82", **where)
    figure(indicator=change, year=2024, value="9.2", slug="v", **where)
    assert keys() == {"variation:v"}
    current.value, current.quote = "44.8", "Trade reached 44.8."
    current.save()
    assert keys() == set()


def test_zero_previous_year_raises_no_error_and_no_false_alarm():
    level, change, where = series()
    figure(indicator=level, year=2023, value="0", **where)
    figure(indicator=level, year=2024, value="4", **where)
    figure(indicator=change, year=2024, value="12", **where)
    assert open_inconsistencies() == []


def test_half_year_above_its_year_is_caught():
    level, _, where = series()
    figure(indicator=level, year=2024, value="20", slug="annee", **where)
    figure(
        indicator=level,
        value="21.8",
        slug="semestre",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 6, 30),
        **where,
    )
    found = only("partie-superieure:")
    assert found.key == "partie-superieure:semestre:annee"
    assert "premier semestre 2024, plus que les 20" in found.message
    assert keys() == {"partie-superieure:semestre:annee"}


def test_tracker_that_leaves_out_a_newer_figure_of_its_series_is_caught():
    pair = make_pair()
    where = {"reporter": pair.second, "partner": pair.first}
    level = make_indicator()
    figure(indicator=level, year=2023, value="41.02", **where)
    figure(indicator=level, year=2024, value="43.82", **where)
    half = figure(
        indicator=level,
        slug="s1-2025",
        value="22.5",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        **where,
    )
    make_target(pair, level)
    found = only("objectif-ignore:")
    assert found.key == "objectif-ignore:doubler:s1-2025" and found.figure == half
    assert found.severity == ERROR
    assert "le suivi s’arrête à" in found.message
    assert "la série n’a pas ces mêmes mois d’une année antérieure" in found.message
    # With the same months of an earlier year, the tracker uses the half-year.
    figure(
        indicator=level,
        value="20.5",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 6, 30),
        **where,
    )
    assert not [k for k in keys() if k.startswith("objectif-ignore:")]


def test_tracker_ignoring_a_newer_year_the_other_way_round_is_caught():
    pair = make_pair()
    level = make_indicator()
    for year, value in [(2022, "31.2"), (2023, "41.02"), (2024, "43.82")]:
        figure(
            indicator=level,
            year=year,
            value=value,
            reporter=pair.second,
            partner=pair.first,
        )
    # The same basis, reported the other way round: a series the tracker
    # does not follow, though newer.
    figure(
        indicator=level,
        year=2025,
        value="48.7",
        slug="inverse-2025",
        reporter=pair.first,
        partner=pair.second,
    )
    make_target(pair, level)
    found = only("objectif-ignore:")
    assert found.key == "objectif-ignore:doubler:inverse-2025"
    assert "le suivi ne le lit pas" in found.message


def test_target_out_of_pace_is_a_warning_listed_apart():
    pair = make_pair()
    level = make_indicator()
    where = {"reporter": pair.second, "partner": pair.first}
    for year, value in [(2021, "40"), (2022, "41"), (2023, "42"), (2024, "43")]:
        figure(indicator=level, year=year, value=value, **where)
    make_target(pair, level)
    found = only("objectif-hors-rythme:")
    assert found.key == "objectif-hors-rythme:doubler" and found.severity == WARNING
    assert f"il faut +10,9{NNBSP}% par an" in found.message
    assert f"+2,4{NNBSP}%" in found.message
    printed = check_figures()
    assert "Avertissements éditoriaux\n[objectif-hors-rythme:doubler]" in printed
    assert "Aucune erreur ouverte." in printed
    printed, error = failing_check_figures("--strict")
    assert "[objectif-hors-rythme:doubler]" in printed
    assert "Avertissements éditoriaux ouverts" in error


def test_number_in_a_story_without_a_record_is_caught_whatever_its_status():
    draft = make_article(
        slug="brouillon",
        title="Le brouillon",
        status=Status.DRAFT,
        body="La Chine est la deuxième source d’investissement ; le commerce a "
        "crû de 12 % en 2024, depuis 1991.",
    )
    found = {i.key: i for i in find_everything()}
    assert set(found) == {
        "nombre-sans-chiffre:brouillon:deuxième source",
        "nombre-sans-chiffre:brouillon:12 %",
    }
    planted = found["nombre-sans-chiffre:brouillon:12 %"]
    assert planted.figure is None and planted.severity == ERROR
    assert "« Le brouillon » écrit « 12 % » sans fiche" in planted.message
    assert "écrivez [[texte:12 %]]" in planted.message
    assert "[[chiffre:identifiant]]" in planted.message
    draft.body = (
        "La Chine est la [[texte:deuxième source]] d’investissement ; le commerce "
        "a crû de [[texte:12 %]] en 2024."
    )
    draft.save()
    assert find_everything() == []


def test_number_in_a_story_cannot_be_acknowledged():
    make_article(slug="a", body="Un commerce de 12 % plus élevé.")
    some = make_figure()
    key = "nombre-sans-chiffre:a:12 %"
    assert key in keys()
    assert "ne concerne aucun chiffre" in acknowledgement_problem(key, some.pk)


def test_computed_value_its_formula_does_not_give_is_caught(monkeypatch):
    level, _, where = series()
    figure(indicator=level, year=2023, value="41.02", **where)
    figure(indicator=level, year=2024, value="43.82", **where)
    real = derived.yearly_changes

    def wrong(figures):
        return [dataclasses.replace(c, value=Decimal("9.2")) for c in real(figures)]

    monkeypatch.setattr(derived, "yearly_changes", wrong)
    [found] = checks.find(Figure.objects.for_display(), [])
    assert found.key.startswith("calcul:variation:") and found.figure is None
    assert (
        "le site affiche 9.2, mais la formule (43.82 / 41.02 - 1) * 100 donne "
        "6.82594" in found.message
    )


def test_formulas_are_evaluated_safely():
    assert evaluate("((80 / 43.82) ^ (1 / 6) - 1) * 100") == pytest.approx(
        10.5528, abs=1e-4
    )
    assert evaluate("2 * 3 ^ 2") == 18  # ^ is a power, before ×
    assert evaluate("-(1 + 2) / 4") == -0.75
    for hostile in [
        "__import__('os')",
        "(1).real",
        "2 ** 3",
        "x + 1",
        "[1, 2]",
        "9 ^ 9 ^ 9",
        "1 / 0",
        "(-8) ^ (1 / 3)",
        "2 <= 3",
        "True + 1",
        "1j * 2",
        "9" * 400 + " * 1",
        "(" * 300 + "1" + ")" * 300,
        "1 +" * 300 + " 1",
        "",
    ]:
        with pytest.raises(ExpressionError):
            evaluate(hostile)


def export_fixture():
    pair = make_pair()
    level = make_indicator()
    where = {"reporter": pair.first, "partner": pair.second}
    first = figure(indicator=level, year=2023, value="41.02", **where)
    second = figure(indicator=level, year=2024, value="43.82", **where)
    return pair, f"variation:{first.slug}:{second.slug}"


def test_export_that_differs_from_the_page_is_caught(monkeypatch):
    pair, change = export_fixture()
    assert find_everything() == []
    real = exports.derived_row

    def altered(value):
        row = real(value)
        row["value"] = "6.9"
        return row

    monkeypatch.setattr(exports, "derived_row", altered)
    [found] = find_everything()
    assert found.key == f"export:{pair.slug}:{change}" and found.figure is None
    assert f"CSV{NNBSP}: 6.9, page{NNBSP}: 6.8" in found.message
    assert f"JSON{NNBSP}: 6.9, page{NNBSP}: 6.8" in found.message


def test_row_on_one_side_only_is_caught(monkeypatch):
    pair, change = export_fixture()
    real = exports.as_csv

    def without_last_row(*args, **kwargs):
        return "".join(real(*args, **kwargs).splitlines(keepends=True)[:-1])

    monkeypatch.setattr(exports, "as_csv", without_last_row)
    [found] = find_everything()
    assert found.key == f"export:{pair.slug}:{change}"
    assert "absent du CSV" in found.message


# --- The seed and the command ----------------------------------------------


def test_seed_loader_counts_the_acknowledgements_it_creates(db):
    call_command("load_seed", stdout=StringIO())
    out = StringIO()
    call_command("load_trade_seed", stdout=out)
    assert f"{len(SEED_ACKNOWLEDGED)} incohérence(s) reconnue(s)." in out.getvalue()
    assert set(Acknowledgement.objects.values_list("check_key", flat=True)) == (
        SEED_ACKNOWLEDGED
    )


def test_seed_passes_with_only_acknowledged_items(trade_seeded):
    printed = check_figures()
    assert f"{len(SEED_ACKNOWLEDGED)} incohérence(s) reconnue(s)" in printed
    for key in SEED_ACKNOWLEDGED:
        assert re.search(rf"^\[{re.escape(key)}\] « \S", printed, re.M), key
    assert "Aucune erreur ouverte." in printed
    assert "Avertissements éditoriaux" not in printed
    assert "n’est plus constatée" not in printed
    assert open_inconsistencies() == []
    assert "Aucune erreur ouverte." in check_figures("--strict")


def test_no_seed_figure_has_a_quote_without_its_value(trade_seeded):
    sourced = Figure.objects.filter(source__isnull=False)
    assert sourced.count() > 40
    assert not [i for i in checks.find_all() if i.key.startswith("citation")]
    assert not [
        f.slug for f in sourced if not f.quote.strip()
    ]  # each has a quote to check


def test_seed_stories_write_no_statistic_without_a_record(trade_seeded):
    assert not [i.key for i in find_everything() if i.key.startswith("nombre")]


def test_check_figures_catches_a_planted_inconsistency_in_the_seed(trade_seeded):
    year = Figure.objects.get(slug="kz-cn-2023")
    year.pk, year.slug = None, "kz-cn-2023-s2-plante"
    year.period_start, year.value = date(2023, 7, 1), 40
    year.source = Figure.objects.get(slug="kz-cn-2022").source
    year.save()
    printed, error = failing_check_figures()
    assert "[partie-superieure:kz-cn-2023-s2-plante:" in printed
    assert "[citation-sans-valeur:kz-cn-2023-s2-plante]" in printed
    assert error.startswith("2 erreur(s) ouverte(s).")


def test_acknowledging_closes_an_error_and_the_command_lists_it(trade_seeded):
    Acknowledgement.objects.filter(check_key="variation:kz-cn-2024-variation").delete()
    printed, _ = failing_check_figures()
    assert printed.startswith("[variation:kz-cn-2024-variation] ")
    figure = Figure.objects.get(slug="kz-cn-2024-variation")
    Acknowledgement.objects.create(
        figure=figure,
        check_key="variation:kz-cn-2024-variation",
        note="Les douanes chinoises donnent une hausse plus faible que celle "
        "annoncée par le ministre dans l’article.",
    )
    printed = check_figures()
    assert (
        "[variation:kz-cn-2024-variation] « Les douanes chinoises donnent une "
        "hausse plus faible que celle annoncée par… »"
    ) in printed


def test_acknowledgement_of_a_problem_no_longer_found_is_pointed_out(trade_seeded):
    figure = Figure.objects.get(slug="kz-cn-frontiere")
    figure.story_words = "1 800 kilomètres"
    figure.save()
    printed = check_figures()
    assert "plus constatée" in printed and "mots-article:kz-cn-frontiere" in printed
