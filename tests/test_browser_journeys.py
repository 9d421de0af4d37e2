"""A reader's and an editor's journeys in Chromium, at desktop and phone widths.

Screenshots of every step go to test-artifacts/."""
import csv
import io
from urllib.parse import urljoin

import feedparser
import pytest

from articles.models import Article, Status
from articles.services import EDITORS

from .factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(1280, id="bureau"), pytest.param(375, id="telephone")]
LEAD = "Le Kazakhstan et la Chine s’engagent à doubler leurs échanges commerciaux"


def tab_to(page, selector, limit=80):
    """Press Tab until ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def follow(link):
    """Click a link and wait for the page it leads to to load: a click waits
    only for the new page to start arriving, and what is measured or counted
    next must be that whole page, with its style sheet."""
    page = link.page
    target = urljoin(page.url, link.get_attribute("href"))
    link.click()
    page.wait_for_url(target)


# How far the page scrolls sideways, and the innermost elements whose box or
# content reaches past the window (content inside a scrolling box excepted).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => getComputedStyle(e).overflowX !== 'visible';
  const inScroller = e => {
    for (let box = e.parentElement; box !== document.body; box = box.parentElement)
      if (scrolls(box)) return true;
    return false;
  };
  const right = e => {
    const box = e.getBoundingClientRect();
    return scrolls(e) ? box.right : Math.max(box.right, box.left + e.scrollWidth);
  };
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => right(e) > width && !inScroller(e));
  return [
    document.documentElement.scrollWidth - width,
    wide.filter(e => !wide.some(other => other !== e && e.contains(other)))
      .slice(0, 10).map(e => `${e.localName}.${e.getAttribute('class') || ''}`),
  ];
}"""


def assert_fits(page):
    """Nothing wider than the window: no sideways scrolling on a phone."""
    overflow, wide = page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{page.url} is {overflow} px too wide: {wide}"


def test_a_page_wider_than_the_window_is_caught(browsing, live_server):
    page = browsing.open(375)
    page.goto("/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML("
        "'beforeend', '<pre class=\"trop-large\">' + '0'.repeat(80) + '</pre>')"
    )
    with pytest.raises(AssertionError, match=r"px too wide: \['pre.trop-large'\]"):
        assert_fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_journey(browsing, trade_seeded, width):
    page = browsing.open(width)

    page.goto("/")
    assert page.locator("h1, h2").filter(has_text=LEAD).first.is_visible()
    assert_fits(page)
    browsing.shoot(page, "1-accueil")

    follow(page.get_by_role("link", name=LEAD).first)
    assert LEAD in page.locator("h1").inner_text()
    assert page.locator(".key-figures, .story__body").first.is_visible()
    assert_fits(page)
    browsing.shoot(page, "2-article")

    follow(page.locator(".story__kicker a"))
    assert page.locator("h1").inner_text() == "Chine"
    browsing.shoot(page, "3-theme")

    # The filters, with the keyboard only: "Brève" in the type list, then
    # Enter in the search box submits the form.
    tab_to(page, "#id_kind")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_kind").input_value() == "brief"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/themes/chine/?*kind=brief*")
    kinds = page.locator(".results .badge").all_text_contents()
    assert kinds and set(kinds) == {"Brève"}
    assert LEAD not in page.locator(".results").inner_text()
    browsing.shoot(page, "4-filtre")

    listed = page.locator(".results .card__title").all_text_contents()
    feed_url = page.get_by_role("link", name="RSS", exact=True).get_attribute("href")
    feed = feedparser.parse(page.request.get(feed_url).text())
    assert feed.feed.title and not feed.bozo
    assert {title.strip() for title in listed} <= {entry.title for entry in feed.entries}

    nav = page.get_by_role("navigation", name="Thèmes")
    follow(nav.get_by_role("link", name="Chiffres"))
    follow(page.locator("main a[href^='/chiffres/kazakhstan-chine/']").first)
    assert page.locator("h1").inner_text().startswith("Commerce")
    assert page.locator("figure.chart svg[role=img] title").count()
    assert page.locator(".figures-table table").count()
    assert_fits(page)
    browsing.shoot(page, "5-chiffres")

    shown = {
        row.removeprefix("chiffre-")
        for row in page.locator("tr[id^=chiffre-]").evaluate_all(
            "rows => rows.map(row => row.id)"
        )
    }
    computed = set(
        page.locator("data[data-id]").evaluate_all(
            "values => values.map(value => value.dataset.id)"
        )
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert download.value.suggested_filename.endswith(".csv")
    text = download.value.path().read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert shown and {r["id"] for r in rows if r["kind"] == "record"} == shown
    # Then the changes and the tracker the page computes, with their formulas.
    assert computed and {r["id"] for r in rows if r["kind"] != "record"} == computed

    assert not browsing.problems


@pytest.mark.parametrize("width", WIDTHS)
def test_editor_journey(browsing, trade_seeded, settings, width):
    settings.AXES_ENABLED = True
    editor = make_user(EDITORS)
    title = f"Les échanges sino-kazakhs vus du quai de Khorgos ({width})"
    page = browsing.open(width)

    page.goto("/admin/")
    page.get_by_label("Nom d’utilisateur").fill(editor.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.goto("/admin/articles/article/add/")
    browsing.shoot(page, "1-nouvel-article")

    page.locator("#id_title").fill(title)
    page.locator("#id_title").press("End")  # the slug follows on key presses
    assert page.locator("#id_slug").input_value().startswith("les-echanges-sino")
    page.locator("#id_standfirst").fill("Au poste-frontière, les conteneurs passent.")
    page.locator("#id_body").fill(
        "Les douanes chinoises comptaient [[chiffre:cn-kz-2016]] en 2016."
    )
    page.get_by_role("button", name="Ajouter : Chiffre cité").click()
    page.locator(".dynamic-Figure_stories .select2-selection").first.click()
    page.locator(".select2-dropdown .select2-search__field").fill("cn-kz-2016")
    page.locator(".select2-results__option", has_text="cn-kz-2016").first.click()
    browsing.shoot(page, "2-brouillon-rempli")
    page.locator("input[name=_continue]").click()
    page.wait_for_url("**/change/")
    assert page.locator(".messagelist").inner_text() == (
        f"L’article « {title} » est enregistré."
    )
    story = Article.objects.get(title=title)
    assert story.status == Status.DRAFT
    assert list(story.figures.values_list("slug", flat=True)) == ["cn-kz-2016"]

    with page.context.expect_page() as opened:
        page.locator(".field-preview_links a", has_text="Prévisualiser").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == title
    assert "13,1\u00a0milliards de dollars" in preview.locator(".story__body").inner_text()
    assert preview.locator(".preview-banner").is_visible()
    browsing.shoot(preview, "3-previsualisation")
    preview.close()

    page.goto("/admin/articles/article/")
    page.locator("tr", has_text=title).locator("input.action-select").check()
    page.locator("select[name=action]").select_option("publish")
    page.locator("button[name=index]").click()
    assert "1 article publié" in page.locator(".messagelist").inner_text()
    browsing.shoot(page, "4-publie")

    page.goto("/")
    assert page.get_by_role("link", name=title).first.is_visible()
    browsing.shoot(page, "5-accueil")
    feed = feedparser.parse(page.request.get("/flux/rss/").text())
    assert title in [entry.title for entry in feed.entries]

    assert not browsing.problems
