"""The tokens a story writes besides a figure: a target's year, the story's
own words for a figure, and words an editor marks as not a statistic."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from trade.models import Basis, Target, Unit
from trade.services import target_words_link

from .factories import make_article, make_figure, make_indicator, make_pair, make_source

pytestmark = pytest.mark.django_db


def make_target(**overrides):
    pair = overrides.pop("pair", None) or make_pair()
    indicator = make_indicator()
    fields = {
        "slug": "doubler",
        "pair": pair,
        "indicator": indicator,
        "basis": Basis.GACS,
        "statement": "plans to double bilateral trade to $80 billion by 2030",
        "source": make_source(),
        "multiplier": 2,
        "target_value": 80,
        "unit": indicator.unit,
        "scale": indicator.scale,
        "target_year": 2030,
    }
    fields.update(overrides)
    return Target.objects.create(**fields)


def soup(story):
    return BeautifulSoup(story.body_html, "html.parser")


def test_a_target_token_writes_its_year_linked_to_the_target():
    target = make_target()
    story = make_article(body="Doubler d’ici [[objectif:doubler]], disent-ils.")
    link = soup(story).find("a", class_="chiffre")
    assert link.get_text() == "2030"
    assert link["href"] == f"/chiffres/{target.pair.slug}/#objectif-doubler"
    assert "80 billion by 2030" in link["title"]
    assert soup(story).get_text() == "Doubler d’ici 2030, disent-ils."


def test_an_unknown_target_is_refused_at_validation_and_never_shown():
    story = make_article(body="D’ici [[objectif:tripler]].")
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert "Objectif inconnu" in error.value.message_dict["body"][0]
    assert "2030" not in story.body_html
    assert "[objectif indisponible]" in soup(story).get_text()


def test_text_marked_as_not_a_statistic_reads_as_written():
    story = make_article(body="Ses [[texte:3 frères]] et sa sœur.")
    story.full_clean()
    assert soup(story).get_text() == "Ses 3 frères et sa sœur."
    assert soup(story).find("a") is None


def test_the_article_form_writes_the_storys_words_typeset_and_linked():
    border = make_indicator(unit=Unit.KM, scale=0)
    figure = make_figure(
        indicator=border, value="1782.75", story_words="1 700 kilomètres"
    )
    story = make_article(body=f"Une frontière de {figure.token('article')}.")
    link = soup(story).find("a", class_="chiffre")
    assert link.get_text() == "1\u202f700\u00a0kilomètres"
    assert figure.display() == "1\u202f782,75\u00a0kilomètres"


def test_the_article_form_needs_the_storys_words():
    figure = make_figure()
    story = make_article(body=f"Soit {figure.token('article')}.")
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert "Forme inconnue" in error.value.message_dict["body"][0]


def test_target_words_link_writes_the_year_as_a_token_once():
    target = make_target()
    story = make_article(body="D’ici 2030, ou [[chiffre:x-2030]], et 12030.")
    assert target_words_link(target=target, stories=[story]) == 1
    story.refresh_from_db()
    assert story.body == "D’ici [[objectif:doubler]], ou [[chiffre:x-2030]], et 12030."
    assert target_words_link(target=target, stories=[story]) == 0


def test_a_figure_on_a_stated_basis_needs_a_source():
    figure = make_figure(source=None, basis=Basis.GACS)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "déclaration, base non précisée" in error.value.message_dict["basis"][0]
    figure.basis = Basis.STATEMENT
    figure.full_clean()
    assert not figure.is_sourced_series()


def test_the_story_follows_the_targets_year():
    target = make_target()
    story = make_article(body="D’ici [[objectif:doubler]].")
    target.target_year = 2035
    target.save()
    story.refresh_from_db()
    assert soup(story).get_text() == "D’ici 2035."


def test_a_target_written_in_a_story_cannot_be_renamed():
    target = make_target()
    make_article(body="D’ici [[objectif:doubler]].")
    target.slug = "doubler-vite"
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "[[objectif:doubler]]" in error.value.message_dict["slug"][0]


def test_a_target_starts_only_from_a_sourced_figure_of_its_series():
    unsourced = make_figure(source=None, basis=Basis.STATEMENT)
    target = make_target(baseline=unsourced)
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "série suivie" in error.value.message_dict["baseline"][0]
    target.baseline = make_figure(basis=Basis.GACS)
    target.full_clean()
