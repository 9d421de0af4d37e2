from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Status
from tests.factories import (
    make_article,
    make_country,
    make_figure,
    make_indicator,
    make_pair,
    make_source,
)
from trade.models import Basis, Country, Figure, Nature, Pair, Scale, Target, Unit

pytestmark = pytest.mark.django_db


def test_period_ending_before_it_starts_is_refused_with_a_message():
    figure = make_figure()
    figure.period_end = date(2023, 12, 31)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert error.value.messages == ["La fin de la période précède son début."]


def test_database_refuses_a_period_ending_before_it_starts():
    figure = make_figure()
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.filter(pk=figure.pk).update(period_end=date(2000, 1, 1))


def test_negative_value_refused_for_an_indicator_that_cannot_be_negative():
    figure = make_figure(value="-3")
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "ne peut pas être négatif" in error.value.message_dict["value"][0]


def test_negative_change_is_accepted():
    change = make_indicator(unit=Unit.PERCENT, scale=Scale.UNITS, non_negative=False)
    make_figure(indicator=change, value="-8.4").full_clean()


def test_unit_must_match_the_indicator():
    figure = make_figure()
    figure.unit = Unit.PERCENT
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "dollars" in error.value.message_dict["unit"][0]


def test_scale_must_match_the_indicator():
    figure = make_figure()
    figure.scale = Scale.MILLIONS
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "milliards" in error.value.message_dict["scale"][0]


def test_derived_values_cannot_be_stored():
    figure = make_figure()
    figure.nature = Nature.DERIVED
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "Une valeur calculée ne se saisit pas" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.filter(pk=figure.pk).update(nature=Nature.DERIVED)


def test_one_reported_figure_per_indicator_countries_period_and_source():
    first = make_figure()
    twin = Figure(
        slug="jumeau",
        indicator=first.indicator,
        reporter=first.reporter,
        partner=first.partner,
        period_start=first.period_start,
        period_end=first.period_end,
        value="44",
        unit=first.unit,
        scale=first.scale,
        basis=first.basis,
        source=first.source,
    )
    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert "Cette source a déjà un chiffre publié" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    twin.nature = Nature.ESTIMATE
    twin.full_clean()
    twin.save()


def test_target_needs_a_multiplier_or_a_value():
    pair = make_pair()
    figure = make_figure(reporter=pair.first, partner=pair.second)
    target = Target(
        slug="objectif",
        pair=pair,
        indicator=figure.indicator,
        basis=Basis.GACS,
        statement="doubler",
        source=make_source(),
        unit=Unit.USD,
        scale=Scale.BILLIONS,
        target_year=2030,
    )
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "multiplicateur ou une valeur visée" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_pair_of_one_country_is_refused():
    country = make_country()
    pair = Pair(first=country, second=country, slug="seul")
    with pytest.raises(ValidationError, match="deux pays différents"):
        pair.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        pair.save()


def test_country_code_must_be_two_letters():
    country = Country(code="K1", name="Kazakhstan", slug="kz")
    with pytest.raises(ValidationError, match="deux lettres"):
        country.full_clean()
    lower = Country(code="kz", name="Kazakhstan", slug="kazakhstan")
    lower.full_clean()
    assert lower.code == "KZ"


@pytest.mark.parametrize(
    "status, delta, cited_visible",
    [
        (Status.PUBLISHED, -timedelta(hours=1), True),
        (Status.PUBLISHED, timedelta(hours=1), False),
        (Status.DRAFT, -timedelta(hours=1), False),
        (Status.REVIEW, -timedelta(hours=1), False),
    ],
)
def test_figure_visibility_follows_its_stories(status, delta, cited_visible):
    story = make_article(status=status, published_at=timezone.now() + delta)
    cited = make_figure(stories=[story])
    assert (cited in Figure.objects.published()) is cited_visible
    assert story.is_published() is cited_visible


def test_sourced_reference_figure_is_public_and_unsourced_orphan_is_not():
    reference = make_figure()
    orphan = make_figure(source=None)
    published = set(Figure.objects.published())
    assert reference in published
    assert orphan not in published


def test_figure_cited_by_a_draft_and_a_published_story_appears_once():
    figure = make_figure(stories=[make_article(), make_article(status=Status.DRAFT)])
    make_article().figures.add(figure)
    assert list(Figure.objects.published()) == [figure]


def test_pair_published_figures_are_those_of_either_order_with_the_pair_countries():
    pair = make_pair()
    other = make_country()
    draft = make_article(status=Status.DRAFT)
    indicator = make_indicator()
    one_way = make_figure(
        indicator=indicator, reporter=pair.first, partner=pair.second, year=2023
    )
    other_way = make_figure(
        indicator=indicator, reporter=pair.second, partner=pair.first, year=2024
    )
    make_figure(reporter=pair.first, partner=other)
    make_figure(reporter=pair.second, partner=pair.first, stories=[draft])
    pair = Pair.objects.select_related("first", "second").get(pk=pair.pk)
    figures = pair.published_figures()
    assert [f.pk for f in figures] == [one_way.pk, other_way.pk]
    assert figures[0].reporter is pair.first and figures[0].partner is pair.second
    assert figures[1].reporter is pair.second and figures[1].partner is pair.first
    assert figures[1].indicator == indicator
    assert figures[1].source.pk == other_way.source_id
    assert figures[0].acknowledgement_list == []


def test_figure_labels_its_nature_and_basis_as_their_choices_do():
    figure = make_figure(nature=Nature.ESTIMATE, basis=Basis.KZ_NATIONAL)
    assert figure.get_nature_display() == "estimation"
    assert figure.get_basis_display() == "statistiques kazakhes"
    # An unknown stored value shows as it is, as Django's own method does.
    figure.basis = "AUTRE"
    assert figure.get_basis_display() == "AUTRE"
