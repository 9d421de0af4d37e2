"""The story form's writing surface as the server gives it: what the counts
count against, the address the slug gives, the toolbar, the Markdown help
collapsed, the search and sharing card and the phone's save bar."""

import pytest
from bs4 import BeautifulSoup

from articles.admin_surface import READING_WORDS_PER_MINUTE
from articles.models import Status
from articles.seo import (
    DESCRIPTION_WORDS,
    STANDFIRST_SHOWN_CHARACTERS,
    TITLE_SHOWN_CHARACTERS,
)
from articles.services import EDITORS, WRITERS

from .admin_forms import form_data
from .factories import make_article, make_user

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"


def story_form(client, user, story=None):
    client.force_login(user)
    url = f"{ADMIN}{story.pk}/change/" if story else f"{ADMIN}add/"
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_title_and_standfirst_count_against_what_search_results_show(client):
    page = story_form(client, make_user(EDITORS), make_article())
    for field, recommended, hint in [
        ("title", TITLE_SHOWN_CHARACTERS, "les réseaux sociaux coupent le titre"),
        ("standfirst", STANDFIRST_SHOWN_CHARACTERS, "recherche coupent le chapô"),
    ]:
        counter = page.select_one(f".surface-count[data-count-for=id_{field}]")
        assert int(counter["data-recommended"]) == recommended
        shown = counter.select_one(".surface-count__hint")["data-hint"]
        assert f"Au-delà de {recommended} caractères" in shown and hint in shown
        # Read out with the field, after Django's own help text.
        described = page.select_one(f"#id_{field}")["aria-describedby"].split()
        assert described[-1] == counter["id"]
        if field == "standfirst":
            assert described[0] == "id_standfirst_helptext"


def test_body_gives_its_reading_speed_and_toolbar(client):
    page = story_form(client, make_user(WRITERS))
    stats = page.select_one(".surface-stats[data-stats-for=id_body]")
    assert int(stats["data-words-per-minute"]) == READING_WORDS_PER_MINUTE
    assert stats["id"] in page.select_one("#id_body")["aria-describedby"].split()
    toolbar = page.select_one("[role=toolbar]")
    assert toolbar["aria-label"] == "Mise en forme du texte"
    assert toolbar["aria-controls"] == "id_body"
    buttons = toolbar.select("button")
    assert [b.get_text() for b in buttons] == ["Intertitre", "Lien", "Tableau", "Note"]
    assert all(b["type"] == "button" for b in buttons)  # none submits the form


def test_footnotes_the_toolbar_writes_are_rendered(client):
    """« Note » writes the footnote syntax: the site's Markdown must read it."""
    client.force_login(make_user(EDITORS))
    body = "Le port ouvre[^1].\n\n[^1]: Selon la douane."
    html = client.post(f"{ADMIN}markdown-preview/", {"body": body}).content.decode()
    page = BeautifulSoup(html, "html.parser")
    assert page.select_one("sup a")["href"].startswith("#fn")
    assert "Selon la douane." in page.select_one(".footnote").get_text()


def test_slug_shows_the_full_address_from_the_site_address(client, settings):
    settings.SITE_URL = "https://lagazette.example"
    story = make_article(slug="le-port-ouvre")
    page = story_form(client, make_user(EDITORS), story)
    address = page.select_one(".surface-address__url")
    assert address["data-address"] == "https://lagazette.example/articles/{slug}/"
    assert address.get_text() == "https://lagazette.example/articles/le-port-ouvre/"
    described = page.select_one("#id_slug")["aria-describedby"].split()
    assert address.parent["id"] in described
    card = page.select_one(".surface-card")
    assert card["data-address"] == address["data-address"]


def test_address_follows_the_request_without_a_site_address(client, settings):
    settings.SITE_URL = ""
    page = story_form(client, make_user(WRITERS))
    address = page.select_one(".surface-address__url")
    assert address["data-address"] == "http://testserver/articles/{slug}/"
    assert address.get_text() == "http://testserver/articles/…/"


def test_markdown_help_is_collapsed_after_the_body_and_its_preview(client):
    page = story_form(client, make_user(EDITORS), make_article())
    rows = [row["class"] for row in page.select("fieldset .form-row")]
    body_row = next(i for i, c in enumerate(rows) if "field-body" in c)
    # The body and its preview share one row; the help comes after them.
    assert "field-body_preview" in rows[body_row]
    assert "field-markdown_help" in rows[body_row + 1]
    details = page.select_one(".field-markdown_help details")
    assert not details.has_attr("open")
    assert details.summary.get_text().startswith("Afficher les règles")
    assert details.select_one("dl.markdown-help")


def test_share_card_shows_the_picture_sharing_tags_give(client):
    page = story_form(client, make_user(EDITORS), make_article())
    card = page.select_one(".surface-card")
    assert int(card["data-title-shown"]) == TITLE_SHOWN_CHARACTERS
    assert int(card["data-description-words"]) == DESCRIPTION_WORDS
    picture = card.select_one("img")
    assert picture["src"] == "http://testserver/static/img/partage.png"
    assert picture["alt"].startswith("La Gazette")
    assert (picture["width"], picture["height"]) == ("1200", "630")


@pytest.mark.parametrize(
    "role, status, buttons",
    [
        (EDITORS, Status.DRAFT, [("_save", None), ("publication-step", "publier")]),
        (EDITORS, Status.PUBLISHED, [("_save", None)]),
        (WRITERS, Status.DRAFT, [("_save", None), ("publication-step", "soumettre")]),
        (WRITERS, Status.PUBLISHED, []),  # a writer no longer edits it
    ],
)
def test_phone_bar_offers_publishing_to_those_who_may(client, role, status, buttons):
    user = make_user(role)
    story = make_article(status=status, created_by=user)
    page = story_form(client, user, story)
    bar = page.select(".surface-phonebar button")
    assert [(button["name"], button.get("value")) for button in bar] == buttons
    # The same step as one of the form's own publishing buttons.
    steps = {
        (button["name"], button["value"])
        for button in page.select(".publishing-actions button[value]")
    }
    assert all(button in steps for button in buttons[1:])
    # Outside the form, the bar's buttons submit it, as its own buttons do.
    form = page.select_one("#content-main form")
    assert all(button["form"] == form["id"] for button in bar)
    assert all(button["type"] == "submit" for button in bar)


def test_phone_bar_publishes_the_story(client):
    editor = make_user(EDITORS)
    story = make_article(status=Status.DRAFT, published_at=None, title="Le corridor")
    client.force_login(editor)
    url = f"{ADMIN}{story.pk}/change/"
    response = client.get(url)
    page = BeautifulSoup(response.content, "html.parser")
    publish = page.select_one(".surface-phonebar__publish")
    data = form_data(response, "#content-main form")
    response = client.post(url, {**data, publish["name"]: publish["value"]}, follow=True)
    assert response.status_code == 200
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and story.is_published()
    assert "Le corridor" in response.content.decode()


def test_story_saves_through_the_new_widgets(client):
    editor = make_user(EDITORS)
    story = make_article(title="Avant", body="Un mot.")
    client.force_login(editor)
    url = f"{ADMIN}{story.pk}/change/"
    data = form_data(client.get(url), "#content-main form", title="Après")
    data["body"] = "## Intertitre\n\nDeux mots."
    response = client.post(url, {**data, "_save": "Enregistrer"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.title == "Après"
    assert "<h2" in story.body_html


def test_preview_page_is_the_site_layout_framed_by_this_site_only(client):
    url = f"{ADMIN}markdown-preview/page/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_user(is_staff=True))
    assert client.get(url).status_code == 403
    client.force_login(make_user(WRITERS))
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["frame-ancestors"] == "'self'"
    assert policy["script-src"] == "'self'"
    page = BeautifulSoup(response.content, "html.parser")
    assert page.html["lang"] == "fr"
    assert page.select_one("link[rel=stylesheet]")["href"].endswith("css/gazette.css")
    assert page.select_one("article.story .story__body.prose") is not None
    # Every other admin page may not be framed at all.
    form = client.get(f"{ADMIN}add/")
    assert form["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in form["Content-Security-Policy"]
    iframe = BeautifulSoup(form.content, "html.parser").select_one("iframe")
    assert iframe["src"] == url and iframe["title"]
