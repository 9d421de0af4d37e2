"""axe-core (bundled by axe-playwright-python, injected from disk) and the
keyboard, in Chromium: every public page type at phone and desktop widths and
in dark mode, and the admin's add-story page."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Topic
from articles.services import EDITORS
from articles.views import ArticleListView

from .factories import make_brief, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
WIDTHS = [pytest.param(375, id="telephone"), pytest.param(1280, id="bureau")]


def axe_page(browsing, width=1280, **options):
    """A page axe can run on, as a browser extension would: past the site's
    Content-Security-Policy, which rightly refuses the script axe injects and
    the inline styles its checks add."""
    return browsing.open(width, bypass_csp=True, **options)


# Where the site's Content-Security-Policy applies: axe must not preload the
# style sheets, which it does by adding inline styles that the policy refuses.
UNDER_CSP = {"preload": False}


def violations(page, impacts=None, **options):
    """axe's violations on the page, of any impact unless ``impacts`` says."""
    options = {"resultTypes": ["violations"], **options}
    results = Axe().run(page, options=options)
    return [
        f"{page.url} {page.viewport_size['width']} px {violation['id']} "
        f"({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if impacts is None or violation["impact"] in impacts
    ]


@pytest.fixture
def every_page_type(page_types):
    """Each public page type, with the pages only a longer archive has: a
    listing's and a topic's later pages, narrowed listings, refused filters."""
    chine = Topic.objects.get(slug="chine")
    for _ in range(ArticleListView.paginate_by):
        make_brief(topics=[chine])
    return {
        **page_types,
        "liste-page-2": "/articles/?page=2",
        "liste-filtree": "/articles/?kind=article&topic=chine&country=kazakhstan",
        "filtres-refuses": "/articles/?after=pas-une-date",
        "theme-page-2": "/themes/chine/?page=2",
    }


def test_axe_sees_a_blocking_violation(browsing, live_server):
    page = axe_page(browsing)
    page.goto("/")
    page.evaluate("document.documentElement.removeAttribute('lang')")
    assert any("html-has-lang" in line for line in violations(page, BLOCKING))


def test_axe_sees_a_moderate_violation(browsing, live_server):
    """Two navigation landmarks of the same name: ``landmark-unique``."""
    page = axe_page(browsing)
    page.goto("/")
    page.evaluate(
        "document.querySelector('footer').append("
        "document.querySelector('nav[aria-label]').cloneNode(true))"
    )
    assert any("landmark-unique (moderate)" in line for line in violations(page))


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_have_no_violation(browsing, every_page_type, width):
    """No axe violation of any impact, on a phone and on a desktop screen."""
    page = axe_page(browsing, width)
    found = []
    for name, url in every_page_type.items():
        response = page.goto(url)
        assert response.status == (404 if name == "introuvable" else 200), url
        assert page.locator("html").get_attribute("lang") == "fr"
        if name.endswith("page-2"):
            assert page.get_by_role("navigation", name="Pages").is_visible()
        if name == "filtres-refuses":
            assert page.get_by_role("alert").first.is_visible()
        found += violations(page)
    assert found == []
    assert not browsing.problems


def test_dark_mode_keeps_its_contrast(browsing, every_page_type):
    """The dark palette changes only colours: axe's contrast rule on it, which
    runs under the site's Content-Security-Policy, as readers get the pages."""
    page = browsing.open(color_scheme="dark")
    found = []
    for url in every_page_type.values():
        page.goto(url)
        found += violations(page, runOnly=["color-contrast"], **UNDER_CSP)
    assert found == []
    assert not browsing.problems


def test_admin_add_story_page_has_no_serious_violation(browsing, trade_seeded):
    editor = make_user(EDITORS)
    page = browsing.open()
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(editor.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/articles/article/add/")
    assert violations(page, BLOCKING, **UNDER_CSP) == []
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
    assert "13,1\u00a0milliards de dollars" in table.inner_text()
