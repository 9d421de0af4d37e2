import csv
import io
import json
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import resolve, reverse

from articles.models import Status
from tests.factories import make_article, make_figure, make_pair, make_source
from tests.pages import keep_site_values
from trade.models import Figure
from trade.sitemaps import PairSitemap

pytestmark = pytest.mark.django_db

PAIR_URL = "/chiffres/kazakhstan-chine/"
LEAD = (
    "/articles/le-kazakhstan-et-la-chine-sengagent-a-doubler-leurs-echanges-"
    "commerciaux-dici-2030/"
)


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_pair_page_shows_chart_table_tracker_and_sources(client, trade_seeded):
    response = client.get(PAIR_URL)
    assert response.status_code == 200
    page = soup(response)
    charts = {}
    for number, svg in enumerate(page.select("svg.chart__svg"), start=1):
        assert svg["role"] == "img" and svg.find("title") and svg.find("desc")
        ids = f"graphique-{number}-titre graphique-{number}-desc"
        assert svg["aria-labelledby"] == ids
        # Coordinates stay numbers whatever the locale does to decimals.
        assert all(
            float(c["cx"]) >= 0 and float(c["cy"]) >= 0 for c in svg.select("circle")
        )
        # One chart per indicator of two years or more: trade, imports, exports.
        indicator = svg.find("title").get_text().rsplit(", ", 1)[0]
        charts[indicator] = svg.get_text(" ")
    assert len(charts) == 3
    table_text = " ".join(t.get_text(" ") for t in page.select(".figures-table table"))
    published = Figure.objects.published()
    for figure in published:
        assert figure.display() in table_text
        if figure.is_annual() and figure.unit != "PCT":
            name = figure.indicator.name
            years = {
                f.period_start.year
                for f in published.filter(indicator=figure.indicator)
                if f.is_annual()
            }
            # A single year (the border) is no chart.
            if len(years) > 1:
                assert figure.display() in charts[name]
            else:
                assert name not in charts
    # The tracker: tests below (test_pair_page_tracker_…).
    assert page.select_one(".tracker")
    assert "https://astanatimes.com/2025/01/" in str(page.select_one(".sources"))


def tracker_text(page):
    return page.select_one(".tracker").get_text()


def test_pair_page_tracker_measures_the_latest_full_year(client, trade_seeded):
    page = soup(client.get(PAIR_URL))
    text = tracker_text(page)
    for sentence in (
        "80\u00a0milliards de dollars en 2030",
        # No baseline in the statement: the path starts from 2024.
        "La source ne précise pas la base de départ\u202f: le calcul part de 2024, "
        "dernière année complète connue quand l’objectif a été fixé (2025)\u202f: "
        "43,82\u00a0milliards de dollars",
        "+10,6\u202f%\u00a0par an de 2024 à 2030 ((80 ÷ 43,82)^(1/6) − 1)",
        # 80 against « doubler », computed.
        "80\u00a0milliards de dollars, c’est 1,83\u00a0fois le niveau de 2024 "
        "(80 ÷ 43,82)\u202f; doubler 43,82\u00a0milliards de dollars donnerait "
        "87,6\u00a0milliards de dollars (43,82 × 2), soit +12,2\u202f%\u00a0par an "
        "(2^(1/6) − 1).",
        # The 2025 full year against the path's level for 2025.
        "2025\u202f: 48,7\u00a0milliards de dollars, douanes chinoises (GACS)\u202f; "
        "source\u202f: The Caspian Post",
        "Le chemin vers l’objectif passe par 48,4\u00a0milliards de dollars en 2025",
        "2025 est au-dessus du chemin.",
        "+10,4\u202f%\u00a0par an de 2025 à 2030 ((80 ÷ 48,7)^(1/5) − 1)",
        "Sur un an\u202f: +11,1\u202f% (2024–2025) (48,7 ÷ 43,82 − 1)\u202f; "
        "sur trois ans\u202f: +16,0\u202f%\u00a0par an (2022–2025) "
        "((48,7 ÷ 31,2)^(1/3) − 1).",
    ):
        assert sentence in text
    # No half-year doubled without seasonal correction, no verdict the 2025
    # figures do not compute, no warning while a pace exceeds the growth needed.
    for gone in ("Où en est-on", "43,6", "21,8", "en dessous", "rythme nécessaire"):
        assert gone not in text
    assert not page.select(".tracker__warning")
    item = page.select_one("#objectif-doubler-2030")
    assert item.select_one('a[href="#chiffre-cn-kz-2025"]')
    assert item.select_one('a[href^="https://caspianpost.com/"]')
    assert page.select_one("#chiffre-cn-kz-2025")  # the link's row
    values = item.select("data")
    assert len(values) == 10 and all(v["data-id"] and v["value"] for v in values)
    badges = [b.get_text() for b in item.select(".badge")]
    assert badges == ["calculé"] * 5


def test_pair_page_tracker_uses_a_part_year_only_with_its_seasonal_history(
    client, trade_seeded
):
    from datetime import date

    from trade.models import Basis, Source

    customs = Figure.objects.get(slug="cn-kz-2025")
    where = {
        "indicator": customs.indicator,
        "reporter": customs.reporter,
        "partner": customs.partner,
        "stories": [make_article()],
        "period_start": date(2026, 1, 1),
    }
    # January–October, like the 32,7 of 2023 (41,02 for the year).
    make_figure(
        slug="cn-kz-2026-10m",
        value="42",
        period_end=date(2026, 10, 31),
        source=Source.objects.get(pk=customs.source_id),
        **where,
    )
    make_figure(
        slug="cn-kz-2026-s1",
        value="24",
        period_end=date(2026, 6, 30),
        basis=Basis.STATEMENT,
        source=None,
        **where,
    )
    text = tracker_text(soup(client.get(PAIR_URL)))
    assert (
        "Janvier-octobre 2026\u202f: 42\u00a0milliards de dollars (douanes "
        "chinoises (GACS)). Corrigé des saisons, il donne pour l’année "
        "52,7\u00a0milliards de dollars estimation (42 ÷ 0,797, la part de ces "
        "mois dans l’année selon la même série (2023))\u202f; le chemin vers "
        "l’objectif passe par 53,6\u00a0milliards de dollars en 2026 (43,82 × "
        "(80 ÷ 43,82)^(2/6))\u202f: l’estimation est en dessous du "
        "chemin."
    ) in text
    assert (
        "Premier semestre 2026\u202f: 24\u00a0milliards de dollars (déclaration, "
        "base non précisée, non vérifié). Pas utilisé\u202f: sans source, il "
        "n’entre dans aucun calcul."
    ) in text
    # The 2025 full year stays the reference of the verdict.
    assert "2025 est au-dessus du chemin." in text


def test_pair_page_tracker_warns_only_when_both_paces_fall_short(client, db):
    from trade.models import Basis, Scale, Target, Unit

    pair = make_pair()
    where = {"reporter": pair.first, "partner": pair.second}
    indicator = make_figure(year=2022, value="41", stories=[make_article()], **where)
    for year, value in ((2024, "42"), (2025, "43")):
        make_figure(
            year=year,
            value=value,
            indicator=indicator.indicator,
            stories=[make_article()],
            **where,
        )
    Target.objects.create(
        slug="quatre-vingts",
        pair=pair,
        indicator=indicator.indicator,
        basis=Basis.GACS,
        statement="80 billion by 2030",
        source=make_source(),
        target_value=80,
        unit=Unit.USD,
        scale=Scale.BILLIONS,
        target_year=2030,
        stated_year=2025,
    )
    page = soup(client.get(pair.get_absolute_url()))
    [warning] = page.select(".tracker__warning")
    assert warning.get_text() == (
        "La croissance encore nécessaire dépasse le rythme de la série sur un "
        "an comme sur trois ans."
    )
    text = tracker_text(page)
    assert "+13,2\u202f%\u00a0par an de 2025 à 2030" in text
    assert "Sur un an\u202f: +2,4\u202f%" in text
    assert "sur trois ans\u202f: +1,6\u202f%\u00a0par an" in text


def test_pair_page_query_count_stays_fixed_with_a_tracker(
    client, db, django_assert_num_queries
):
    from datetime import date

    from trade.models import Basis, Scale, Target, Unit

    pair = make_pair()
    where = {"reporter": pair.first, "partner": pair.second}
    first = make_figure(year=2020, value="10", stories=[make_article()], **where)
    Target.objects.create(
        slug="objectif",
        pair=pair,
        indicator=first.indicator,
        basis=Basis.GACS,
        statement="double by 2040",
        source=make_source(),
        baseline=first,
        multiplier=2,
        target_value=25,
        unit=Unit.USD,
        scale=Scale.BILLIONS,
        target_year=2040,
        stated_year=2021,
    )
    # As test_pair_page_query_count_does_not_grow_with_figures: the tracker,
    # its seasonal history and its part-years cost no query of their own.
    with django_assert_num_queries(7):
        assert client.get(pair.get_absolute_url()).status_code == 200
    for year in range(2021, 2031):
        common = {"indicator": first.indicator, "stories": [make_article()], **where}
        make_figure(year=year, value=str(year - 2009), **common)
        make_figure(
            value="5",
            period_start=date(year, 1, 1),
            period_end=date(year, 6, 30),
            **common,
        )
    newer = {"period_start": date(2031, 1, 1), "period_end": date(2031, 6, 30)}
    make_figure(value="6", **newer, **common)
    make_figure(value="12", source=None, basis=Basis.STATEMENT, **newer, **common)
    with django_assert_num_queries(7):
        response = client.get(pair.get_absolute_url())
    page = soup(response)
    assert "2030\u202f: 21\u00a0milliards de dollars" in tracker_text(page)
    # Same period: listed in the order of their slugs, which the factory numbers.
    parts = {li.a.get_text(): li.get_text() for li in page.select(".tracker__parts li")}
    assert len(parts) == 2
    # Ten years of seasonal history in the estimate, read from the same query.
    assert "(2021, 2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030)" in (
        parts["6\u00a0milliards de dollars"]
    )
    assert "Pas utilisé" in parts["12\u00a0milliards de dollars"]


# A breaking space (any white space but U+00A0, U+2007, U+202F) before
# « : ; ! ? % » or inside « », or between a number and its unit (« 43,8
# milliards », « 1,83 fois »).
BREAKING = r"[^\S\u00a0\u2007\u202f]"
LOOSE_SPACING = re.compile(
    rf"{BREAKING}[:;!?%»]|«{BREAKING}"
    rf"|\d{BREAKING}(?:milliards?|millions?|fois|kilomètres|%)"
)


def loose_spacing(text):
    return [m.group(0) for m in LOOSE_SPACING.finditer(text)]


def test_pair_page_sets_french_typography(client, trade_seeded):
    """A narrow no-break space before « : ; ! ? % » and no line break between
    a number and its unit, in the page's words and in the editors' notes and
    publisher names it prints. Quotes and the titles of sources keep their
    language's spacing; story cards are the stories' own."""
    page = soup(client.get(PAIR_URL))
    meta = page.select_one('meta[name="description"]')["content"]
    head = [page.title.get_text(), meta]
    assert "bien plus que le double des statistiques kazakhes" in (
        page.select_one(".tracker .figure-note").get_text()
    )
    # Source titles are marked in their language, so they are read as such.
    titles = {a.get_text(): a.get("lang") for a in page.select(".sources a")}
    caspian = "China’s Trade Grip on Central Asia Grows—But Data Raise Questions"
    assert titles[caspian] == "en"
    assert titles["新闻背景｜哈萨克斯坦共和国"] == "zh"
    for element in page.select("script, style, q, blockquote, .related, .sources a"):
        element.decompose()
    for text in (*head, page.body.get_text()):
        assert loose_spacing(text) == []
    # The checker catches what it is meant to.
    assert loose_spacing("2025 : 48,7 milliards, +11 %, 1,83 fois") == [
        " :",
        "7 milliards",
        "1 %",
        "3 fois",
    ]
    assert loose_spacing("+11\u202f% ; « doubler\u202f»") == [" ;", "« "]


def test_pair_page_lists_only_published_stories_citing_its_figures(
    client, trade_seeded
):
    draft = make_article(status=Status.DRAFT, title="Brouillon secret")
    Figure.objects.get(slug="kz-cn-2024").stories.add(draft)
    page = soup(client.get(PAIR_URL))
    titles = [a.get_text() for a in page.select(".related .card__title a")]
    assert any("43,8\u00a0milliards" in t for t in titles)
    assert "Brouillon secret" not in titles


def test_draft_and_scheduled_figures_reach_no_public_surface(client, db):
    from datetime import timedelta

    from django.utils import timezone

    pair = make_pair()
    where = {"reporter": pair.first, "partner": pair.second}
    make_figure(value="11.1", stories=[make_article()], **where)
    make_figure(value="77.7", stories=[make_article(status=Status.DRAFT)], **where)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    make_figure(value="88.8", stories=[scheduled], **where)
    pages = [
        client.get(pair.get_absolute_url()),
        client.get(reverse("trade:index")),
        client.get(reverse("trade:download-csv")),
        client.get(reverse("trade:download-json")),
        client.get(reverse("trade:pair-download-csv", args=[pair.slug])),
        client.get(reverse("trade:pair-download-json", args=[pair.slug])),
    ]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert "77,7" not in body and "77.7" not in body
        assert "88,8" not in body and "88.8" not in body
    assert "11,1" in pages[0].content.decode()
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_pair_without_published_figures_is_left_out_of_index_and_sitemap(client, db):
    pair = make_pair()
    make_figure(
        reporter=pair.first,
        partner=pair.second,
        stories=[make_article(status=Status.DRAFT)],
    )
    assert pair.get_absolute_url() not in client.get("/chiffres/").content.decode()
    assert list(PairSitemap().items()) == []


def test_csv_parses_back_to_the_same_figures(client, trade_seeded):
    response = client.get(reverse("trade:pair-download-csv", args=["kazakhstan-chine"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    expected = {f.slug: f for f in Figure.objects.published()}
    # The computed rows follow the figures (tests/test_trade_downloads.py).
    records = [r for r in rows if r["kind"] == "record"]
    assert rows[: len(records)] == records
    assert {r["kind"] for r in rows[len(records) :]} == {"derived", "target"}
    assert {r["id"] for r in records} == set(expected)
    for row in records:
        figure = expected[row["id"]]
        assert Decimal(row["value"]) == figure.value
        assert row["period_start"] == figure.period_start.isoformat()
        assert row["period_end"] == figure.period_end.isoformat()
        assert (row["unit"], int(row["scale"])) == (figure.unit, figure.scale)
        assert (row["nature"], row["basis"]) == (figure.nature, figure.basis)
        assert row["source_url"] == (figure.source.url if figure.source else "")


def test_json_parses_back_to_the_same_figures(client, trade_seeded):
    response = client.get(reverse("trade:download-json"))
    data = json.loads(response.content)
    rows = {r["id"]: r for r in data["figures"]}
    published = list(Figure.objects.published())
    assert len(rows) == len(published)
    for figure in published:
        row = rows[figure.slug]
        assert Decimal(row["value"]) == figure.value
        assert row["value_text"] == figure.display()
        assert row["quote"] == figure.quote
    assert list(data["figures"][0]) == data["columns"]


def test_pair_page_carries_dataset_json_ld_pointing_to_downloads(client, trade_seeded):
    page = soup(client.get(PAIR_URL))
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "Dataset"
    urls = {d["contentUrl"] for d in data["distribution"]}
    assert urls == {
        "http://testserver/chiffres/kazakhstan-chine/donnees.csv",
        "http://testserver/chiffres/kazakhstan-chine/donnees.json",
    }
    for url in urls:
        assert client.get(url).status_code == 200


def test_unknown_pair_is_a_404(client, db):
    assert client.get("/chiffres/nulle-part/").status_code == 404
    assert client.get("/chiffres/nulle-part/donnees.csv").status_code == 404


def test_pair_page_query_count_does_not_grow_with_figures(
    client, db, django_assert_num_queries
):
    pair = make_pair()
    where = {"reporter": pair.first, "partner": pair.second}
    story = make_article()
    make_figure(year=2020, stories=[story], **where)
    with django_assert_num_queries(7):
        assert client.get(pair.get_absolute_url()).status_code == 200
    for year in range(2000, 2020):
        make_figure(year=year, stories=[make_article()], **where)
    with django_assert_num_queries(7):
        response = client.get(pair.get_absolute_url())
    assert len(soup(response).select(".figures-table tbody tr")) >= 21
    # Kept until the content changes: asked again, only the pair is read.
    with django_assert_num_queries(1):
        kept = client.get(pair.get_absolute_url())
    assert kept.content == response.content
    make_figure(year=1999, value="1.25", stories=[story], **where)
    tables = soup(client.get(pair.get_absolute_url())).select(".figures-table")
    assert "1,25" in " ".join(table.get_text() for table in tables)


def test_pair_figures_share_their_source_and_its_typeset_publisher(client, db):
    pair = make_pair()
    where = {"reporter": pair.first, "partner": pair.second}
    source = make_source(publisher="Bureau national : statistiques")
    for year in (2022, 2023, 2024):
        make_figure(year=year, source=source, stories=[make_article()], **where)
    figures = pair.published_figures()
    assert len({id(f.source) for f in figures}) == 1
    links = soup(client.get(pair.get_absolute_url())).select(
        ".figures-table .figure-meta a"
    )
    assert [a.get_text() for a in links] == ["Bureau national\u202f: statistiques"] * 3


def test_story_page_shows_its_key_figures(client, trade_seeded):
    page = soup(client.get(LEAD))
    box = page.select_one(".key-figures")
    text = box.get_text(" ")
    assert "43,8\u00a0milliards de dollars" in text and "2024" in text
    assert "+9,2\u202f%" in text
    assert "21,8\u00a0milliards de dollars" in text
    assert "premier semestre 2025" in text
    assert "non vérifié\u202f: aucune source" in text
    assert "douanes chinoises (GACS)" in text
    assert box.select_one(
        'a[href="https://qazinform.com/news/kazakhstan-xuar-trade-hit-record-22bln-in-2024-987982"]'
    )


def test_acknowledgement_note_is_shown_beside_the_figure(client, trade_seeded):
    from trade.models import Acknowledgement

    note = "Voir le calcul sur les chiffres des douanes chinoises."
    Acknowledgement.objects.filter(check_key="variation:kz-cn-2024-variation").update(
        note=note
    )
    for url in (LEAD, PAIR_URL):
        assert note in client.get(url).content.decode()


def test_story_page_query_count_does_not_grow_with_figures(
    client, db, django_assert_num_queries
):
    small, large = make_article(), make_article()
    make_figure(stories=[small])
    for _ in range(20):
        make_figure(stories=[large])
    keep_site_values(client)
    # 3 for a story without topics or briefs (the story, its topics, its
    # related stories), 2 for the box (figures, notes).
    with django_assert_num_queries(5):
        client.get(small.get_absolute_url())
    with django_assert_num_queries(5):
        response = client.get(large.get_absolute_url())
    assert len(soup(response).select(".key-figures__item")) == 20


@pytest.mark.parametrize(
    "name, args, path",
    [
        ("trade:index", [], "/chiffres/"),
        ("trade:pair", ["kazakhstan-chine"], "/chiffres/kazakhstan-chine/"),
        ("trade:download-csv", [], "/chiffres/donnees.csv"),
        ("trade:download-json", [], "/chiffres/donnees.json"),
        (
            "trade:pair-download-csv",
            ["kazakhstan-chine"],
            "/chiffres/kazakhstan-chine/donnees.csv",
        ),
        (
            "trade:pair-download-json",
            ["kazakhstan-chine"],
            "/chiffres/kazakhstan-chine/donnees.json",
        ),
    ],
)
def test_urls_round_trip(name, args, path):
    assert reverse(name, args=args) == path
    assert resolve(path).view_name == name


def test_sitemap_location_is_the_pair_url(trade_seeded):
    sitemap = PairSitemap()
    [pair] = sitemap.items()
    assert sitemap.location(pair) == pair.get_absolute_url() == PAIR_URL


def test_download_columns_are_stable(client, trade_seeded):
    header = client.get(reverse("trade:download-csv")).content.decode().splitlines()[0]
    assert header == (
        "id,indicator,indicator_name,reporter,partner,period_start,period_end,period,"
        "value,unit,scale,value_text,nature,basis,basis_label,story_words,quote,"
        "source_publisher,source_title,source_url,source_date,note,acknowledged_notes,"
        "quote_language,"
        # Added later, after the others: readers by position keep working.
        "kind,label,formula,formula_text,inputs,nature_label"
    )


def test_chart_description_says_which_value_the_line_draws(client, trade_seeded):
    page = soup(client.get(PAIR_URL))
    described = page.select_one("svg.chart__svg desc").get_text()
    assert "2023\u202f: 41,02 (autres sources\u202f: 41 et 41)" in described
    assert "2019\u202f: 14,5\u202f; 2021" in described


def test_pair_page_writes_dates_in_french_and_labels_its_tables(client, trade_seeded):
    page = soup(client.get(PAIR_URL))
    dates = {t["datetime"]: t.get_text() for t in page.select(".sources time")}
    assert dates["2024-04-01"] == "1er avril 2024"
    for table in page.select(".figures-table table"):
        assert page.find(id=table["aria-labelledby"]).name == "h2"


def test_key_figures_box_is_kept_until_the_content_changes(
    client, db, django_assert_num_queries
):
    story = make_article()
    figure = make_figure(stories=[story], value="43.8")
    assert "43,8" in client.get(story.get_absolute_url()).content.decode()
    # The story with its topics, its related stories and its box are kept.
    with django_assert_num_queries(0):
        client.get(story.get_absolute_url())
    figure.value = "48.7"
    figure.save()
    box = soup(client.get(story.get_absolute_url())).select_one(".key-figures")
    assert "48,7" in box.get_text() and "43,8" not in box.get_text()
    figure.stories.clear()
    assert not soup(client.get(story.get_absolute_url())).select_one(".key-figures")


def test_quotes_are_marked_in_the_language_of_their_source(client, trade_seeded):
    page = soup(client.get(PAIR_URL))
    quotes = {q.get_text(): q.get("lang") for q in page.select("q.figure-quote")}
    assert quotes["2023年,中哈双边贸易额达410.2亿美元,同比增长32.2%。"] == "zh"
    kazakh = [text for text, lang in quotes.items() if lang == "kk"]
    assert kazakh and "миллиард" in kazakh[0]
    assert {lang for lang in quotes.values()} == {"en", "it", "kk", "ru", "zh"}
    statement = page.select_one(".tracker__statement")
    assert statement["lang"] == "en" and "80 billion" in statement.get_text()
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("trade:download-csv")).content.decode())))
    by_quote = {row["quote"]: row["quote_language"] for row in rows}
    assert by_quote["2023年,中哈双边贸易额达410.2亿美元,同比增长32.2%。"] == "zh"
    assert all(row["quote_language"] == "" for row in rows if not row["quote"])
