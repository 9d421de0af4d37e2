"""Publishing from the story form in Chromium, at desktop and phone widths:
a writer submits, an editor sends back, schedules and publishes, each told
what happened. Screenshots of every step go to test-artifacts/."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Status
from articles.publishing import short_date
from articles.services import EDITORS, WRITERS

from .factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(1280, id="bureau"), pytest.param(390, id="telephone")]


def log_in(browsing, user, width):
    page = browsing.open(width)
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/")
    return page


def click(page, name):
    """Click a publishing button and wait for the form to come back."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def message(page):
    return page.locator(".messagelist li").first.inner_text()


def assert_buttons_fit(page):
    """The banner and every publishing control lie within the window."""
    width = page.viewport_size["width"]
    for box in page.locator(
        ".publishing-banner, .publishing-actions button:visible, "
        ".publishing-actions summary, .publishing-actions textarea:visible, "
        ".publishing-actions input:visible"
    ).all():
        edges = box.bounding_box()
        assert edges["x"] >= 0 and edges["x"] + edges["width"] <= width, box


def banner(page):
    text = page.locator(".publishing-banner").inner_text()
    return re.sub(r"[ \t\n]+", " ", text).strip()  # no-break spaces stay


@pytest.mark.parametrize("width", WIDTHS)
def test_writer_and_editor_hand_a_story_over(browsing, db, width):
    rita = make_user(WRITERS, first_name="Rita")
    claire = make_user(EDITORS, first_name="Claire")
    title = f"Le port sec de Khorgos ({width})"

    writer = log_in(browsing, rita, width)
    writer.goto("/admin/articles/article/add/")
    writer.locator("#id_title").fill(title)
    writer.locator("#id_title").press("End")
    writer.locator("#id_body").fill("Les conteneurs passent la frontière.")
    # Enter in the title saves: it never submits for review by itself.
    with writer.expect_navigation():
        writer.locator("#id_title").press("Enter")
    story = Article.objects.get(title=title)
    assert story.status == Status.DRAFT
    writer.goto(f"/admin/articles/article/{story.pk}/change/")
    assert banner(writer) == "Brouillon"
    assert writer.get_by_role("button", name="Publier maintenant").count() == 0
    writer.get_by_text("Ajouter un mot pour les éditeurs").click()
    writer.get_by_label("Un mot pour les éditeurs (facultatif)").fill("Photo à venir.")
    assert_buttons_fit(writer)
    browsing.shoot(writer, "1-brouillon")
    click(writer, "Soumettre à la relecture")
    assert message(writer) == f"« {title} » est soumis à la relecture."
    assert banner(writer).startswith("En relecture depuis le ")
    browsing.shoot(writer, "2-soumis")

    editor = log_in(browsing, claire, width)
    editor.goto(f"/admin/articles/article/{story.pk}/change/")
    editor.get_by_text("Renvoyer au rédacteur…").click()
    comment = editor.get_by_label("Votre commentaire pour le rédacteur")
    comment.fill("Sourcez le chiffre.")
    assert_buttons_fit(editor)
    browsing.shoot(editor, "3-renvoi")
    click(editor, "Renvoyer au rédacteur")
    assert message(editor) == f"« {title} » est renvoyé à Rita avec votre commentaire."

    writer.reload()
    assert banner(writer) == "Renvoyé au rédacteur par Claire : Sourcez le chiffre."
    browsing.shoot(writer, "4-renvoye")
    click(writer, "Soumettre à la relecture")

    editor.reload()
    day = timezone.localdate() + timedelta(days=2)
    editor.get_by_text("Programmer…").click()
    editor.get_by_label("Jour de parution").fill(day.isoformat())
    editor.get_by_label("Heure de parution (Paris)").fill("06:00")
    click(editor, "Programmer")
    story.refresh_from_db()
    assert story.is_scheduled
    when = short_date(story.published_at)
    assert when.endswith("à 6\u00a0h\u00a000")
    assert message(editor) == f"« {title} » sera publié le {when} (Paris)."
    assert banner(editor) == f"Programmé pour le {when} (Paris)"
    assert_buttons_fit(editor)
    browsing.shoot(editor, "5-programme")

    click(editor, "Publier maintenant")
    assert message(editor) == f"« {title} » est publié."
    assert banner(editor).startswith("En ligne depuis le ")
    story.refresh_from_db()
    assert story.is_published()
    browsing.shoot(editor, "6-publie")

    click(editor, "Dépublier")
    assert message(editor) == f"« {title} » est retiré du site et remis en brouillon."
    # Published before: publishing again asks which time to give it.
    editor.get_by_label("Dater la publication de maintenant").check()
    click(editor, "Publier maintenant")
    assert message(editor) == f"« {title} » est publié."
    browsing.shoot(editor, "7-republie")

    assert not browsing.problems
