from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from articles.services import EDITORS, WRITERS
from articles.views import PREVIEW_SALT, preview_url

from .admin_forms import form_data
from .factories import make_article, make_user

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def draft():
    return make_article(
        title="Brouillon confidentiel", status=Status.DRAFT, published_at=None
    )


@pytest.mark.parametrize("role", [WRITERS, EDITORS])
def test_admin_offers_preview_and_staff_see_the_real_page(client, draft, role):
    client.force_login(make_user(role))
    page = soup(client.get(f"/admin/articles/article/{draft.pk}/change/"))
    preview = page.select_one(".field-preview_links a")
    assert preview.get_text() == "Prévisualiser"
    assert preview["href"] == draft.get_absolute_url()
    signed = page.select_one(".field-preview_links input")["value"]
    assert signed.startswith("http://") and "/apercu/" in signed

    response = client.get(preview["href"])
    assert response.status_code == 200
    story = soup(response)
    assert story.select_one("h1.story__title").get_text() == draft.title
    assert story.select_one(".preview-banner") is not None
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_signed_link_works_without_account_then_expires(client, draft):
    url = preview_url(draft)
    response = client.get(url)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("h1.story__title").get_text() == draft.title
    assert page.select_one(".preview-banner") is not None
    assert page.select_one("meta[name=robots]")["content"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    with time_machine.travel(timezone.now() + timedelta(hours=47)):
        assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        assert client.get(url).status_code == 404


def test_signed_link_of_a_published_story_is_never_cached(client):
    story = make_article()
    response = client.get(preview_url(story))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert soup(response).select_one(".preview-banner") is None


def test_tampered_or_foreign_tokens_are_404(client, draft, settings):
    token = preview_url(draft).split("/")[-2]
    other_use = signing.dumps([draft.pk, draft.preview_nonce], salt="un-autre-usage")
    # Signed before links carried a nonce: a bare id.
    legacy = signing.dumps(draft.pk, salt=PREVIEW_SALT)
    for bad in [token[:-2] + "xx", other_use, legacy, "n-importe-quoi"]:
        assert (
            client.get(reverse("articles:preview", kwargs={"token": bad})).status_code
            == 404
        )
    settings.SECRET_KEY = "une-autre-clef-secrete-pour-ce-test"
    assert client.get(f"/apercu/{token}/").status_code == 404


def test_others_get_404_on_the_story_address(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(make_user())
    assert client.get(draft.get_absolute_url()).status_code == 404


def revoke_url(story):
    return f"/admin/articles/article/{story.pk}/apercu/revoquer/"


def link_on_the_form(client, story):
    """The signed link the story form gives out, as a path."""
    page = soup(client.get(f"/admin/articles/article/{story.pk}/change/"))
    return urlsplit(page.select_one(".field-preview_links input")["value"]).path


@pytest.mark.parametrize("path", ["action", "save", "save_status_only"])
def test_unpublishing_withdraws_the_preview_links(client, path):
    story = make_article(title="Publié puis retiré")
    old_link = preview_url(story)
    assert client.get(old_link).status_code == 200
    if path == "action":
        editor = Client()
        editor.force_login(make_user(EDITORS))
        editor.post(
            "/admin/articles/article/",
            {"action": "unpublish", "_selected_action": [story.pk]},
        )
    else:
        story.status = Status.DRAFT
        story.save(update_fields=["status"] if path == "save_status_only" else None)
    story.refresh_from_db()
    assert story.status == Status.DRAFT
    assert client.get(old_link).status_code == 404
    new_link = client.get(preview_url(story))
    assert new_link.status_code == 200
    title = soup(new_link).select_one("h1.story__title").get_text()
    assert title == "Publié puis retiré"


def test_publishing_or_editing_keeps_the_preview_links(client, draft):
    link = preview_url(draft)
    draft.title = "Brouillon revu"
    draft.save()
    draft.publish()
    draft.save()
    assert client.get(link).status_code == 200


def test_revoking_withdraws_the_links_and_gives_a_new_one(client, draft):
    editor = Client(enforce_csrf_checks=True)
    editor.force_login(make_user(EDITORS))
    old_link = link_on_the_form(editor, draft)
    assert client.get(old_link).status_code == 200
    version, updated_at = draft.version, draft.updated_at

    change_page = editor.get(f"/admin/articles/article/{draft.pk}/change/")
    button = soup(change_page).select_one(".object-tools button[form]")
    assert button.get_text() == "Révoquer les liens de prévisualisation"
    form = soup(change_page).select_one(f"form#{button['form']}")
    assert form["method"] == "post" and form["action"] == revoke_url(draft)
    assert editor.post(revoke_url(draft)).status_code == 403  # no CSRF token
    assert client.get(old_link).status_code == 200

    token = form.select_one("input[name=csrfmiddlewaretoken]")["value"]
    response = editor.post(revoke_url(draft), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/articles/article/{draft.pk}/change/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Liens de prévisualisation révoqués : ceux donnés jusqu’ici ne marchent "
        "plus. Le lien ci-dessous est le nouveau."
    ]
    assert client.get(old_link).status_code == 404
    new_link = link_on_the_form(editor, draft)
    assert new_link != old_link
    assert client.get(new_link).status_code == 200
    # Not an edit: no version, and the date readers see stays.
    draft.refresh_from_db()
    assert (draft.version, draft.updated_at) == (version, updated_at)


def test_revoking_is_a_post_for_those_who_may_edit_the_story(client):
    writer = make_user(WRITERS)
    own = make_article(status=Status.DRAFT, published_at=None, created_by=writer)
    published = make_article(created_by=writer)
    nonces = {s.pk: s.preview_nonce for s in (own, published)}
    client.force_login(writer)
    assert client.get(revoke_url(own)).status_code == 405
    # A writer may no longer edit their story once published.
    page = soup(client.get(f"/admin/articles/article/{published.pk}/change/"))
    assert page.select_one("button.revoke-previews, form#revoke-previews") is None
    page = soup(client.get(f"/admin/articles/article/{own.pk}/change/"))
    assert page.select_one("button.revoke-previews")["form"] == "revoke-previews"
    assert client.post(revoke_url(published)).status_code == 403
    assert client.post(revoke_url(own)).status_code == 302
    missing = "/admin/articles/article/999999/apercu/revoquer/"
    assert client.post(missing).status_code == 404
    after = dict(Article.objects.values_list("pk", "preview_nonce"))
    assert after[published.pk] == nonces[published.pk]
    assert after[own.pk] != nonces[own.pk]


def test_restoring_an_old_version_does_not_bring_an_old_link_back(client):
    editor = Client()
    editor.force_login(make_user(EDITORS))
    story = make_article(title="Avant", status=Status.DRAFT, published_at=None)
    old_link = preview_url(story)
    first = story.history.get()
    story.title = "Après"
    story.save()
    editor.post(revoke_url(story))
    story.refresh_from_db()
    new_link = preview_url(story)

    url = f"/admin/articles/article/{story.pk}/history/{first.history_id}/"
    url += "?retablir=etat&retablir=themes&retablir=lies"
    data = form_data(editor.get(url), "#content-main form[method=post]")
    assert editor.post(url, data).status_code == 302
    story.refresh_from_db()
    assert story.title == "Avant"
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_revokes_the_links_from_the_story_form_in_a_browser(browsing):
    editor = make_user(EDITORS)
    story = make_article(
        title="À relire en privé", status=Status.DRAFT, published_at=None
    )
    old_link = preview_url(story)
    page = browsing.open()
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(editor.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    assert page.request.get(old_link).status == 200

    page.get_by_role("button", name="Révoquer les liens de prévisualisation").click()
    page.locator(".messagelist").wait_for()
    said = page.locator(".messagelist").inner_text()
    assert "Liens de prévisualisation révoqués" in said
    browsing.shoot(page, "revoque")
    new_link = urlsplit(page.locator(".field-preview_links input").input_value()).path
    assert page.request.get(old_link).status == 404
    assert page.request.get(new_link).status == 200
    assert not browsing.problems
