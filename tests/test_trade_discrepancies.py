"""Beside a stated change that its same-basis series contradict, readers see
the computation with its inputs, on the story and on the pair page, whatever
an editor acknowledged (``derived.discrepancies``)."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Status
from tests.factories import (
    make_article,
    make_country,
    make_figure,
    make_indicator,
    make_pair,
)
from trade.models import Acknowledgement, Basis, Figure, Unit
from trade.templatetags.trade import key_figures_html

pytestmark = pytest.mark.django_db

PAIR_URL = "/chiffres/kazakhstan-chine/"
STATED = "kz-cn-2024-variation"
CHANGE_KEY = "variation:cn-kz-2023:cn-kz-2024-douanes"
NNBSP, NBSP = "\u202f", "\u00a0"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def box_item(soup, figure):
    """The key-figures entry of ``figure`` on a story page."""
    title = f"{figure.indicator.name}, {figure.period_label()}"
    [item] = [
        item
        for item in soup.select(".key-figures__item")
        if item.dt.get_text() == title
    ]
    return item


def assert_shows_the_computation(discrepancy, row_links):
    """The seed's +9,2 % against the Chinese customs' 41,02 and 43,82."""
    text = discrepancy.get_text()
    assert text.startswith(f"Annoncé{NNBSP}: +9,2{NNBSP}%{NNBSP}; ")
    assert "d’après les douanes chinoises (GACS), 41,02 en 2023 puis " in text
    assert f"43,82{NBSP}milliards de dollars en 2024{NNBSP}: +6,8{NNBSP}%" in text
    [value] = discrepancy.select("data")
    assert (value["value"], value["data-id"]) == ("6.8", CHANGE_KEY)
    assert value.get_text() == f"+6,8{NNBSP}%"
    assert discrepancy.select_one(".badge--derived").get_text() == "calculé"
    assert discrepancy.select_one(".formula").get_text() == "(43,82 ÷ 41,02 − 1)"
    links = discrepancy.select("a")
    assert [a.get_text() for a in links] == [
        "41,02",
        f"43,82{NBSP}milliards de dollars",
    ]
    assert [a["href"] for a in links] == row_links


def test_the_story_shows_the_computed_change_beside_the_stated_one(
    client, trade_seeded
):
    soup = page(client, trade_seeded.get_absolute_url())
    item = box_item(soup, Figure.objects.get(slug=STATED))
    [discrepancy] = item.select(".discrepancy")
    assert_shows_the_computation(
        discrepancy,
        [f"{PAIR_URL}#chiffre-cn-kz-2023", f"{PAIR_URL}#chiffre-cn-kz-2024-douanes"],
    )
    # The inputs link to rows the pair page has, with the computed value the
    # pair page (and so its downloads) gives under the same name.
    pair_page = page(client, PAIR_URL)
    for slug in ("cn-kz-2023", "cn-kz-2024-douanes"):
        assert pair_page.find("tr", id=f"chiffre-{slug}")
    values = {d["value"] for d in pair_page.select(f'data[data-id="{CHANGE_KEY}"]')}
    assert values == {"6.8"}


def test_the_pair_page_shows_it_in_the_stated_figures_row(client, trade_seeded):
    soup = page(client, PAIR_URL)
    [discrepancy] = soup.select(f"#chiffre-{STATED} .discrepancy")
    assert_shows_the_computation(
        discrepancy, ["#chiffre-cn-kz-2023", "#chiffre-cn-kz-2024-douanes"]
    )
    # The Chinese sheet's +32,2 % against the published 31,2 and 41,02.
    [other] = soup.select("#chiffre-cn-kz-2023-variation .discrepancy")
    assert f"+31,5{NNBSP}%" in other.get_text()
    assert other.select_one("data")["data-id"] == "variation:cn-kz-2022:cn-kz-2023"


def test_only_the_contradicted_figures_show_a_computation(client, trade_seeded):
    shown = {
        tr["id"].removeprefix("chiffre-")
        for tr in page(client, PAIR_URL).select("tr[id^=chiffre-]")
        if tr.select(".discrepancy")
    }
    # Among them the 2025 change (+11 %), which 43,82 → 48,7 confirms.
    assert shown == {STATED, "cn-kz-2023-variation"}
    soup = page(client, trade_seeded.get_absolute_url())
    with_computation = [
        item.dt.get_text()
        for item in soup.select(".key-figures__item")
        if item.select(".discrepancy")
    ]
    assert with_computation == ["Variation des échanges sur un an, 2024"]
    assert len(soup.select(".key-figures .discrepancy data")) == 1


def test_an_acknowledgement_adds_its_note_and_the_computation_stays(
    client, trade_seeded
):
    Acknowledgement.objects.filter(check_key=f"variation:{STATED}").delete()
    note = "Le ministre parle d’une autre statistique, que La Gazette cherche."
    for url in (trade_seeded.get_absolute_url(), PAIR_URL):
        assert note not in page(client, url).get_text()
    Acknowledgement.objects.create(
        figure=Figure.objects.get(slug=STATED),
        check_key=f"variation:{STATED}",
        note=note,
    )
    story = page(client, trade_seeded.get_absolute_url())
    pair = page(client, PAIR_URL)
    stated = Figure.objects.get(slug=STATED)
    for where in (box_item(story, stated), pair.find(id=f"chiffre-{STATED}")):
        notes = [n.get_text() for n in where.select(".figure-ack")]
        assert f"Note de la rédaction{NNBSP}: {note}" in notes
        [discrepancy] = where.select(".discrepancy")
        assert discrepancy.select_one("data")["value"] == "6.8"


@pytest.mark.parametrize(
    "unpublished",
    [
        {"status": Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "scheduled"],
)
def test_figures_only_unpublished_stories_cite_never_enter_it(
    client, trade_seeded, unpublished
):
    """A more precise 2024 customs total would stand for its year (by_series):
    while only an unpublished story cites it, nothing computes with it."""
    story = make_article(**unpublished)
    douanes = Figure.objects.get(slug="cn-kz-2024-douanes")
    make_figure(
        slug="cn-kz-2024-brouillon",
        indicator=douanes.indicator,
        reporter=douanes.reporter,
        partner=douanes.partner,
        value="43.815",
        stories=[story],
    )
    make_figure(
        slug="kz-cn-2024-variation-brouillon",
        indicator=Figure.objects.get(slug=STATED).indicator,
        reporter=douanes.reporter,
        partner=douanes.partner,
        value="15",
        basis=Basis.STATEMENT,
        source=None,
        stories=[story],
    )
    for url in (trade_seeded.get_absolute_url(), PAIR_URL):
        soup = page(client, url)
        text = soup.get_text()
        assert "43,815" not in text and "brouillon" not in str(soup)
        [value] = {d["value"] for d in soup.select(f'data[data-id="{CHANGE_KEY}"]')}
        assert value == "6.8"
    [discrepancy] = page(client, PAIR_URL).select(f"#chiffre-{STATED} .discrepancy")
    assert "43,82" in discrepancy.get_text()


def stated_change_between(first, second, story, **overrides):
    """A stated +9,2 % for 2024 between two countries whose customs give 41,02
    then 43,82, the story citing the statement only."""
    level = make_indicator()
    change = make_indicator(
        unit=Unit.PERCENT, scale=0, non_negative=False, change_of=level
    )
    where = {"reporter": first, "partner": second}
    make_figure(indicator=level, year=2023, value="41.02", **where)
    make_figure(indicator=level, year=2024, value="43.82", **where)
    return make_figure(
        indicator=change,
        value="9.2",
        basis=Basis.STATEMENT,
        source=None,
        stories=[story],
        **where,
        **overrides,
    )


def test_without_a_pair_page_the_inputs_link_to_their_sources(client, db):
    story = make_article()
    stated = stated_change_between(make_country(), make_country(), story)
    soup = BeautifulSoup(key_figures_html(story), "html.parser")
    links = [a["href"] for a in soup.select(".discrepancy a")]
    inputs = Figure.objects.filter(indicator=stated.indicator.change_of)
    assert links == [f.source.url for f in inputs.order_by("period_start")]


def test_the_box_reads_figures_and_series_in_two_queries(
    db, django_assert_num_queries
):
    """However many figures the story and the series have, and however many
    stories cite them: the story's figures with the series (one query), and
    the editors' notes (one)."""
    pair = make_pair()
    story = make_article()
    stated = stated_change_between(pair.first, pair.second, story)
    with django_assert_num_queries(2):
        html = key_figures_html(story)
    assert len(BeautifulSoup(html, "html.parser").select(".discrepancy data")) == 1

    where = {"reporter": pair.first, "partner": pair.second}
    level, change = stated.indicator.change_of, stated.indicator
    others = [make_article() for _ in range(5)]
    for year in range(2000, 2020):
        # The series grows (43,8 every year: no change at all)...
        make_figure(indicator=level, year=year, stories=others, **where)
        # ...and so do the story's figures, each stating +9,2 %.
        if year > 2000:
            make_figure(
                indicator=change,
                year=year,
                value="9.2",
                basis=Basis.STATEMENT,
                source=None,
                stories=[story, *others],
                **where,
            )
    with django_assert_num_queries(2):
        html = key_figures_html(story)
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select(".key-figures__item")) == 20
    computed = sorted(d.get_text() for d in soup.select(".discrepancy data"))
    assert computed == [f"+6,8{NNBSP}%"] + [f"0,0{NNBSP}%"] * 19


def test_a_part_year_discrepancy_is_in_the_table_and_the_downloads(client, trade_seeded):
    import csv
    import io
    import json
    from datetime import date

    customs = Figure.objects.get(slug="cn-kz-2024-douanes")
    change = Figure.objects.get(slug="cn-kz-2025-variation").indicator
    where = {
        "reporter": customs.reporter,
        "partner": customs.partner,
        "basis": Basis.GACS,
        "source": customs.source,
    }
    for slug, year, value in (("s1-2024", 2024, "20.1"), ("s1-2025", 2025, "22.1")):
        make_figure(
            slug=slug,
            indicator=customs.indicator,
            period_start=date(year, 1, 1),
            period_end=date(year, 6, 30),
            value=value,
            **where,
        )
    make_figure(
        slug="s1-2025-variation",
        indicator=change,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        value="15",
        **where,
    )
    key = "variation:s1-2024:s1-2025"
    on_page = {
        d["data-id"]: d["value"] for d in page(client, PAIR_URL).select("data[data-id]")
    }
    assert on_page[key] == "10.0"
    rows = csv.DictReader(io.StringIO(client.get(f"{PAIR_URL}donnees.csv").content.decode()))
    assert {row["id"]: row["value"] for row in rows}[key] == "10.0"
    data = json.loads(client.get(f"{PAIR_URL}donnees.json").content)
    assert key in {row["id"] for row in data["derived"]}
