"""The newsroom home and the story list in Chromium, at desktop and phone
widths: the lists per role, one click from a line to the story's form, the
story list as cards on a phone, nothing wider than the window, and no axe
violation on the home. Screenshots go to test-artifacts/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Status
from articles.services import EDITORS, WRITERS

from .factories import make_article, make_figure, make_user
from .test_browser_accessibility import UNDER_CSP, axe_page, violations
from .test_browser_journeys import assert_fits, follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(1280, id="bureau"), pytest.param(390, id="telephone")]
IN_REVIEW = "Le port de Khorgos, vu du quai"


@pytest.fixture
def newsroom():
    writer = make_user(WRITERS, first_name="Rita", last_name="Martin")
    other = make_user(WRITERS)
    editor = make_user(EDITORS, first_name="Claire", last_name="Dubois")
    now = timezone.now()
    make_article(
        title="Brouillon de Claire", status=Status.DRAFT, published_at=None,
        created_by=editor,
    )
    make_article(
        title="Brouillon de Rita", status=Status.DRAFT, published_at=None,
        created_by=writer,
    )
    make_article(
        title=IN_REVIEW, status=Status.REVIEW, published_at=None, created_by=writer
    )
    make_article(
        title="Une relecture d’un autre", status=Status.REVIEW, published_at=None,
        created_by=other,
    )
    make_article(title="Paraîtra demain", published_at=now + timedelta(days=1))
    make_article(title="Paru ce matin", published_at=now - timedelta(hours=2))
    make_figure(source=None)
    return writer, editor


def log_in(page, user):
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/")


def box(page, heading):
    """The home's box under this heading (its text, whatever the case CSS gives)."""
    return page.locator("section.desk__list").filter(
        has=page.locator("h2", has_text=heading)
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_editor_desk_lists_and_one_click_to_a_story(browsing, newsroom, width):
    _, editor = newsroom
    page = axe_page(browsing, width)
    log_in(page, editor)

    headings = page.locator("section.desk__list h2").all_text_contents()
    assert headings == [
        "Mes brouillons",
        "À relire (2)",
        "Programmés",
        "En ligne depuis 24 h",
        "Chiffres à vérifier (1)",
    ]
    review = box(page, "À relire")
    assert review.locator("li > a").all_text_contents() == [
        "Une relecture d’un autre",
        IN_REVIEW,
    ]
    assert box(page, "Mes brouillons").locator("li > a").all_text_contents() == [
        "Brouillon de Claire"
    ]
    assert "pour le " in box(page, "Programmés").locator(".desk__meta").inner_text()
    # Side by side on a desktop, one below the other on a phone.
    first, second = (
        page.locator("section.desk__list").nth(i).bounding_box() for i in (0, 1)
    )
    if width == 1280:
        assert first["y"] == second["y"] and first["x"] < second["x"]
    else:
        assert second["y"] >= first["y"] + first["height"]
    assert not page.locator("details.desk__apps table").first.is_visible()
    assert_fits(page)
    assert violations(page, **UNDER_CSP) == []
    browsing.shoot(page, "1-accueil")

    follow(review.get_by_role("link", name=IN_REVIEW))
    assert page.url.endswith("/change/")
    assert IN_REVIEW in page.locator("h1").inner_text()
    browsing.shoot(page, "2-article")
    assert not browsing.problems


@pytest.mark.parametrize("width", WIDTHS)
def test_writer_desk_shows_own_work(browsing, newsroom, width):
    writer, _ = newsroom
    page = axe_page(browsing, width)
    log_in(page, writer)
    assert box(page, "Mes brouillons").locator("li > a").all_text_contents() == [
        "Brouillon de Rita"
    ]
    assert box(page, "À relire").locator("li > a").all_text_contents() == [IN_REVIEW]
    assert page.locator("section.desk__figures").count() == 0
    assert_fits(page)
    assert violations(page, **UNDER_CSP) == []
    browsing.shoot(page, "accueil")
    assert not browsing.problems


# How a row shows: its display, its table head's, and the classes of the cells
# shown.
ROW = """row => ({
  row: getComputedStyle(row).display,
  head: getComputedStyle(row.closest('table').tHead).display,
  cells: [...row.cells].filter(c => getComputedStyle(c).display !== 'none')
    .flatMap(c => [...c.classList]),
})"""


@pytest.mark.parametrize("width", WIDTHS)
def test_story_list_shows_state_author_and_time(browsing, newsroom, width):
    _, editor = newsroom
    page = browsing.open(width)
    log_in(page, editor)
    page.goto("/admin/articles/article/")
    # The last change first: the story made last.
    rows = page.locator("#result_list tbody tr")
    assert rows.first.locator("th.field-title").inner_text() == "Paru ce matin"
    browsing.shoot(page, "liste")
    shown = rows.first.evaluate(ROW)
    for column in ["field-state", "field-created_by", "field-last_change"]:
        assert column in shown["cells"]
        cell = rows.first.locator(f"td.{column}")
        assert cell.is_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    if width == 390:
        assert shown["row"] == "grid" and shown["head"] == "none"
        card = rows.first.bounding_box()
        assert card["width"] <= 390
    else:
        assert shown["row"] == "table-row"
        # Every column in sight, without scrolling the table sideways.
        results = page.locator("#changelist .results")
        widths = results.evaluate("box => [box.scrollWidth, box.clientWidth]")
        assert widths[0] <= widths[1]
    assert_fits(page)
    assert not browsing.problems
