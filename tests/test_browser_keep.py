"""Nothing typed is lost, in Chromium at desktop and phone widths: the leave
warning and Ctrl+S, autosave through an expired session, the notice that a
colleague is editing, and the field-by-field conflict form.

Screenshots of every step go to test-artifacts/."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from playwright.sync_api import expect

from articles.models import Article, Autosave, Status
from articles.services import EDITORS

from .factories import make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(1280, id="bureau"), pytest.param(390, id="telephone")]
# The first autosave comes 5 s after the last key.
AUTOSAVED = 15_000


def signed_in(browsing, user, width):
    """A page of a browser where ``user`` is logged in."""
    client = Client()
    client.force_login(user)
    page = browsing.open(width)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": browsing.origin,
            }
        ]
    )
    return page


def change_url(story):
    return f"/admin/articles/article/{story.pk}/change/"


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.1)


def save(page, how="input[name=_continue]"):
    """Save the story form (clicking ``how``, or pressing it if it is a key)
    and wait for the page the save leads to: often the same address."""
    with page.expect_navigation():
        if how.startswith("Control+"):
            page.keyboard.press(how)
        else:
            page.locator(how).click()


def type_at_end(page, selector, text):
    """Type as a person would (trusted key presses), at the end of a field."""
    page.locator(selector).click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


@pytest.fixture
def draft():
    return make_article(
        title="Le port ouvre",
        body="Texte d’origine.",
        status=Status.DRAFT,
        published_at=None,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_leaving_with_unsaved_changes_asks_first_and_ctrl_s_saves(
    browsing, draft, width
):
    page = signed_in(browsing, make_user(EDITORS), width)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.goto(change_url(draft))
    page.wait_for_load_state("load")

    # Nothing changed: leaving asks nothing.
    page.get_by_role("link", name="Historique").click()
    page.wait_for_url("**/history/")
    assert dialogs == []
    page.go_back()
    page.wait_for_load_state("load")

    type_at_end(page, "#id_body", " Une phrase de plus.")
    page.get_by_role("link", name="Historique").click()
    wait_until(lambda: dialogs == ["beforeunload"])
    assert page.url.endswith(change_url(draft))
    browsing.shoot(page, "1-avertissement")

    save(page, "Control+s")
    assert page.url.endswith(change_url(draft))
    expect(page.locator(".messagelist")).to_be_visible()
    draft.refresh_from_db()
    assert draft.body == "Texte d’origine. Une phrase de plus."
    assert dialogs == ["beforeunload"]
    assert all(not kept.fields for kept in Autosave.objects.all())
    browsing.shoot(page, "2-enregistre")
    assert not browsing.problems


@pytest.mark.parametrize("width", WIDTHS)
def test_text_typed_through_an_expired_session_comes_back(browsing, draft, width):
    editor = make_user(EDITORS)
    page = browsing.open(width)
    page.goto(change_url(draft))
    page.get_by_label("Nom d’utilisateur").fill(editor.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"**{change_url(draft)}")

    type_at_end(page, "#id_body", " Avant l’expiration.")
    status = page.locator(".keep-status")
    expect(status).to_contain_text("Texte sauvegardé automatiquement à", timeout=AUTOSAVED)
    assert Autosave.objects.get(user=editor).fields["body"] == (
        "Texte d’origine. Avant l’expiration."
    )

    Session.objects.all().delete()
    type_at_end(page, "#id_body", " Après.")
    expect(status).to_contain_text(
        "Session expirée : votre texte est gardé dans ce navigateur", timeout=AUTOSAVED
    )
    browsing.shoot(page, "1-session-expiree")

    page.locator("input[name=_save]").click()
    page.wait_for_url(lambda url: "/admin/login/" in url)
    draft.refresh_from_db()
    assert draft.body == "Texte d’origine."
    page.get_by_label("Nom d’utilisateur").fill(editor.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"**{change_url(draft)}")

    offer = page.locator(".keep-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Reprendre le texte non enregistré ?")
    assert page.locator("#id_body").input_value() == "Texte d’origine."
    browsing.shoot(page, "2-reprendre")
    offer.get_by_role("button", name="Reprendre").click()
    assert page.locator("#id_body").input_value() == (
        "Texte d’origine. Avant l’expiration. Après."
    )
    save(page)
    draft.refresh_from_db()
    assert draft.body == "Texte d’origine. Avant l’expiration. Après."
    # Saved: nothing left to offer.
    page.reload()
    expect(page.locator(".keep-offer")).to_be_hidden()
    browsing.shoot(page, "3-enregistre")
    # The refusals of the expired session, and nothing else.
    assert browsing.problems
    assert all(p.startswith("401: ") and "/autosave/" in p for p in browsing.problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_colleague_editing_is_told_and_a_conflict_is_merged_field_by_field(
    browsing, draft, width
):
    alice = make_user(EDITORS, first_name="Alice", last_name="Martin")
    bruno = make_user(EDITORS, first_name="Bruno", last_name="Petit")
    page_a = signed_in(browsing, alice, width)
    page_a.goto(change_url(draft))
    wait_until(lambda: Autosave.objects.filter(user=alice).exists())

    page_b = signed_in(browsing, bruno, width)
    page_b.goto(change_url(draft))
    notice = page_b.locator(".keep-editing")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Alice Martin modifie cet article depuis")
    browsing.shoot(page_b, "1-collegue")

    page_a.locator("#id_title").fill("Le port ferme")
    save(page_a)

    type_at_end(page_b, "#id_body", " Ajout de Bruno.")
    save(page_b)
    conflict = page_b.locator(".keep-conflict")
    expect(conflict).to_be_visible()
    expect(page_b.locator(".errornote")).to_be_visible()
    rows = conflict.locator("tbody tr")
    assert rows.count() == 2
    # The preview shows the text as typed, not as saved.
    expect(page_b.locator(".body-preview")).to_contain_text("Ajout de Bruno.")
    browsing.shoot(page_b, "2-conflit")

    # Saving again without choosing goes nowhere.
    page_b.locator("input[name=_continue]").click()
    assert page_b.locator("input[name=garder_title]").first.evaluate(
        "e => !e.validity.valid"
    )
    draft.refresh_from_db()
    assert draft.title == "Le port ferme"

    conflict.locator(".keep-conflict-title").get_by_label("garder la sienne").check()
    conflict.locator(".keep-conflict-body").get_by_label("garder la mienne").check()
    save(page_b)
    expect(page_b.locator(".keep-conflict")).to_have_count(0)
    draft = Article.objects.get(pk=draft.pk)
    assert draft.title == "Le port ferme"
    assert draft.body == "Texte d’origine. Ajout de Bruno."
    assert draft.version == 3
    browsing.shoot(page_b, "3-fusion")
    assert not browsing.problems
