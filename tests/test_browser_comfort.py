"""Reader comfort in Chromium: dark mode, print, no layout shift, no script
needed, nothing from other sites, and the story page's weight."""
import gzip

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Story page HTML + CSS + JS, each compressed as the server would send it.
STORY_PAGE_BUDGET = 60_000

LUMINANCE = """selector => {
  const [r, g, b] = getComputedStyle(document.querySelector(selector))
    [selector === 'body' ? 'backgroundColor' : 'color']
    .match(/\\d+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colours_follow_the_readers_system(browsing, page_types, scheme):
    page = browsing.open(color_scheme=scheme)
    page.goto(page_types["article"])
    paper = page.evaluate(LUMINANCE, "body")
    ink = page.evaluate(LUMINANCE, ".story__title")
    assert (paper > 0.8 and ink < 0.2) if scheme == "light" else (paper < 0.2 and ink > 0.8)


def test_print_keeps_the_story_on_white_paper(browsing, page_types):
    page = browsing.open(color_scheme="dark")
    page.goto(page_types["article"])
    page.emulate_media(media="print")
    for hidden in [".topnav", ".topnav__search", ".site-footer", ".skip-link"]:
        assert page.locator(hidden).evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator(".story__body").is_visible()
    assert page.evaluate(LUMINANCE, "body") == pytest.approx(1)
    assert page.evaluate(LUMINANCE, ".story__title") == pytest.approx(0)
    assert not browsing.problems


def layout_shift(page):
    """The page's cumulative layout shift so far, as Chromium measures it."""
    return page.evaluate(
        """() => new Promise(resolve => {
          let total = 0;
          new PerformanceObserver(list => {
            for (const entry of list.getEntries())
              if (!entry.hadRecentInput) total += entry.value;
          }).observe({type: 'layout-shift', buffered: true});
          requestAnimationFrame(() => setTimeout(() => resolve(total), 50));
        })"""
    )


def test_layout_shift_is_measured(browsing, page_types):
    page = browsing.open()
    page.goto(page_types["article"])
    page.evaluate(
        "() => new Promise(resolve => requestAnimationFrame(() => {"
        " const block = document.createElement('div');"
        " block.textContent = 'Bandeau tardif';"
        " document.querySelector('main').prepend(block);"
        " resolve(); }))"
    )
    assert layout_shift(page) > 0


@pytest.mark.parametrize("width", [1280, 375, 320])
def test_pages_do_not_shift_as_they_load(browsing, page_types, width):
    page = browsing.open(width)
    for name in ["accueil", "article", "theme", "paire"]:
        page.goto(page_types[name])
        assert layout_shift(page) == 0, name
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), f"{name} scrolls sideways at {width} px"
        assert page.locator("img:not([width][height])").count() == 0
    assert not browsing.problems


def test_reading_needs_no_javascript(browsing, page_types):
    page = browsing.open(375, java_script_enabled=False)
    for url in page_types.values():
        page.goto(url)
        assert page.locator("script:not([type='application/ld+json'])").count() == 0
    page.goto(page_types["theme"])
    page.locator("#id_kind").select_option("brief")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**kind=brief*")
    assert set(page.locator(".results .badge").all_text_contents()) == {"Brève"}
    page.goto(page_types["paire"])
    assert page.locator("figure.chart svg[role=img]").first.is_visible()
    assert page.locator(".figures-table tbody tr").count() > 10
    browsing.shoot(page, "chiffres-sans-javascript")
    assert not browsing.problems


def test_story_page_weight_is_within_budget(browsing, page_types):
    page = browsing.open()
    loaded = []
    page.on(
        "response",
        lambda response: response.request.resource_type
        in {"document", "stylesheet", "script"}
        and loaded.append(response),
    )
    page.goto(page_types["article"])
    page.wait_for_load_state("load")
    kinds = {response.request.resource_type for response in loaded}
    assert {"document", "stylesheet"} <= kinds
    weight = sum(len(gzip.compress(response.body())) for response in loaded)
    assert weight < STORY_PAGE_BUDGET
    assert not browsing.problems  # nothing asked of another site either
