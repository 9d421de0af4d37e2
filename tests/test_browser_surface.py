"""The story form's writing surface in Chromium, at 1280 and 390 px: wide
title, a body that grows, its preview beside it or below, counts that
follow the typing, the Markdown toolbar, the sharing card, the phone's save
bar, and no axe violation."""

import pytest

from articles.models import Status
from articles.services import EDITORS

from .factories import make_article, make_user
from .test_browser_accessibility import UNDER_CSP, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "Le port de Khorgos a ouvert un troisième quai.\n\n" * 12


def open_story(browsing, width, story=None, **options):
    """The story's form (a new one without ``story``), an editor logged in."""
    editor = make_user(EDITORS)
    page = browsing.open(width, **options)
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(editor.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/")
    admin = "/admin/articles/article/"
    page.goto(f"{admin}{story.pk}/change/" if story else f"{admin}add/")
    return page


def box(page, selector):
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not shown"
    return found


def test_wide_screen_puts_the_preview_beside_a_growing_body(browsing, live_server):
    story = make_article(body=BODY, status=Status.DRAFT)
    page = open_story(browsing, 1280, story)
    form = box(page, "#article_form")
    assert box(page, "#id_title")["width"] >= 0.8 * form["width"]
    assert box(page, "#id_standfirst")["width"] >= 0.8 * form["width"]
    body, preview = box(page, "#id_body"), box(page, ".surface-frame")
    assert preview["x"] >= body["x"] + body["width"]  # beside, to the right
    assert abs(preview["y"] - body["y"]) < 80  # level with it
    # The body shows all its twelve paragraphs, with no scroll bar of its own.
    sizes = page.locator("#id_body").evaluate("e => [e.scrollHeight, e.clientHeight]")
    assert sizes[0] <= sizes[1] + 2, sizes
    before = body["height"]
    page.locator("#id_body").press("End")
    page.keyboard.press("Control+End")
    page.keyboard.type("\nUne ligne.\n\nUne autre ligne.\n\nEncore une.\n")
    assert box(page, "#id_body")["height"] > before + 40
    browsing.shoot(page, "bureau")
    assert not browsing.problems


def test_preview_is_the_site_story_page_following_the_typing(browsing, live_server):
    story = make_article(
        title="Le port ouvre", body="Du **blé** <script>alert(1)</script>"
    )
    page = open_story(browsing, 1280, story)
    frame = page.frame_locator(
        "iframe[title='Aperçu de l’article dans la mise en page du site']"
    )
    body = frame.locator("article.story .story__body.prose")
    assert body.locator("strong").inner_text() == "blé"
    assert body.locator("script").count() == 0  # sanitised, as on the site
    assert frame.locator("h1.story__title").inner_text() == "Le port ouvre"
    # The site's style sheet, not the admin's.
    sheets = frame.locator("link[rel=stylesheet]").evaluate_all(
        "links => links.map(link => link.href)"
    )
    assert [s.rsplit("/", 1)[-1] for s in sheets] == ["gazette.css"]
    font = body.evaluate("e => getComputedStyle(e).fontFamily")
    assert "Palatino" in font
    page.locator("#id_title").fill("Le port ferme")
    assert frame.locator("h1.story__title").inner_text() == "Le port ferme"
    page.locator("#id_standfirst").fill("Un chapô tout neuf.")
    assert frame.locator(".story__standfirst").inner_text() == "Un chapô tout neuf."
    page.locator("#id_body").fill("## Le quai\n\nTrois grues.")
    body.locator("h2").wait_for()
    assert body.inner_text().startswith("Le quai")
    assert not browsing.problems


def test_counts_and_address_follow_the_typing(browsing, live_server):
    page = open_story(browsing, 1280)
    counter = page.locator(".surface-count[data-count-for=id_title]")
    assert counter.inner_text().startswith("0 caractère")
    title = "Le port de Khorgos ouvre"
    page.locator("#id_title").press_sequentially(title)
    assert counter.inner_text().strip() == f"{len(title)} caractères"
    # Django fills the slug from the title; the address follows.
    address = page.locator(".surface-address__url")
    page.wait_for_function(
        "() => document.querySelector('.surface-address__url')"
        ".textContent.endsWith('/articles/le-port-de-khorgos-ouvre/')"
    )
    assert address.inner_text().startswith(live_server.url)
    page.locator("#id_slug").fill("khorgos")
    assert address.inner_text() == f"{live_server.url}/articles/khorgos/"
    # Past what search results show, the hint says so.
    hint = counter.locator(".surface-count__hint")
    assert hint.inner_text() == ""
    page.locator("#id_title").fill("Un titre bien trop long " * 4)
    assert counter.inner_text().startswith("96 caractères")
    assert "les moteurs de recherche et les réseaux sociaux" in hint.inner_text()
    # Words and reading time, once the preview has the typed text.
    stats = page.locator(".surface-stats")
    assert stats.inner_text() == "0 mot"
    page.locator("#id_body").fill(("Un deux trois quatre cinq. " * 60).strip())
    page.wait_for_function(
        "() => document.querySelector('.surface-stats').textContent"
        " === '300 mots · 2 min de lecture'"
    )
    assert not browsing.problems


def test_share_card_follows_title_standfirst_and_slug(browsing, live_server):
    page = open_story(browsing, 1280)
    card = page.locator(".surface-card")
    page.locator("#id_title").fill("Le port ouvre")
    page.locator("#id_title").press("End")  # the slug follows on key presses
    assert card.locator(".surface-card__title").inner_text() == "Le port ouvre"
    # Without a standfirst, the title describes the story, as the tags do.
    assert card.locator(".surface-card__description").inner_text() == "Le port ouvre"
    standfirst = " ".join(f"mot{n}" for n in range(50))
    page.locator("#id_standfirst").fill(standfirst)
    shown = card.locator(".surface-card__description").inner_text()
    assert shown == " ".join(f"mot{n}" for n in range(40)) + "…"
    address = card.locator(".surface-card__address").inner_text()
    assert address == f"{live_server.url}/articles/le-port-ouvre/"
    assert card.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert not browsing.problems


def test_toolbar_writes_markdown_with_mouse_and_keyboard(browsing, live_server):
    page = open_story(browsing, 1280)
    body = page.locator("#id_body")
    toolbar = page.get_by_role("toolbar", name="Mise en forme du texte")
    toolbar.get_by_role("button", name="Intertitre").click()
    # The placeholder is selected: typing replaces it.
    page.keyboard.type("Le quai")
    assert body.input_value() == "## Le quai"
    page.keyboard.type("\n\nVoir le port")
    page.keyboard.press("Shift+Home")
    toolbar.get_by_role("button", name="Lien").click()
    page.keyboard.type("https://exemple.fr")
    assert body.input_value().endswith("[Voir le port](https://exemple.fr)")
    # From the body, one Tab backwards reaches the toolbar; arrows move in it.
    body.focus()
    page.keyboard.press("End")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "Intertitre"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.textContent") == "Tableau"
    page.keyboard.press("Enter")
    page.keyboard.type("Année")
    table = "\n\n| Année | Colonne 2 |\n| --- | --- |\n| … | … |"
    assert table in body.input_value()
    page.keyboard.press("Control+End")
    toolbar.get_by_role("button", name="Note").click()
    page.keyboard.type("Selon la douane.")
    value = body.input_value()
    assert value.count("[^1]") == 2 and value.endswith("\n\n[^1]: Selon la douane.")
    # The preview renders what the toolbar wrote.
    preview = page.frame_locator(".surface-frame").locator(".story__body")
    preview.locator("table").wait_for()
    assert preview.locator("h2").inner_text() == "Le quai"
    link = preview.locator("a[href='https://exemple.fr']")
    assert link.inner_text() == "Voir le port"
    assert not browsing.problems


def test_phone_puts_the_preview_below_and_keeps_the_save_bar_on_screen(
    browsing, live_server
):
    story = make_article(body=BODY, status=Status.DRAFT)
    page = open_story(browsing, 390, story)
    body, preview = box(page, "#id_body"), box(page, ".surface-frame")
    assert preview["y"] >= body["y"] + body["height"]  # below
    sizes = page.locator("#id_body").evaluate("e => [e.scrollHeight, e.clientHeight]")
    assert sizes[0] <= sizes[1] + 2, sizes  # all its text shown, no scroll bar
    form = box(page, "#article_form")
    assert box(page, "#id_title")["width"] >= 0.8 * form["width"]
    bar = page.get_by_role("group", name="Enregistrer ou publier l’article")
    page.locator("#id_body").scroll_into_view_if_needed()
    page.mouse.wheel(0, 600)
    page.wait_for_function("() => window.scrollY > 600")
    browsing.shoot(page, "telephone")
    shown = bar.bounding_box()
    viewport = page.viewport_size["height"]
    assert shown["y"] + shown["height"] == pytest.approx(viewport, abs=1)
    assert bar.get_by_role("button", name="Publier").is_visible()
    # At the end of the page it sits after the form's own buttons.
    page.keyboard.press("End")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    own = box(page, "input[name=_save]")
    assert bar.bounding_box()["y"] >= own["y"] + own["height"]
    # It saves the story, as the form's own button does.
    page.locator("#id_title").fill("Titre changé au téléphone")
    bar.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/articles/article/")
    story.refresh_from_db()
    assert story.title == "Titre changé au téléphone"
    assert not browsing.problems


@pytest.mark.parametrize("width", [1280, 390])
def test_story_form_has_no_axe_violation(browsing, live_server, width):
    # A long title: in the breadcrumbs, it makes their links a text block.
    title = "Le Kazakhstan et la Chine s’engagent à doubler leurs échanges"
    story = make_article(title=title, body=BODY, status=Status.DRAFT)
    page = open_story(browsing, width, story, bypass_csp=True)
    page.locator("#id_title").fill("Un titre bien trop long " * 4)
    # The admin's links fade to their colours (CSS transitions): axe must
    # measure the colours they end with, not one in between.
    page.wait_for_function("() => document.getAnimations().length === 0")
    assert violations(page, **UNDER_CSP) == []
    assert not browsing.problems
