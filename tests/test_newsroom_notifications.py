"""The hand-off e-mails, sent through a real SMTP server on loopback: who
gets them per role, what they say, and a save that a mail failure spares."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.contrib.messages import get_messages

from articles.models import Status
from articles.services import EDITORS, WRITERS

from .admin_forms import form_data
from .factories import make_article, make_user

# The e-mails leave once the save is committed.
pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = "/admin/articles/article/"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the SMTP server received: envelope recipients and the message."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        self.received.append((sorted(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "La Gazette <redaction@lagazette.example>"
    yield inbox
    controller.stop()


@pytest.fixture
def newsroom():
    return {
        "claire": make_user(
            EDITORS, first_name="Claire", email="claire@lagazette.example"
        ),
        "marc": make_user(EDITORS, first_name="Marc", email="marc@lagazette.example"),
        # Editors without an address, or no longer active, get nothing.
        "sans": make_user(EDITORS, email=""),
        "parti": make_user(EDITORS, email="parti@lagazette.example", is_active=False),
        "rita": make_user(WRITERS, first_name="Rita", email="rita@lagazette.example"),
        "yann": make_user(WRITERS, first_name="Yann", email="yann@lagazette.example"),
    }


def press(client, story, step, **changes):
    url = f"{ADMIN}{story.pk}/change/"
    data = form_data(client.get(url), "#article_form", **changes)
    data["publication-step"] = step
    return client.post(url, data, follow=True)


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_submitting_mails_the_editors_with_the_note(client, smtp, newsroom):
    story = make_article(
        title="Le port sec",
        status=Status.DRAFT,
        published_at=None,
        created_by=newsroom["rita"],
    )
    client.force_login(newsroom["rita"])
    response = press(
        client, story, "soumettre", **{"publication-note": "Photo à venir."}
    )
    assert said(response) == [
        "« Le port sec » est soumis à la relecture.",
        "Prévenus par courriel : claire@lagazette.example, marc@lagazette.example.",
    ]
    [(recipients, message)] = smtp.received
    assert recipients == ["claire@lagazette.example", "marc@lagazette.example"]
    assert message["Subject"] == "À relire : « Le port sec »"
    assert message["From"] == "La Gazette <redaction@lagazette.example>"
    text = body(message)
    assert "Rita soumet « Le port sec » à la relecture." in text
    assert "Photo à venir." in text
    assert f"/admin/articles/article/{story.pk}/change/" in text


def test_an_editor_submitting_does_not_mail_themself(client, smtp, newsroom):
    story = make_article(status=Status.DRAFT, published_at=None)
    client.force_login(newsroom["claire"])
    press(client, story, "soumettre")
    [(recipients, message)] = smtp.received
    assert recipients == ["marc@lagazette.example"]
    assert "Son mot" not in body(message)  # no note given


def test_sending_back_mails_the_writer_the_comment(client, smtp, newsroom):
    story = make_article(
        title="Khorgos",
        status=Status.REVIEW,
        published_at=None,
        created_by=newsroom["rita"],
    )
    client.force_login(newsroom["claire"])
    response = press(
        client, story, "renvoyer", **{"publication-comment": "Sourcez le chiffre."}
    )
    assert said(response) == [
        "« Khorgos » est renvoyé à Rita avec votre commentaire.",
        "Prévenu par courriel : rita@lagazette.example.",
    ]
    [(recipients, message)] = smtp.received
    assert recipients == ["rita@lagazette.example"]
    assert message["Subject"] == "Renvoyé : « Khorgos »"
    text = body(message)
    assert "Claire vous renvoie « Khorgos » avec ce commentaire :" in text
    assert "Sourcez le chiffre." in text


def test_publishing_mails_nobody(client, smtp, newsroom):
    story = make_article(status=Status.REVIEW, published_at=None)
    client.force_login(newsroom["claire"])
    press(client, story, "publier")
    story.refresh_from_db()
    assert story.is_published()
    assert smtp.received == []


def test_a_writer_without_an_address_is_named(client, smtp, newsroom):
    author = make_user(WRITERS, first_name="Léa", email="")
    story = make_article(status=Status.REVIEW, published_at=None, created_by=author)
    client.force_login(newsroom["claire"])
    response = press(client, story, "renvoyer", **{"publication-comment": "Non."})
    assert said(response)[1] == (
        "Aucun courriel envoyé : Léa n’a pas d’adresse électronique."
    )
    assert smtp.received == []


def test_a_mail_failure_loses_no_save(client, settings, newsroom, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens there
    story = make_article(
        title="Tenace",
        status=Status.DRAFT,
        published_at=None,
        created_by=newsroom["rita"],
    )
    client.force_login(newsroom["rita"])
    response = press(client, story, "soumettre", title="Tenace et sauvé")
    assert response.status_code == 200
    story.refresh_from_db()
    assert story.status == Status.REVIEW and story.title == "Tenace et sauvé"
    messages = said(response)
    assert messages[0] == "« Tenace et sauvé » est soumis à la relecture."
    assert messages[1].startswith("Le courriel n’a pas pu partir")
    assert "l’article est bien enregistré" in messages[1]
    assert "Hand-off e-mail for story" in caplog.text


def test_submitting_from_the_list_mails_the_editors_too(client, smtp, newsroom):
    story = make_article(
        title="Depuis la liste",
        status=Status.DRAFT,
        published_at=None,
        created_by=newsroom["yann"],
    )
    client.force_login(newsroom["yann"])
    response = client.post(
        ADMIN,
        {"action": "submit_for_review", "_selected_action": [story.pk]},
        follow=True,
    )
    assert said(response) == [
        "1 article soumis à la relecture.",
        "Prévenus par courriel : claire@lagazette.example, marc@lagazette.example.",
    ]
    [(recipients, message)] = smtp.received
    assert recipients == ["claire@lagazette.example", "marc@lagazette.example"]
    assert "Yann soumet « Depuis la liste » à la relecture." in body(message)
