"""axe-core (bundled by axe-playwright-python, injected from disk) and the
keyboard, in Chromium: every public page type in light and dark mode, and the
admin's add-story page."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.services import EDITORS

from .factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def blocking_violations(page, **options):
    # No preload: axe would fetch the style sheets by adding inline styles,
    # which the site's CSP rightly blocks (and the test would report).
    options = {"resultTypes": ["violations"], "preload": False, **options}
    results = Axe().run(page, options=options)
    return [
        f"{page.url} {violation['id']} ({violation['impact']}): "
        f"{[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


def test_axe_sees_a_blocking_violation(browsing, live_server):
    page = browsing.open()
    page.goto("/")
    page.evaluate("document.documentElement.removeAttribute('lang')")
    assert any("html-has-lang" in line for line in blocking_violations(page))


def test_public_pages_have_no_serious_violation(browsing, page_types):
    page = browsing.open()
    found = []
    for url in page_types.values():
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "fr"
        found += blocking_violations(page)
    assert found == []
    assert not browsing.problems


def test_dark_mode_keeps_its_contrast(browsing, page_types):
    """The dark palette changes only colours: axe's contrast rule on it."""
    page = browsing.open(color_scheme="dark")
    found = []
    for url in page_types.values():
        page.goto(url)
        found += blocking_violations(page, runOnly=["color-contrast"])
    assert found == []


def test_admin_add_story_page_has_no_serious_violation(browsing, trade_seeded):
    editor = make_user(EDITORS)
    page = browsing.open()
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(editor.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/articles/article/add/")
    assert blocking_violations(page) == []
    assert not browsing.problems


def test_skip_link_comes_first_and_leads_to_the_content(browsing, page_types):
    page = browsing.open(375)
    page.goto(page_types["article"])
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Aller au contenu"
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 0  # on screen once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    # The next Tab goes on from the content, past the masthead and menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_focus_is_visible(browsing, page_types):
    page = browsing.open()
    for target in ["main a", "#recherche-site", "#id_kind", "main button"]:
        page.goto(page_types["theme"])
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("t => document.activeElement.matches(t)", target):
                break
        else:
            raise AssertionError(f"{target} is never reached with Tab")
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
        )
        assert outline[0] != "none" and outline[1] >= 2, target


def test_chart_has_a_text_alternative_and_its_table(browsing, page_types):
    page = browsing.open()
    page.goto(page_types["paire"])
    chart = page.locator("figure.chart svg[role=img]").first
    name = chart.evaluate(
        "svg => svg.getAttribute('aria-labelledby').split(' ')"
        ".map(id => document.getElementById(id).textContent.trim())"
    )
    assert all(name) and len(" ".join(name)) > 40
    assert page.get_by_role("img", name=name[0]).count() >= 1
    table = page.get_by_role("table").first
    assert table.is_visible()
    assert "13,1 milliards de dollars" in table.inner_text()
