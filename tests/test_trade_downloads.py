"""The CSV and JSON downloads hold every value the pair page shows, written as
published (never with an exponent), and each computed value with its formula
and inputs so that a reader can redo it."""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Status
from tests.factories import make_article, make_figure, make_pair, make_source
from trade.exports import FORMULA_START
from trade.models import Basis, Figure, Scale, Target, Unit

pytestmark = pytest.mark.django_db

PAIR = "kazakhstan-chine"
# A number as downloads write it: dot decimal, no exponent, no « -0 ».
PLAIN = re.compile(r"-?(0|[1-9]\d*)(\.\d*[1-9])?")
# A computed value as the page shows it, to one decimal (two for a ratio):
# « 16.0 » keeps the zero the page writes (« +16,0 % »).
SHOWN = re.compile(r"-?(0|[1-9]\d*)\.\d{1,2}")
EXPRESSION = re.compile(r"[0-9.()+\-*/^ ]+")


def shown_in_csv(cell):
    """The text a CSV cell stands for: the apostrophe that neutralises a
    would-be formula (« '+6,8 % ») is not part of it."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


def downloads(client, slug=PAIR):
    """The pair's CSV and JSON rows by id, the CSV's cells as a reader sees
    them and its inputs split, so that both compare alike."""
    csv_text = client.get(reverse("trade:pair-download-csv", args=[slug]))
    csv_rows = {}
    for row in csv.DictReader(io.StringIO(csv_text.content.decode())):
        row = {name: shown_in_csv(cell) for name, cell in row.items()}
        row["inputs"] = [
            dict(zip(("id", "value"), item.split("=")))
            for item in row["inputs"].split("; ")
            if item
        ]
        csv_rows[row["id"]] = row
    data = json.loads(
        client.get(reverse("trade:pair-download-json", args=[slug])).content
    )
    trackers = (row for tracker in data["trackers"] for row in tracker)
    rows = [*data["figures"], *data["derived"], *trackers]
    json_rows = {row["id"]: {**row, "scale": str(row["scale"])} for row in rows}
    return csv_rows, json_rows


def page_of(client, slug=PAIR):
    response = client.get(reverse("trade:pair", args=[slug]))
    return BeautifulSoup(response.content.decode(), "html.parser")


def redo(expression):
    """Evaluate a download's formula as a reader would (``^`` is a power)."""
    assert EXPRESSION.fullmatch(expression), expression
    return eval(expression.replace("^", "**"))  # digits and operators only


def formula_beside(value):
    """The formula the page writes after a computed value, before the next
    value: « (80 ÷ 43,82)^(1/6) − 1 »; None when it writes none."""
    for sibling in value.next_siblings:
        if getattr(sibling, "name", None) == "data":
            return None
        if getattr(sibling, "name", None) == "span" and "formula" in sibling.get(
            "class", []
        ):
            return sibling.get_text()[1:-1]  # « (…) »
    return None


def check_round_trip(client, slug=PAIR):
    """Both files hold exactly what the pair page shows, in its order, and
    every computed value is redone from its formula and inputs."""
    page = page_of(client, slug)
    csv_rows, json_rows = downloads(client, slug)
    assert csv_rows.keys() == json_rows.keys()

    figures = page.select(".figures-table tr[id^=chiffre-]")
    shown_figures = {tr["id"].removeprefix("chiffre-"): tr for tr in figures}
    computed = {d["data-id"]: d for d in page.select("data[data-id]")}
    # The files hold what the page shows, no more and no less.
    for rows in (csv_rows, json_rows):
        records = {i for i, r in rows.items() if r["kind"] == "record"}
        assert records == set(shown_figures)
        assert set(rows) - records == set(computed)
    # Each tracker's rows follow the order of its values on the page.
    for item in page.select(".tracker__item"):
        on_page = [d["data-id"] for d in item.select("data[data-id]")]
        key = on_page[0]
        assert key == f"objectif:{item['id'].removeprefix('objectif-')}"
        in_csv = [i for i in csv_rows if i == key or i.startswith(key + ":")]
        assert in_csv == on_page
        data = json.loads(
            client.get(reverse("trade:pair-download-json", args=[slug])).content
        )
        [in_json] = [t for t in data["trackers"] if t[0]["id"] == key]
        assert [row["id"] for row in in_json] == on_page

    for figure_slug, tr in shown_figures.items():
        figure = Figure.objects.get(slug=figure_slug)
        for rows in (csv_rows, json_rows):
            row = rows[figure_slug]
            assert row["value_text"] == tr.select_one("td.num").get_text()
            assert row["period"] == tr.th.get_text()
            assert Decimal(row["value"]) == figure.value
            assert row["nature_label"] == figure.get_nature_display()

    formulas = {}
    for tr in page.select(".figures-table tbody tr"):
        if value := tr.select_one("data[data-id]"):
            formulas[value["data-id"]] = tr.select("td")[-1].get_text()
    for value in page.select(".tracker data[data-id]"):
        if (formula := formula_beside(value)) is not None:
            formulas[value["data-id"]] = formula

    for key, element in computed.items():
        for rows in (csv_rows, json_rows):
            row = rows[key]
            assert row["value"] == element["value"]
            assert row["value_text"] == element.get_text()
            if row["kind"] == "derived":
                # Every computed value is shown with its formula.
                assert row["formula_text"] == formulas[key]
                assert row["nature_label"] in ("calculé", "estimation")
                assert SHOWN.fullmatch(row["value"]), row
            else:
                assert row["kind"] == "target"
                assert row["nature_label"] in ("objectif", "calculé")
                assert row["formula_text"] == formulas.get(key, row["formula_text"])
                if not row["formula"]:
                    assert row["nature_label"] == "objectif" and not row["inputs"]
                    continue
            # Redone from the formula and inputs, the value is the one shown.
            for given in row["inputs"]:
                assert rows[given["id"]]["value"] == given["value"]
                assert given["value"] in row["formula"]
            shown = Decimal(row["value"])
            redone = Decimal(str(redo(row["formula"]))).quantize(shown)
            assert redone == shown
    return page, csv_rows, json_rows


def test_downloads_hold_every_value_the_pair_page_shows(client, trade_seeded):
    page, csv_rows, json_rows = check_round_trip(client)
    assert len(page.select(".tracker data[data-id]")) == 10

    tracker = csv_rows["objectif:doubler-2030:croissance-necessaire"]
    assert tracker["value"] == "10.6" and tracker["value_text"] == "+10,6\u202f%"
    assert tracker["formula_text"] == "(80 ÷ 43,82)^(1/6) − 1"
    assert tracker["formula"] == "((80 / 43.82) ^ (1 / 6) - 1) * 100"
    assert [i["id"] for i in tracker["inputs"]] == [
        "cn-kz-2024-douanes",
        "objectif:doubler-2030",
    ]
    expected = {
        # id: (value, unit, inputs)
        "multiplicateur": ("2", "FOIS", []),
        "multiple": ("1.83", "FOIS", ["cn-kz-2024-douanes", "objectif:doubler-2030"]),
        "multiplie": (
            "87.6",
            "USD",
            ["cn-kz-2024-douanes", "objectif:doubler-2030:multiplicateur"],
        ),
        "croissance-multiplie": (
            "12.2",
            "PCT",
            ["objectif:doubler-2030:multiplicateur"],
        ),
        "chemin": ("48.4", "USD", ["cn-kz-2024-douanes", "objectif:doubler-2030"]),
        "croissance-restante": (
            "10.4",
            "PCT",
            ["cn-kz-2025", "objectif:doubler-2030"],
        ),
        "rythme-1-an": ("11.1", "PCT", ["cn-kz-2024-douanes", "cn-kz-2025"]),
        "rythme-3-ans": ("16.0", "PCT", ["cn-kz-2022", "cn-kz-2025"]),
    }
    for rows in (csv_rows, json_rows):
        for name, (value, unit, inputs) in expected.items():
            row = rows[f"objectif:doubler-2030:{name}"]
            assert (row["value"], row["unit"]) == (value, unit)
            assert [i["id"] for i in row["inputs"]] == inputs
        ratio = rows["objectif:doubler-2030:multiple"]
        assert ratio["value_text"] == "1,83\u00a0fois"
        assert ratio["formula"] == "80 / 43.82"
        assert ratio["nature_label"] == "calculé"
        pace = rows["objectif:doubler-2030:rythme-3-ans"]
        assert (pace["period_start"], pace["period_end"]) == (
            "2022-01-01",
            "2025-12-31",
        )


def test_part_years_round_trip_with_their_estimate(client, trade_seeded):
    """A newer part-year of the tracked series, corrected by its seasonal
    history (January–October 2023 against 2023), reaches the page and both
    files with the estimate and the path's level for its year."""
    from trade.models import Nature, Source

    story = make_article()
    make_figure(
        slug="cn-kz-2026-10m",
        indicator=Figure.objects.get(slug="cn-kz-2025").indicator,
        reporter=Figure.objects.get(slug="cn-kz-2025").reporter,
        partner=Figure.objects.get(slug="cn-kz-2025").partner,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 10, 31),
        value="42",
        basis=Basis.GACS,
        nature=Nature.REPORTED,
        source=Source.objects.first(),
        stories=[story],
    )
    page, csv_rows, json_rows = check_round_trip(client)
    for rows in (csv_rows, json_rows):
        estimate = rows["objectif:doubler-2030:estimation:cn-kz-2026-10m"]
        # 42 / (32.7 / 41.02): ten months weigh what they weighed in 2023.
        assert estimate["value"] == "52.7"
        assert estimate["nature_label"] == "estimation"
        assert estimate["formula"] == "42 / ((32.7 / 41.02) / 1)"
        assert [i["id"] for i in estimate["inputs"]] == [
            "cn-kz-2026-10m",
            "cn-kz-2023-10m",
            "cn-kz-2023",
        ]
        assert rows["objectif:doubler-2030:chemin:2026"]["value"] == "53.6"


def test_downloads_write_values_as_published_never_with_an_exponent(
    client, trade_seeded
):
    for rows in downloads(client):
        assert rows["kz-cn-2023-variation"]["value"] == "30"
        assert rows["kz-cn-2023-s1-variation"]["value"] == "20"
        assert rows["cn-kz-2024-douanes"]["value"] == "43.82"
        assert rows["kz-cn-2024-variation"]["value"] == "9.2"
        assert rows["objectif:doubler-2030"]["value"] == "80"
        for row in rows.values():
            shape = SHOWN if row["kind"] == "derived" else PLAIN
            assert shape.fullmatch(row["value"]), row
            assert all(PLAIN.fullmatch(given["value"]) for given in row["inputs"])
            assert "E" not in row["formula"]
    raw = client.get(reverse("trade:download-json")).content.decode()
    assert not re.search(r"\dE[+-]?\d", raw)


def test_negative_values_stay_numbers_in_the_csv(client, db):
    pair = make_pair()
    common = {"reporter": pair.first, "partner": pair.second}
    indicator = make_figure(year=2022, value="10.5", **common).indicator
    make_figure(year=2023, value="9.45", indicator=indicator, **common)
    csv_rows, json_rows = downloads(client, pair.slug)
    [change] = [r for r in csv_rows.values() if r["kind"] == "derived"]
    assert change["value"] == json_rows[change["id"]]["value"] == "-10.0"
    assert change["formula"] == "(9.45 / 10.5 - 1) * 100"
    assert change["value_text"] == "\u221210,0\u202f%"
    raw = client.get(reverse("trade:pair-download-csv", args=[pair.slug]))
    assert ",-10.0," in raw.content.decode()


def test_a_computed_target_amount_gives_its_formula(client, db):
    pair = make_pair()
    common = {"reporter": pair.first, "partner": pair.second}
    baseline = make_figure(year=2024, value="43.82", stories=[make_article()], **common)
    Target.objects.create(
        slug="doubler",
        pair=pair,
        indicator=baseline.indicator,
        basis=Basis.GACS,
        statement="double trade by 2030",
        source=make_source(),
        baseline=baseline,
        multiplier=Decimal("2"),
        unit=Unit.USD,
        scale=Scale.BILLIONS,
        target_year=2030,
    )
    page, *files = check_round_trip(client, pair.slug)
    for rows in files:
        row = rows["objectif:doubler"]
        assert (row["value"], row["formula"]) == ("87.64", "43.82 * 2")
        assert row["nature_label"] == "calculé"
        assert row["inputs"] == [
            {"id": baseline.slug, "value": "43.82"},
            {"id": "objectif:doubler:multiplicateur", "value": "2"},
        ]
        assert row["quote"] == "double trade by 2030"
        multiplier = rows["objectif:doubler:multiplicateur"]
        assert (multiplier["value"], multiplier["unit"]) == ("2", "FOIS")
        assert multiplier["nature_label"] == "objectif"
        # The path starts from the baseline the source gives: (87.64 / 43.82)^(1/6).
        growth = rows["objectif:doubler:croissance-necessaire"]
        assert growth["formula"] == "((87.64 / 43.82) ^ (1 / 6) - 1) * 100"
    text = page.select_one(".tracker").get_text()
    assert "Base de départ donnée par la source\u202f: 43,82" in text


def test_a_target_without_an_amount_round_trips(client, db):
    """« Doubler » with no baseline and no amount: the multiplier is shown and
    downloaded, nothing is computed from a base the source does not give."""
    pair = make_pair()
    common = {"reporter": pair.first, "partner": pair.second}
    indicator = make_figure(
        year=2023, value="41.02", stories=[make_article()], **common
    ).indicator
    make_figure(
        year=2024,
        value="43.82",
        indicator=indicator,
        stories=[make_article()],
        **common,
    )
    Target.objects.create(
        slug="doubler",
        pair=pair,
        indicator=indicator,
        basis=Basis.GACS,
        statement="double trade",
        source=make_source(),
        multiplier=Decimal("2"),
        unit=Unit.USD,
        scale=Scale.BILLIONS,
        target_year=2030,
    )
    page, csv_rows, json_rows = check_round_trip(client, pair.slug)
    for rows in (csv_rows, json_rows):
        tracker = [i for i in rows if i.startswith("objectif:doubler")]
        assert tracker == [
            "objectif:doubler",
            "objectif:doubler:multiplicateur",
            "objectif:doubler:rythme-1-an",
        ]
        assert rows["objectif:doubler"]["value_text"] == "multiplier par 2"
    assert "multiplier par 2 d’ici 2030" in page.select_one(".tracker").get_text()


def test_unpublished_figures_reach_no_computed_value(client, db):
    pair = make_pair()
    common = {"reporter": pair.first, "partner": pair.second}
    indicator = make_figure(year=2022, value="10.5", **common).indicator
    draft = make_article(status=Status.DRAFT)
    make_figure(year=2023, value="77.7", indicator=indicator, stories=[draft], **common)
    make_figure(
        value="88.8",
        indicator=indicator,
        period_start=date(2023, 1, 1),
        period_end=date(2023, 6, 30),
        stories=[make_article(published_at=None, status=Status.DRAFT)],
        **common,
    )
    for name in ("trade:download-csv", "trade:download-json"):
        body = client.get(reverse(name)).content.decode()
        assert "77.7" not in body and "77,7" not in body
        assert "88.8" not in body and "88,8" not in body
    for rows in downloads(client, pair.slug):
        assert [r["kind"] for r in rows.values()] == ["record"]
