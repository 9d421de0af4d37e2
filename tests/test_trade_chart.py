"""The pair page's chart: its series, the computed path to a target, its
French typography, and its layout on a phone."""
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_article, make_figure, make_pair
from trade.models import Target

pytestmark = pytest.mark.django_db

PAIR_URL = "/chiffres/kazakhstan-chine/"
SVG = "{http://www.w3.org/2000/svg}"
NNBSP, NBSP = "\u202f", "\u00a0"


def chart_svgs(client, url=PAIR_URL):
    """Each chart's SVG, parsed as XML (as an SVG file would be)."""
    html = client.get(url).content.decode()
    return [
        ET.fromstring(match)
        for match in re.findall(r'<svg class="chart__svg".*?</svg>', html, re.S)
    ]


def text(element):
    return "".join(element.itertext())


def axes(svg):
    """{year: x} and a function giving the y of a value, read off the ticks."""
    grid = svg.find(f"{SVG}g[@class='chart__grid']")
    years, levels = {}, {}
    for label in grid.iter(f"{SVG}text"):
        if label.get("text-anchor") == "middle":
            years[int(label.text)] = float(label.get("x"))
        elif label.get("text-anchor") == "end":
            levels[float(label.text.replace(",", "."))] = float(label.get("y"))
    low, high = min(levels), max(levels)

    def y(value):
        share = (value - low) / (high - low)
        return levels[low] + share * (levels[high] - levels[low])

    return years, y


def points(polyline):
    return [tuple(map(float, p.split(","))) for p in polyline.get("points").split()]


def trade_chart(client):
    svg = chart_svgs(client)[0]
    assert text(svg.find(f"{SVG}title")).startswith("Échanges bilatéraux")
    return svg


def test_chart_draws_the_path_from_the_start_to_the_target(client, trade_seeded):
    svg = trade_chart(client)
    years, y = axes(svg)
    # The axes reach the target: its year and its amount.
    assert max(years) == 2030 and min(years) == 2016
    path = svg.find(f"{SVG}g[@class='chart__path']/{SVG}polyline")
    line = points(path)
    assert [x for x, _ in line] == [years[year] for year in range(2024, 2031)]
    # Rising from 43,82 in 2024 to 80 in 2030 (y grows downwards).
    ys = [y_ for _, y_ in line]
    assert ys == sorted(ys, reverse=True) and len(set(ys)) == len(ys)
    assert ys[0] == pytest.approx(y(43.82), abs=0.2)
    assert ys[-1] == pytest.approx(y(80), abs=0.2)
    assert ys[1] == pytest.approx(y(48.4442), abs=0.2)  # the path's 2025 level
    start, target = svg.findall(f"{SVG}g[@class='chart__marks']/{SVG}circle")
    assert (float(start.get("cx")), float(start.get("cy"))) == line[0]
    assert (float(target.get("cx")), float(target.get("cy"))) == line[-1]
    assert text(start.find(f"{SVG}title")) == (
        f"Départ du chemin calculé, 2024{NNBSP}: 43,82{NBSP}milliards de dollars, "
        "douanes chinoises (GACS)"
    )
    assert text(target.find(f"{SVG}title")) == (
        f"Objectif 2030{NNBSP}: 80{NBSP}milliards de dollars"
    )
    labels = [
        text(t) for t in svg.iter(f"{SVG}text") if t.get("class") == "chart__label"
    ]
    assert labels == [
        f"départ 2024{NNBSP}: 43,82",
        f"objectif 2030{NNBSP}: 80{NBSP}milliards",
    ]


def test_chart_reads_the_latest_year_against_the_path(client, trade_seeded):
    svg = trade_chart(client)
    titles = [text(t) for t in svg.iter(f"{SVG}title")]
    # The series reaches 2025, and its point says the path's level there.
    assert (
        f"2025{NNBSP}: 48,7{NBSP}milliards de dollars, douanes chinoises (GACS)"
        f"{NNBSP}; chemin calculé{NNBSP}: 48,4"
    ) in titles
    steps = [
        text(c.find(f"{SVG}title"))
        for c in svg.iter(f"{SVG}circle")
        if c.get("class") == "chart__step"
    ]
    assert [s[:4] for s in steps] == ["2025", "2026", "2027", "2028", "2029"]
    assert steps[0] == (
        f"2025{NNBSP}: 48,4{NBSP}milliards de dollars sur le chemin calculé "
        f"(+10,6{NNBSP}% par an){NNBSP}; chiffre publié{NNBSP}: "
        f"48,7{NBSP}milliards de dollars"
    )


def test_chart_description_states_the_path_its_values_and_the_target(
    client, trade_seeded
):
    desc = text(trade_chart(client).find(f"{SVG}desc"))
    assert (
        f"Chemin calculé vers l’objectif 2030{NNBSP}: +10,6{NNBSP}% par an depuis "
        f"2024 — 2024{NNBSP}: 43,82{NNBSP}; 2025{NNBSP}: 48,4{NNBSP}; "
        f"2026{NNBSP}: 53,6{NNBSP}; 2027{NNBSP}: 59,2{NNBSP}; 2028{NNBSP}: 65,5"
        f"{NNBSP}; 2029{NNBSP}: 72,4{NNBSP}; 2030{NNBSP}: 80."
    ) in desc
    assert f"Objectif 2030{NNBSP}: 80{NBSP}milliards de dollars." in desc
    assert (
        f"En 2025, douanes chinoises (GACS){NNBSP}: 48,7, au-dessus du chemin (48,4)."
    ) in desc
    # Every series is still stated, the path after them.
    assert desc.index("Douanes chinoises (GACS)") < desc.index("Statistiques kazakhes")
    assert desc.index("Statistiques kazakhes") < desc.index("Chemin calculé")


def test_chart_legend_names_the_computed_path(client, trade_seeded):
    page = BeautifulSoup(client.get(PAIR_URL).content.decode(), "html.parser")
    legend = page.select_one("figure.chart .chart__legend")
    path = legend.select_one("li.chart__path")
    assert path.get_text(" ", strip=True) == (
        f"Chemin calculé{NNBSP}: +10,6{NNBSP}% par an, de 2024 (43,82) à "
        "l’objectif 2030 (80)"
    )
    # The path's sample is a line of its own class, drawn dashed by the
    # stylesheet (the browser test reads the computed dash).
    assert path.select_one("svg line") and path.select_one("svg circle.chart__mark")


def test_chart_shows_fewer_years_on_a_phone_but_always_the_target_year(
    client, trade_seeded
):
    svg = trade_chart(client)
    ticks = [
        t
        for t in svg.find(f"{SVG}g[@class='chart__grid']").iter(f"{SVG}text")
        if t.get("text-anchor") == "middle"
    ]
    kept = [int(t.text) for t in ticks if t.get("class") != "chart__tick--minor"]
    assert kept == [2016, 2018, 2020, 2022, 2024, 2026, 2028, 2030]


def test_pair_without_target_draws_no_path(client, trade_seeded):
    Target.objects.all().delete()
    svg = trade_chart(client)
    assert svg.find(f"{SVG}g[@class='chart__path']") is None
    assert svg.find(f"{SVG}g[@class='chart__marks']") is None
    assert "Chemin" not in text(svg.find(f"{SVG}desc"))
    years, _ = axes(svg)
    assert max(years) == 2025  # the axis ends with the data


def test_chart_needs_two_years_and_a_new_pair_gets_no_path(client, db):
    story = make_article()
    pair = make_pair()
    common = {"reporter": pair.first, "partner": pair.second, "stories": [story]}
    first = make_figure(year=2023, value="10", **common)
    url = pair.get_absolute_url()
    assert chart_svgs(client, url) == []  # one year: the table says it all
    make_figure(year=2024, value="12.5", indicator=first.indicator, **common)
    (svg,) = chart_svgs(client, url)
    assert svg.find(f"{SVG}g[@class='chart__path']") is None
    assert text(svg.find(f"{SVG}title")).endswith(", 2023–2024")


def test_chart_text_follows_french_typography(client, trade_seeded):
    page = BeautifulSoup(client.get(PAIR_URL).content.decode(), "html.parser")
    for chart in page.select("figure.chart"):
        words = chart.get_text("\n")
        # A narrow no-break space before « : ; ! ? % », never a plain one or none.
        assert not re.search(r"[^\S\u202f][:;!?%]|\w[:;!?%]", words)
        # A number never breaks from its unit.
        assert not re.search(r"\d (milliard|million|kilomètre|dollar)", words)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 320, 1280])
def test_chart_stays_readable_on_a_phone(browsing, page_types, width):
    page = browsing.open(width)
    page.goto(page_types["paire"])
    chart = page.locator("figure.chart svg.chart__svg").first
    chart.scroll_into_view_if_needed()
    # Text is sized in drawing units: on screen it is that size times the
    # drawing's scale.
    labels = chart.evaluate(
        """svg => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return [...svg.querySelectorAll('text')]
            .filter(t => getComputedStyle(t).display !== 'none')
            .map(t => {
              const box = t.getBoundingClientRect();
              return {text: t.textContent,
                      size: parseFloat(getComputedStyle(t).fontSize) * scale,
                      box: [box.left, box.top, box.right, box.bottom]};
            });
        }"""
    )
    assert {"2024", "2030", f"objectif 2030{NNBSP}: 80{NBSP}milliards"} <= {
        label["text"] for label in labels
    }
    svg_box = chart.evaluate(
        "svg => { const b = svg.getBoundingClientRect();"
        " return [b.left, b.top, b.right, b.bottom]; }"
    )
    for label in labels:
        assert label["size"] >= 11, label
        left, top, right, bottom = label["box"]
        assert left >= svg_box[0] - 0.5 and right <= svg_box[2] + 0.5, label
        assert top >= svg_box[1] - 0.5 and bottom <= svg_box[3] + 0.5, label
    for index, one in enumerate(labels):
        for other in labels[index + 1 :]:
            a, b = one["box"], other["box"]
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (one, other)
    # The path is dashed, the measured series is not; in the legend the
    # path's dash differs from every series' line: told apart in grey.
    dashes = chart.evaluate(
        """svg => [
          getComputedStyle(svg.querySelector('.chart__path polyline')).strokeDasharray,
          getComputedStyle(svg.querySelector('.serie-a polyline')).strokeDasharray]"""
    )
    assert dashes[0] != "none" and dashes[1] == "none"
    legend = page.locator("figure.chart .chart__legend").first.evaluate(
        """ul => [...ul.querySelectorAll('li')].map(li => [li.className,
          getComputedStyle(li.querySelector('line')).strokeDasharray])"""
    )
    path_dash = dict(legend).pop("chart__path")
    assert path_dash != "none"
    assert path_dash not in [dash for name, dash in legend if name != "chart__path"]
    assert not browsing.problems
