"""The figures the stories print are written as tokens of their records."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Article
from articles.rendering import render_markdown
from articles.services import EDITORS, SEED_WIRE, WRITERS, seed_load
from articles.wire import read_wire_file
from tests.factories import (
    make_article,
    make_figure,
    make_indicator,
    make_pair,
    make_user,
)
from tests.pages import keep_site_values
from trade.models import Figure, Unit
from trade.services import figure_words_link, trade_seed_load

pytestmark = pytest.mark.django_db

BRIEF = "commerce-sino-kazakh-438-milliards-de-dollars-en-2024"
WORDS = "43,8 milliards de dollars"
NNBSP, NBSP = "\u202f", "\u00a0"
# The wire's words for the figures, as their records print them: the same
# words, never broken between a number and its unit.
PRINTED = {
    "43,8 milliards de dollars": f"43,8{NBSP}milliards de dollars",
    "9,2 pour cent": f"9,2{NBSP}pour cent",
    "21,8 milliards de dollars": f"21,8{NBSP}milliards de dollars",
    f"1{NNBSP}700 kilomètres": f"1{NNBSP}700{NBSP}kilomètres",
}


def text(html):
    return BeautifulSoup(html, "html.parser").get_text()


def chiffres(story):
    page = BeautifulSoup(story.body_html, "html.parser")
    return {tag.get_text(): tag for tag in page.select(".chiffre")}


def test_the_seed_article_writes_its_figures_as_tokens(trade_seeded):
    body = trade_seeded.body
    assert "[[chiffre:kz-cn-2024]]" in body
    assert "[[chiffre:kz-cn-2024-variation:pour-cent]]" in body
    assert "[[chiffre:kz-cn-2025-s1]]" in body
    for words in ("43,8 milliards", "9,2 pour cent", "21,8 milliards"):
        assert words not in body


def test_readers_read_the_same_sentences_with_the_source_linked(trade_seeded):
    # The wire copy rendered is already set as French sets numbers: the
    # tokens print the very same sentences.
    wire = text(render_markdown(read_wire_file(SEED_WIRE).body_markdown))
    for printed in PRINTED.values():
        assert wire.count(printed) == 1
    assert text(trade_seeded.body_html) == wire
    found = chiffres(trade_seeded)
    assert set(found) == {*PRINTED.values(), "2030", "quatrième"}
    source = Figure.objects.get(slug="kz-cn-2024").source
    assert found[PRINTED["43,8 milliards de dollars"]]["href"] == source.url
    # No source yet: marked unverified rather than linked.
    assert found[PRINTED["9,2 pour cent"]].name == "span"
    unsourced = found[PRINTED["21,8 milliards de dollars"]]
    assert "chiffre--non-verifie" in unsourced["class"]


def test_the_brief_restating_the_figures_writes_them_too(trade_seeded):
    brief = Article.objects.get(slug=BRIEF)
    assert "[[chiffre:kz-cn-2024]]" in brief.body
    assert "[[chiffre:kz-cn-2024-variation:pour-cent]]" in brief.body
    assert set(chiffres(brief)) == {
        PRINTED["43,8 milliards de dollars"],
        PRINTED["9,2 pour cent"],
    }


def test_loading_again_never_wraps_a_token_twice(trade_seeded):
    before = {s.pk: (s.body, s.version) for s in Article.objects.all()}
    trade_seed_load()
    assert {s.pk: (s.body, s.version) for s in Article.objects.all()} == before
    # `make run` again: the wire copy comes back, then its figures are linked.
    seed_load()
    trade_seed_load()
    assert {s.pk: s.body for s in Article.objects.all()} == {
        pk: body for pk, (body, _) in before.items()
    }
    # 2024, its change, the first half of 2025, the border and the rank.
    assert trade_seeded.body.count("[[chiffre:") == 5
    assert trade_seeded.body.count("[[objectif:") == 1


def test_the_sentence_follows_the_record(trade_seeded):
    change = Figure.objects.get(slug="kz-cn-2024-variation")
    change.value = "6.8"
    change.save()
    for slug in (trade_seeded.slug, BRIEF):
        story = Article.objects.get(slug=slug)
        assert f"augmentation de 6,8{NBSP}pour cent" in text(story.body_html)
        assert "9,2" not in text(story.body_html)


def test_search_finds_the_words_a_token_prints(client, trade_seeded):
    response = client.get(reverse("articles:list"), {"q": "21,8 milliards"})
    assert f'href="{trade_seeded.get_absolute_url()}"' in response.content.decode()


def test_only_the_recorded_words_of_attached_figures_are_replaced():
    figure = make_figure(slug="total", value="43.8", story_words=WORDS)
    cited = make_article(body=f"Soit {WORDS}, pas 1{WORDS}.")
    other = make_article(body="Ailleurs, 43,8 milliards de dollars.")
    figure.stories.add(cited)
    result = figure_words_link(figures=[figure])
    cited.refresh_from_db()
    other.refresh_from_db()
    assert cited.body == f"Soit [[chiffre:total]], pas 1{WORDS}."
    assert other.body == "Ailleurs, 43,8 milliards de dollars."
    assert (result.tokens, result.stories, result.problems) == (1, {cited.slug}, [])


def test_words_the_record_does_not_print_are_kept_and_reported():
    figure = make_figure(slug="arrondi", value="43.82", story_words=WORDS)
    story = make_article(body="Soit 43,8 milliards de dollars.")
    figure.stories.add(story)
    result = figure_words_link(figures=[figure])
    story.refresh_from_db()
    assert story.body == "Soit 43,8 milliards de dollars."
    assert result.tokens == 0
    assert f"« 43,82{NBSP}milliards de dollars »" in result.problems[0]


def test_words_two_figures_of_a_story_share_are_kept_and_reported():
    story = make_article(body="Soit 43,8 milliards de dollars.")
    figures = [
        make_figure(slug=slug, value="43.8", story_words=WORDS)
        for slug in ("douanes", "ministere")
    ]
    for figure in figures:
        figure.stories.add(story)
    result = figure_words_link(figures=figures)
    story.refresh_from_db()
    assert story.body == "Soit 43,8 milliards de dollars."
    assert any("ministere" in p for p in result.problems)


def test_percent_form_is_refused_on_an_amount_and_unknown_forms_too():
    make_figure(slug="montant")
    percent = make_indicator(unit=Unit.PERCENT, scale=0, non_negative=False)
    make_figure(slug="hausse", indicator=percent, value="-8.4")
    ok = make_article(body="Une baisse de [[chiffre:hausse:pour-cent]].")
    ok.full_clean()
    assert f"Une baisse de \u22128,4{NBSP}pour cent." in text(ok.body_html)
    for body in ("[[chiffre:montant:pour-cent]]", "[[chiffre:hausse:mots]]"):
        with pytest.raises(ValidationError) as error:
            make_article(body=body).full_clean()
        message = error.value.message_dict["body"][0]
        assert "Forme inconnue" in message and body in message


def test_a_figure_cited_in_a_form_cannot_be_renamed():
    percent = make_indicator(unit=Unit.PERCENT, scale=0, non_negative=False)
    figure = make_figure(slug="hausse", indicator=percent, value="9.2")
    make_article(body="Soit [[chiffre:hausse:pour-cent]].")
    figure.slug = "autre"
    with pytest.raises(ValidationError) as error:
        figure.clean()
    assert "[[chiffre:hausse]]" in error.value.message_dict["slug"][0]


def test_editors_write_figures_into_stories_from_the_admin(client):
    figure = make_figure(slug="total", value="43.8", story_words=WORDS)
    story = make_article(body="Soit 43,8 milliards de dollars.")
    figure.stories.add(story)
    url = reverse("admin:trade_figure_changelist")
    post = {"action": "write_into_stories", "_selected_action": [figure.pk]}
    client.force_login(make_user(WRITERS))
    assert client.get(url).status_code == 403
    # Figures alone are not enough: the action rewrites stories.
    figures_only = make_user(is_staff=True)
    figures_only.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="trade",
            codename__in=["view_figure", "change_figure"],
        )
    )
    client.force_login(figures_only)
    assert "write_into_stories" not in client.get(url).content.decode()
    client.post(url, post)
    story.refresh_from_db()
    assert story.body == "Soit 43,8 milliards de dollars."
    client.force_login(make_user(EDITORS))
    response = client.post(url, post, follow=True)
    story.refresh_from_db()
    assert story.body == "Soit [[chiffre:total]]."
    assert "1 jeton(s) écrit(s) dans 1 article(s)." in response.content.decode()


def test_the_key_figures_box_links_to_the_pair_page(client, trade_seeded):
    response = client.get(trade_seeded.get_absolute_url())
    page = BeautifulSoup(response.content, "html.parser")
    links = [a["href"] for a in page.select(".key-figures__more a")]
    assert links == [reverse("trade:pair", args=["kazakhstan-chine"])]


def test_the_key_figures_box_without_a_pair_links_to_the_index(client):
    story = make_article()
    make_figure(stories=[story])
    page = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
    links = [a["href"] for a in page.select(".key-figures__more a")]
    assert links == [reverse("trade:index")]


def test_linking_the_box_to_pair_pages_costs_no_query(
    client, django_assert_num_queries
):
    pair = make_pair()
    story = make_article()
    where = {"reporter": pair.first, "partner": pair.second}
    for year in range(2015, 2025):
        make_figure(stories=[story], year=year, **where)
    keep_site_values(client)
    # As many as for figures of no pair (test_trade_views).
    with django_assert_num_queries(5):
        response = client.get(story.get_absolute_url())
    page = BeautifulSoup(response.content, "html.parser")
    links = page.select(".key-figures__more a")
    assert [a["href"] for a in links] == [pair.get_absolute_url()]
