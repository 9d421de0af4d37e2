from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from articles.models import Article, Status
from articles.services import EDITORS, WRITERS, roles_sync

from .admin_forms import form_data
from .factories import make_article, make_user

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def change_url(story):
    return f"{ADMIN}{story.pk}/change/"


def test_setup_roles_is_idempotent():
    call_command("setup_roles", stdout=StringIO())
    counts = {g.name: g.permissions.count() for g in Group.objects.all()}
    call_command("setup_roles", stdout=StringIO())
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == counts
    assert Group.objects.count() == 2
    writers = {p.codename for p in Group.objects.get(name=WRITERS).permissions.all()}
    editors = {p.codename for p in Group.objects.get(name=EDITORS).permissions.all()}
    assert {"add_article", "change_article", "view_topic"} <= writers
    assert "publish_article" not in writers
    assert {
        "publish_article",
        "delete_article",
        "add_correction",
        "change_topic",
    } <= editors


def test_create_editor_gives_an_account_in_one_step(client):
    out = StringIO()
    call_command(
        "create_editor", "claire", "--password", "Une-phrase-de-passe-42", stdout=out
    )
    assert "Compte « claire » créé (Éditeurs)" in out.getvalue()
    claire = User.objects.get(username="claire")
    assert claire.is_staff and claire.has_perm("articles.publish_article")
    assert client.login(username="claire", password="Une-phrase-de-passe-42")
    assert client.get(ADMIN).status_code == 200


def test_create_editor_makes_writers_too():
    call_command(
        "create_editor",
        "rita",
        "--writer",
        "--password",
        "Une-phrase-de-passe-42",
        stdout=StringIO(),
    )
    rita = User.objects.get(username="rita")
    assert rita.groups.get().name == WRITERS
    assert not rita.has_perm("articles.publish_article")


@pytest.mark.parametrize(
    "args, message",
    [
        (["claire", "--password", "court"], "trop court"),
        (["existe", "--password", "Une-phrase-de-passe-42"], "existe déjà"),
    ],
)
def test_create_editor_refuses_bad_input(args, message):
    User.objects.create_user("existe")
    with pytest.raises(CommandError, match=message):
        call_command("create_editor", *args, stdout=StringIO())


@pytest.fixture
def newsroom(client):
    roles_sync()
    writer = make_user(WRITERS)
    editor = make_user(EDITORS)
    other_writer = make_user(WRITERS)
    return {
        "writer": writer,
        "editor": editor,
        "own_draft": make_article(
            status=Status.DRAFT, created_by=writer, published_at=None
        ),
        "own_review": make_article(status=Status.REVIEW, created_by=writer),
        "own_published": make_article(created_by=writer),
        "others_draft": make_article(status=Status.DRAFT, created_by=other_writer),
        "imported": make_article(),
    }


# What each role may do with each story: view the change page, save it, delete it.
MATRIX = [
    ("writer", "own_draft", True, True),
    ("writer", "own_review", True, True),
    ("writer", "own_published", False, False),
    ("writer", "others_draft", False, False),
    ("writer", "imported", False, False),
    ("editor", "own_draft", True, True),
    ("editor", "own_published", True, True),
    ("editor", "others_draft", True, True),
    ("editor", "imported", True, True),
]


@pytest.mark.parametrize("role, story, may_change, may_delete", MATRIX)
def test_permission_matrix(client, newsroom, role, story, may_change, may_delete):
    client.force_login(newsroom[role])
    story = newsroom[story]
    page = client.get(change_url(story))
    assert page.status_code == 200  # every newsroom member may read every story
    assert ('name="_save"' in page.content.decode()) is may_change

    data = (
        form_data(page, "#content-main form", title="Titre modifié")
        if may_change
        else {"title": "Titre modifié"}
    )
    response = client.post(change_url(story), data)
    assert response.status_code == (302 if may_change else 403)
    story.refresh_from_db()
    assert (story.title == "Titre modifié") is may_change

    delete = client.get(f"{ADMIN}{story.pk}/delete/")
    assert delete.status_code == (200 if may_delete else 403)


def test_writer_creates_a_draft_signed_with_their_name(client, newsroom):
    client.force_login(newsroom["writer"])
    page = client.get(f"{ADMIN}add/")
    # The state changes by the publishing buttons only, a writer's being
    # « Soumettre à la relecture ».
    assert not soup(page).select("[name=status], [name^=published_at]")
    steps = soup(page).select(".publishing-actions button[name=publication-step]")
    assert [button["value"] for button in steps] == ["soumettre"]
    data = form_data(
        page,
        "#content-main form",
        title="Mon sujet",
        slug="mon-sujet",
        body="Du texte.",
    )
    data["publication-step"] = "soumettre"
    assert client.post(f"{ADMIN}add/", data).status_code == 302
    story = Article.objects.get(slug="mon-sujet")
    assert story.created_by == newsroom["writer"] == story.updated_by
    assert story.status == Status.REVIEW


def test_writer_cannot_publish_through_the_form(client, newsroom):
    client.force_login(newsroom["writer"])
    story = newsroom["own_draft"]
    data = form_data(client.get(change_url(story)), "#content-main form")
    # A state posted as a field is not read: the form has none.
    response = client.post(change_url(story), {**data, "status": Status.PUBLISHED})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Status.DRAFT
    # The editors' button, posted anyway, is refused and says why.
    data = {**data, "publication-step": "publier"}
    response = client.post(change_url(story), data)
    assert response.status_code == 403
    assert "Seuls les éditeurs peuvent publier" in response.content.decode()
    story.refresh_from_db()
    assert story.status == Status.DRAFT


@pytest.mark.parametrize("action", ["publish", "unpublish", "delete_selected"])
def test_writer_cannot_run_editor_actions(client, newsroom, action):
    client.force_login(newsroom["writer"])
    actions = [
        o["value"] for o in soup(client.get(ADMIN)).select("select[name=action] option")
    ]
    assert action not in actions and "submit_for_review" in actions
    targets = [newsroom["own_draft"], newsroom["own_published"]]
    client.post(ADMIN, {"action": action, "_selected_action": [s.pk for s in targets]})
    for story in targets:
        before_status = story.status
        story.refresh_from_db()
        assert story.status == before_status
    assert Article.objects.filter(pk__in=[s.pk for s in targets]).count() == 2


def test_writer_submits_own_drafts_only(client, newsroom):
    client.force_login(newsroom["writer"])
    own, others = newsroom["own_draft"], newsroom["others_draft"]
    response = client.post(
        ADMIN,
        {"action": "submit_for_review", "_selected_action": [own.pk, others.pk]},
        follow=True,
    )
    own.refresh_from_db()
    others.refresh_from_db()
    assert own.status == Status.REVIEW and others.status == Status.DRAFT
    html = response.content.decode()
    assert "1 article soumis à la relecture." in html
    assert "1 article ignoré" in html


def test_people_outside_the_newsroom_cannot_enter(client):
    assert client.get(ADMIN).status_code == 302
    client.force_login(make_user())
    assert client.get(ADMIN).status_code == 302


def test_create_editor_asks_the_password_twice(monkeypatch):
    answers = iter(["Une-phrase-de-passe-42", "Une-autre-phrase-99"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="diffèrent"):
        call_command("create_editor", "paul", stdout=StringIO())
    assert not User.objects.filter(username="paul").exists()


def test_editors_hold_every_permission_of_the_apps_the_setting_names(settings):
    def editor_apps():
        editors = roles_sync()[EDITORS]
        return set(editors.permissions.values_list("content_type__app_label", flat=True))

    assert editor_apps() == {"articles", "trade"}  # the project's settings
    settings.GAZETTE_EDITOR_APPS = ["articles"]
    assert editor_apps() == {"articles"}
    del settings.GAZETTE_EDITOR_APPS
    assert editor_apps() == {"articles"}
