from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from articles.services import EDITORS, WRITERS
from articles.views import preview_url

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
    other_use = signing.dumps(draft.pk, salt="un-autre-usage")
    for bad in [token[:-2] + "xx", other_use, "n-importe-quoi"]:
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
