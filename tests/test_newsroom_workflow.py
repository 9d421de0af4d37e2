from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Article, Status
from articles.services import EDITORS, WRITERS
from articles.templatetags.gazette import french_date

from .admin_forms import form_data, queries_for
from .factories import make_article, make_topic, make_user

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(EDITORS))
    return client


def act(client, action, *stories):
    return client.post(
        ADMIN,
        {"action": action, "_selected_action": [s.pk for s in stories]},
        follow=True,
    )


def test_publish_action_sets_the_time_when_empty(editor_client):
    story = make_article(status=Status.REVIEW, published_at=None)
    response = act(editor_client, "publish", story)
    assert "1 article publié." in response.content.decode()
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert timezone.now() - story.published_at < timedelta(minutes=1)
    assert story.is_published()
    assert editor_client.get(story.get_absolute_url()).status_code == 200


def test_publish_action_keeps_a_future_time_and_says_scheduled(editor_client):
    when = timezone.now() + timedelta(days=2)
    story = make_article(title="À paraître", status=Status.REVIEW, published_at=when)
    response = act(editor_client, "publish", story)
    assert "« À paraître » est programmé : il paraîtra le" in response.content.decode()
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and story.published_at == when
    row = BeautifulSoup(editor_client.get(ADMIN).content, "html.parser").select_one(
        "#result_list tbody tr"
    )
    assert row.select_one(".state--scheduled").get_text() == "Programmé"
    assert row.select_one(".field-state").get_text() == (
        f"Programmé pour le {french_date(when)}"
    )


def test_publishing_twice_changes_nothing_and_says_so(editor_client):
    story = make_article()
    version = story.version
    response = act(editor_client, "publish", story)
    assert "1 article déjà publié ou programmé, inchangé." in response.content.decode()
    story.refresh_from_db()
    assert story.version == version


def test_unpublish_takes_the_story_off_the_site(editor_client, client):
    story = make_article(title="À retirer")
    response = act(editor_client, "unpublish", story)
    assert (
        "1 article retiré du site et remis en brouillon." in response.content.decode()
    )
    story.refresh_from_db()
    assert story.status == Status.DRAFT
    editor_client.logout()
    assert "À retirer" not in client.get("/").content.decode()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_editor_publishing_through_the_form_gets_the_time_set(editor_client):
    story = make_article(status=Status.DRAFT, published_at=None)
    url = f"{ADMIN}{story.pk}/change/"
    data = form_data(editor_client.get(url), "#article_form")
    data["publication-step"] = "publier"  # « Publier maintenant »
    assert editor_client.post(url, data).status_code == 302
    story.refresh_from_db()
    assert story.is_published()


def test_actions_keep_history_and_author(editor_client):
    story = make_article(status=Status.REVIEW)
    act(editor_client, "publish", story)
    story.refresh_from_db()
    latest = story.history.first()
    assert latest.status == Status.PUBLISHED
    assert latest.history_user == story.updated_by


def test_scheduled_story_appears_by_itself_at_its_time(client):
    when = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    story = make_article(title="Programmé pour demain", published_at=when)
    with time_machine.travel(when - timedelta(seconds=1), tick=False):
        assert not Article.objects.published().filter(pk=story.pk).exists()
        assert story.is_published() is False and story.is_scheduled
        assert client.get(story.get_absolute_url()).status_code == 404
        assert "Programmé pour demain" not in client.get("/").content.decode()
    with time_machine.travel(when, tick=False):
        assert Article.objects.published().filter(pk=story.pk).exists()
        assert story.is_published() is True and not story.is_scheduled
        assert client.get(story.get_absolute_url()).status_code == 200
        assert "Programmé pour demain" in client.get("/").content.decode()


def test_changelist_filters_search_and_badges(editor_client):
    author = make_user(EDITORS, username="auteur")
    draft = make_article(title="Un brouillon", status=Status.DRAFT, created_by=author)
    review = make_article(title="En attente", status=Status.REVIEW)
    scheduled = make_article(
        title="Pour plus tard", published_at=timezone.now() + timedelta(hours=3)
    )
    live = make_article(title="Déjà en ligne")

    def titles(query):
        page = BeautifulSoup(editor_client.get(ADMIN + query).content, "html.parser")
        return {a.get_text() for a in page.select("#result_list tbody th a")}

    assert titles("?etat=draft") == {draft.title}
    assert titles("?etat=review") == {review.title}
    assert titles("?etat=scheduled") == {scheduled.title}
    assert titles("?etat=live") == {live.title}
    assert titles(f"?created_by__id__exact={author.pk}") == {draft.title}
    assert titles("?q=attente") == {review.title}
    assert titles("?kind=brief") == set()
    page = BeautifulSoup(editor_client.get(ADMIN).content, "html.parser")
    assert {b.get_text() for b in page.select(".state")} == {
        "Brouillon",
        "En relecture",
        "Programmé",
        "Publié",
    }
    assert page.select_one("#changelist-filter") is not None
    assert page.select_one("nav.toplinks") is not None  # the date hierarchy
    assert all(
        a.get_text() == "Prévisualiser" for a in page.select(".field-preview_link a")
    )


@pytest.mark.parametrize(
    "status, hours, scheduled",
    [
        (Status.PUBLISHED, 2, True),
        (Status.PUBLISHED, -2, False),
        (Status.DRAFT, 2, False),
        (Status.REVIEW, 2, False),
    ],
)
def test_scheduled_queryset_and_instance_agree(status, hours, scheduled):
    story = make_article(
        status=status, published_at=timezone.now() + timedelta(hours=hours)
    )
    assert Article.objects.scheduled().filter(pk=story.pk).exists() is scheduled
    assert story.is_scheduled is scheduled


@pytest.mark.parametrize(
    "field, term, expected", [("topics", "Chi", "Chine"), ("related", "blé", "Le blé")]
)
def test_writers_pick_topics_and_related_stories_by_autocomplete(
    client, field, term, expected
):
    make_topic(name="Chine")
    make_article(title="Le blé kazakh")
    client.force_login(make_user(WRITERS))
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": field,
            "term": term,
        },
    )
    assert response.status_code == 200
    assert [r["text"][: len(expected)] for r in response.json()["results"]] == [
        expected
    ]


def test_body_preview_renders_typed_markdown_sanitised(editor_client):
    url = "/admin/articles/article/markdown-preview/"
    body = (
        "## Intertitre\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n"
        '<script>alert(1)</script> "oui"'
    )
    response = editor_client.post(url, {"body": body})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h2.get_text() == "Intertitre"
    assert page.select("td")[1].get_text() == "2"
    assert page.script is None
    assert "«\u202foui\u202f»" in page.get_text()
    assert editor_client.get(url).status_code == 405


def test_story_form_shows_the_saved_body_formatted_and_the_markdown_help(
    editor_client,
):
    story = make_article(body='Du **blé** <script>alert(1)</script> "oui"')
    response = editor_client.get(f"{ADMIN}{story.pk}/change/")
    page = BeautifulSoup(response.content, "html.parser")
    preview = page.select_one(".field-body_preview .body-preview")
    assert preview["data-url"] == "/admin/articles/article/markdown-preview/"
    assert preview.strong.get_text() == "blé"
    assert preview.script is None and "«\u202foui\u202f»" in preview.get_text()
    help_terms = page.select(".field-markdown_help dl.markdown-help dt")
    assert [dt.get_text() for dt in help_terms][:3] == [
        "Paragraphe",
        "Intertitre",
        "Gras, italique",
    ]


def test_body_preview_is_for_the_newsroom_only(client):
    url = "/admin/articles/article/markdown-preview/"
    assert client.post(url, {"body": "x"}).status_code == 302
    client.force_login(make_user(is_staff=True))
    assert client.post(url, {"body": "x"}).status_code == 403


def test_changelist_query_count_does_not_grow_with_stories(editor_client):
    author = make_user(EDITORS)
    for _ in range(3):
        make_article(created_by=author)
    few = queries_for(editor_client, ADMIN)
    for _ in range(30):
        make_article(created_by=make_user(EDITORS))
    assert queries_for(editor_client, ADMIN) == few
