"""The story form's publishing buttons, per role: what each does, what it
says, and what is refused."""

import re
from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.utils import timezone

from articles.models import Article, Status
from articles.publishing import short_date
from articles.services import EDITORS, WRITERS

from .admin_forms import form_data
from .factories import make_article, make_user

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"
STEP = "publication-step"


def change_url(story):
    return f"{ADMIN}{story.pk}/change/"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def buttons(response):
    page = soup(response)
    return [b.get_text() for b in page.select(f".publishing-actions [name={STEP}]")]


def banner(response):
    text = soup(response).select_one(".publishing-banner").get_text()
    return re.sub(r"[ \t\n]+", " ", text).strip()  # no-break spaces stay


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def press(client, story, step, **changes):
    """Post the story's form as a browser would after a click on ``step``."""
    url = change_url(story)
    data = form_data(client.get(url), "#article_form", **changes)
    if step:
        data[STEP] = step
    return client.post(url, data)


@pytest.fixture
def claire():
    return make_user(EDITORS, first_name="Claire", last_name="Vidal")


@pytest.fixture
def rita():
    return make_user(WRITERS, first_name="Rita", last_name="Nour")


@pytest.fixture
def editor(client, claire):
    client.force_login(claire)
    return client


@pytest.fixture
def writer(client, rita):
    client.force_login(rita)
    return client


def test_each_role_is_offered_the_steps_of_the_state(client, claire, rita):
    draft = make_article(status=Status.DRAFT, published_at=None, created_by=rita)
    review = make_article(status=Status.REVIEW, published_at=None, created_by=rita)
    later = timezone.now() + timedelta(days=1)
    scheduled = make_article(published_at=later)
    live = make_article()
    client.force_login(rita)
    assert buttons(client.get(change_url(draft))) == ["Soumettre à la relecture"]
    assert buttons(client.get(change_url(review))) == []
    assert buttons(client.get(f"{ADMIN}add/")) == ["Soumettre à la relecture"]
    client.force_login(claire)
    assert buttons(client.get(change_url(draft))) == [
        "Soumettre à la relecture",
        "Publier maintenant",
        "Programmer",
    ]
    assert buttons(client.get(change_url(review))) == [
        "Publier maintenant",
        "Programmer",
        "Renvoyer au rédacteur",
    ]
    assert buttons(client.get(change_url(scheduled))) == [
        "Publier maintenant",
        "Programmer",
        "Dépublier",
    ]
    assert buttons(client.get(change_url(live))) == ["Dépublier"]


def test_banner_says_the_state_in_words(editor):
    when = timezone.localtime() + timedelta(days=2)
    when = when.replace(hour=6, minute=0, second=0, microsecond=0)
    scheduled = make_article(published_at=when)
    assert banner(editor.get(change_url(scheduled))) == (
        f"Programmé pour le {short_date(when)} (Paris)"
    )
    assert short_date(when).endswith("à 6\u00a0h\u00a000")
    live = make_article()
    assert banner(editor.get(change_url(live))) == (
        f"En ligne depuis le {short_date(live.published_at)}"
    )
    draft = make_article(status=Status.DRAFT, published_at=None)
    assert banner(editor.get(change_url(draft))) == "Brouillon"
    assert banner(editor.get(f"{ADMIN}add/")) == "Brouillon"


def test_short_date_names_the_year_only_when_another():
    now = timezone.localtime()
    assert str(now.year) not in short_date(now)
    assert short_date(now - timedelta(days=400)).count(str(now.year - 1)) == 1


def test_writer_submits_with_the_edits_saved(writer, rita):
    story = make_article(
        title="Le port sec", status=Status.DRAFT, published_at=None, created_by=rita
    )
    response = press(writer, story, "soumettre", title="Le port sec de Khorgos")
    assert response.status_code == 302
    assert response["Location"] == change_url(story)
    story.refresh_from_db()
    assert story.status == Status.REVIEW and story.title == "Le port sec de Khorgos"
    assert said(response) == ["« Le port sec de Khorgos » est soumis à la relecture."]
    assert banner(writer.get(change_url(story))) == (
        f"En relecture depuis le {short_date(story.status_changed_at)}"
    )


def test_writer_creates_and_submits_in_one_click(writer, rita):
    add = f"{ADMIN}add/"
    data = form_data(
        writer.get(add), "#article_form", title="La digue", slug="la-digue"
    )
    data[STEP] = "soumettre"
    response = writer.post(add, data)
    story = Article.objects.get(slug="la-digue")
    assert response.status_code == 302
    assert response["Location"] == change_url(story)
    assert story.status == Status.REVIEW and story.created_by == rita
    assert said(response) == ["« La digue » est soumis à la relecture."]


@pytest.mark.parametrize("step", ["publier", "programmer", "depublier", "renvoyer"])
def test_writer_asking_an_editor_step_is_refused_and_nothing_saved(writer, rita, step):
    story = make_article(
        title="Mon brouillon", status=Status.DRAFT, published_at=None, created_by=rita
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = press(
        writer,
        story,
        step,
        title="Titre changé",
        **{
            "publication-date": tomorrow.isoformat(),
            "publication-time": "06:00",
            "publication-comment": "Non.",
        },
    )
    assert response.status_code == 403
    assert "Seuls les éditeurs peuvent publier" in soup(response).select_one(
        ".errorlist.nonfield"
    ).get_text()
    # What was typed is still there to save another way.
    assert soup(response).select_one("#id_title")["value"] == "Titre changé"
    story.refresh_from_db()
    assert story.status == Status.DRAFT and story.title == "Mon brouillon"
    assert not Article.objects.published().exists()


def test_editor_publishes_now(editor):
    story = make_article(title="Le blé", status=Status.REVIEW, published_at=None)
    response = press(editor, story, "publier", standfirst="Chapô revu.")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.is_published() and story.standfirst == "Chapô revu."
    assert timezone.now() - story.published_at < timedelta(minutes=1)
    assert said(response) == ["« Le blé » est publié."]
    assert banner(editor.get(change_url(story))).startswith("En ligne depuis le ")
    assert editor.get(story.get_absolute_url()).status_code == 200


def test_publishing_now_a_scheduled_story_brings_it_forward(editor):
    story = make_article(published_at=timezone.now() + timedelta(days=3))
    press(editor, story, "publier")
    story.refresh_from_db()
    assert story.is_published()


def test_editor_schedules_in_paris_time(editor):
    story = make_article(title="Demain", status=Status.REVIEW, published_at=None)
    day = timezone.localdate() + timedelta(days=3)
    response = press(
        editor,
        story,
        "programmer",
        **{"publication-date": day.isoformat(), "publication-time": "06:00"},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    expected = timezone.make_aware(datetime(day.year, day.month, day.day, 6, 0))
    assert story.published_at == expected and story.is_scheduled
    assert said(response) == [
        f"« Demain » sera publié le {short_date(expected)} (Paris)."
    ]
    assert banner(editor.get(change_url(story))) == (
        f"Programmé pour le {short_date(expected)} (Paris)"
    )


@pytest.mark.parametrize(
    "date_offset, time, message",
    [
        (-1, "06:00", "est passé"),
        (1, "", "donnez la date et l’heure"),
        (None, "06:00", "donnez la date et l’heure"),
    ],
)
def test_scheduling_needs_a_time_to_come(editor, date_offset, time, message):
    story = make_article(status=Status.REVIEW, published_at=None)
    day = "" if date_offset is None else timezone.localdate() + timedelta(date_offset)
    response = press(
        editor,
        story,
        "programmer",
        **{"publication-date": str(day), "publication-time": time},
    )
    assert response.status_code == 400
    assert message in soup(response).select_one(".errorlist.nonfield").get_text()
    # The schedule box stays open on what was typed.
    opened = "details.publishing-step[open] #id_publication-time"
    assert soup(response).select_one(opened)
    story.refresh_from_db()
    assert story.status == Status.REVIEW


def test_editor_unpublishes(editor, client):
    story = make_article(title="À retirer")
    response = press(editor, story, "depublier")
    story.refresh_from_db()
    assert story.status == Status.DRAFT
    assert said(response) == ["« À retirer » est retiré du site et remis en brouillon."]
    editor.logout()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_a_step_the_state_does_not_allow_is_refused(editor):
    story = make_article(title="Brouillon", status=Status.DRAFT, published_at=None)
    response = press(editor, story, "depublier")
    assert response.status_code == 400
    assert "« Dépublier » ne s’applique pas" in response.content.decode()
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_send_back_needs_a_comment(editor):
    story = make_article(status=Status.REVIEW, published_at=None)
    response = press(editor, story, "renvoyer", **{"publication-comment": "  "})
    assert response.status_code == 400
    assert "le commentaire est obligatoire" in response.content.decode()
    story.refresh_from_db()
    assert story.status == Status.REVIEW


def test_send_back_shows_the_comment_to_the_writer_until_resubmitted(
    client, claire, rita
):
    story = make_article(
        title="Khorgos", status=Status.REVIEW, published_at=None, created_by=rita
    )
    client.force_login(claire)
    response = press(
        client, story, "renvoyer", **{"publication-comment": "Sourcez le chiffre."}
    )
    assert said(response) == [
        "« Khorgos » est renvoyé à Rita Nour avec votre commentaire."
    ]
    story.refresh_from_db()
    assert story.status == Status.DRAFT and story.review_note == "Sourcez le chiffre."
    client.force_login(rita)
    page = client.get(change_url(story))
    assert banner(page) == "Renvoyé au rédacteur par Claire Vidal : Sourcez le chiffre."
    assert buttons(page) == ["Soumettre à la relecture"]
    press(client, story, "soumettre")
    story.refresh_from_db()
    assert story.status == Status.REVIEW and story.review_note == ""
    assert "Sourcez" not in banner(client.get(change_url(story)))


def test_publishing_again_asks_which_time_and_refuses_without_an_answer(editor):
    first = (timezone.now() - timedelta(days=10)).replace(microsecond=0)
    story = make_article(status=Status.DRAFT, published_at=first)
    page = soup(editor.get(change_url(story)))
    labels = [label.get_text() for label in page.select(".publishing-first label")]
    assert labels == [
        f"Garder la première date de publication, le {short_date(first)}",
        "Dater la publication de maintenant",
    ]
    assert not page.select(".publishing-first input[checked]")
    response = press(editor, story, "publier")
    assert response.status_code == 400
    assert "choisissez de garder sa première date" in response.content.decode()
    story.refresh_from_db()
    assert story.status == Status.DRAFT


@pytest.mark.parametrize("choice, keeps", [("garder", True), ("maintenant", False)])
def test_publishing_again_honours_the_choice(editor, choice, keeps):
    first = (timezone.now() - timedelta(days=10)).replace(microsecond=0)
    story = make_article(status=Status.DRAFT, published_at=first)
    response = press(
        editor, story, "publier", **{"publication-first_publication": choice}
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.is_published()
    if keeps:
        assert story.published_at == first
    else:
        assert timezone.now() - story.published_at < timedelta(minutes=1)


def test_plain_save_keeps_its_message_and_changes_no_state(editor):
    story = make_article(title="Rien", status=Status.REVIEW, published_at=None)
    response = press(editor, story, None, **{"_continue": "1"})
    assert response.status_code == 302
    assert said(response) == ["L’article « Rien » est enregistré."]
    story.refresh_from_db()
    assert story.status == Status.REVIEW


def test_restore_page_offers_no_publishing_buttons(editor):
    story = make_article(status=Status.DRAFT, published_at=None)
    record = story.history.first()
    page = editor.get(f"{ADMIN}{story.pk}/history/{record.history_id}/")
    assert page.status_code == 200
    assert not soup(page).select(".publishing-actions")


def test_a_story_one_may_only_read_offers_no_step(writer):
    someone_elses = make_article(status=Status.DRAFT, published_at=None)
    page = writer.get(change_url(someone_elses))
    assert page.status_code == 200
    assert buttons(page) == [] and banner(page) == "Brouillon"
    refused = press(writer, someone_elses, "soumettre")
    assert refused.status_code == 403
    someone_elses.refresh_from_db()
    assert someone_elses.status == Status.DRAFT


def test_unpublishing_a_scheduled_story_says_it_is_no_longer_scheduled(editor):
    later = timezone.now() + timedelta(days=1)
    story = make_article(title="Pour demain", published_at=later)
    response = press(editor, story, "depublier")
    assert said(response) == [
        "« Pour demain » n’est plus programmé : il revient en brouillon."
    ]
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_rescheduling_starts_from_the_time_set(editor):
    when = (timezone.localtime() + timedelta(days=2)).replace(hour=6, minute=30)
    story = make_article(published_at=when)
    page = soup(editor.get(change_url(story)))
    assert page.select_one("#id_publication-date")["value"] == f"{when:%Y-%m-%d}"
    assert page.select_one("#id_publication-time")["value"] == "06:30"
