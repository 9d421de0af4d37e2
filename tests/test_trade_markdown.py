import pytest
from bs4 import BeautifulSoup
from django.contrib.admin import site
from django.core.exceptions import ValidationError

from articles.models import Article
from tests.factories import make_article, make_figure

pytestmark = pytest.mark.django_db

# Between a number and its unit: no line break there.
NBSP = "\u00a0"


def test_token_renders_the_record_in_french_with_its_source():
    figure = make_figure(slug="kz-cn-2024", value="43.8")
    story = make_article(
        body="Les échanges ont atteint [[chiffre:kz-cn-2024]] en 2024."
    )
    link = BeautifulSoup(story.body_html, "html.parser").select_one("a.chiffre")
    assert link.get_text() == f"43,8{NBSP}milliards de dollars"
    assert link["href"] == figure.source.url


def test_unsourced_figure_renders_marked_unverified():
    make_figure(slug="s1-2025", value="21.8", source=None)
    story = make_article(body="Au premier semestre, [[chiffre:s1-2025]].")
    span = BeautifulSoup(story.body_html, "html.parser").select_one(
        ".chiffre--non-verifie"
    )
    assert span.get_text() == f"21,8{NBSP}milliards de dollars"


def test_changing_the_record_changes_the_story():
    figure = make_figure(slug="kz-cn-2024", value="43.8")
    story = make_article(body="Total : [[chiffre:kz-cn-2024]].")
    figure.value = "43.82"
    figure.save()
    story.refresh_from_db()
    assert "43,82&nbsp;milliards de dollars" in story.body_html
    assert "43,8&nbsp;milliards" not in story.body_html


def test_deleting_the_record_takes_its_number_out_of_the_story():
    figure = make_figure(slug="supprime", value="43.8")
    story = make_article(body="Total : [[chiffre:supprime]].")
    figure.delete()
    story.refresh_from_db()
    assert "43,8" not in story.body_html
    assert "[chiffre indisponible]" in story.body_html


def test_unknown_token_is_refused_at_validation_with_a_clear_message():
    story = make_article(body="Un chiffre : [[chiffre:inexistant]].")
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    message = error.value.message_dict["body"][0]
    assert "Chiffre inconnu" in message and "[[chiffre:inexistant]]" in message


def test_unknown_token_is_refused_by_the_admin_form(rf, admin_user):
    make_figure(slug="connu")
    story = make_article(body="ok")
    request = rf.get("/")
    request.user = admin_user
    form_class = site.get_model_admin(Article).get_form(request, story)
    data = {
        "title": story.title,
        "slug": story.slug,
        "kind": story.kind,
        "standfirst": "",
        "status": story.status,
        "dateline": "Paris",
        "credit": "La Gazette",
        "body": "[[chiffre:connu]] et [[chiffre:inconnu]]",
    }
    form = form_class(data=data, instance=story)
    assert not form.is_valid()
    assert "[[chiffre:inconnu]]" in form.errors["body"][0]
    assert "[[chiffre:connu]]" not in form.errors["body"][0]


def test_known_token_passes_validation():
    make_figure(slug="connu")
    make_article(body="[[chiffre:connu]]").full_clean()


def test_token_in_code_is_left_alone():
    story = make_article(body="Écrivez `[[chiffre:exemple]]` dans le texte.")
    assert "[[chiffre:exemple]]" in story.body_html
    story.full_clean()
