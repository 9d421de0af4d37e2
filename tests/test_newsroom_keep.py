"""Nothing typed is lost: autosave, presence, the field-by-field conflict
form and one version per save (articles.keeping, articles.conflicts)."""

import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from articles.models import Article, Autosave, Status
from articles.services import EDITORS, WRITERS
from articles.templatetags.gazette import french_time

from .admin_forms import form_data
from .factories import make_article, make_topic, make_user

pytestmark = pytest.mark.django_db

AUTOSAVE = "/admin/articles/article/autosave/"


def change_url(story):
    return f"/admin/articles/article/{story.pk}/change/"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def client_of(user, **options):
    client = Client(**options)
    client.force_login(user)
    return client


def autosave(client, story=None, **data):
    payload = {"story": story.pk if story else ""}
    for name, value in data.items():
        payload[name] = json.dumps(value) if name == "text" else value
    return client.post(AUTOSAVE, payload)


@pytest.fixture
def editor():
    return make_user(EDITORS, first_name="Claire", last_name="Fabre")


@pytest.fixture
def draft():
    return make_article(
        title="Le port ouvre", body="Texte d’origine.", status=Status.DRAFT, published_at=None
    )


# Autosave


def test_autosave_keeps_the_text_apart_from_the_story(editor, draft):
    client = client_of(editor)
    revisions = draft.history.count()
    response = autosave(client, draft, text={"title": "Le port ferme", "body": "Nouveau."})
    assert response.status_code == 200
    assert response.json()["saved_at"] == french_time(
        Autosave.objects.get().saved_at
    )
    kept = Autosave.objects.get(user=editor, story=draft)
    assert kept.fields == {"title": "Le port ferme", "body": "Nouveau."}
    draft.refresh_from_db()
    assert (draft.title, draft.body, draft.version) == ("Le port ouvre", "Texte d’origine.", 1)
    assert draft.history.count() == revisions
    # A later autosave replaces the text kept; a heartbeat leaves it.
    autosave(client, draft, text={"body": "Plus récent."})
    autosave(client, draft)
    assert Autosave.objects.get().fields == {"body": "Plus récent."}


def test_autosaved_text_never_reaches_readers(editor):
    story = make_article(title="En ligne", body="Le texte publié.")
    autosave(client_of(editor), story, text={"body": "Brouillon secret de Claire."})
    page = Client().get(story.get_absolute_url())
    assert page.status_code == 200
    assert "Le texte publié." in page.content.decode()
    assert "Brouillon secret" not in page.content.decode()


def test_autosave_without_a_session_answers_401_in_json(draft):
    response = autosave(Client(), draft, text={"body": "Perdu ?"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"].startswith(
        "Session expirée : votre texte est gardé dans ce navigateur."
    )
    assert not Autosave.objects.exists()


def test_autosave_checks_the_csrf_token(editor, draft):
    client = client_of(editor, enforce_csrf_checks=True)
    assert autosave(client, draft, text={"body": "Sans jeton."}).status_code == 403
    assert not Autosave.objects.exists()
    page = client.get(change_url(draft))
    token = soup(page).select_one("input[name=csrfmiddlewaretoken]")["value"]
    response = client.post(
        AUTOSAVE,
        {"story": draft.pk, "text": json.dumps({"body": "Avec jeton."})},
        HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert Autosave.objects.get().fields == {"body": "Avec jeton."}


def test_writer_cannot_autosave_a_story_they_may_not_edit(draft):
    writer, author = make_user(WRITERS), make_user(WRITERS)
    own = make_article(created_by=writer, status=Status.DRAFT, published_at=None)
    published = make_article(created_by=writer)
    others = make_article(created_by=author, status=Status.DRAFT, published_at=None)
    client = client_of(writer)
    for story in (others, published):
        response = autosave(client, story, text={"body": "Pas à moi."})
        assert response.status_code == 403
        assert response.json()["error"] == "Vous ne pouvez pas modifier cet article."
    assert autosave(client, own, text={"body": "À moi."}).status_code == 200
    assert list(Autosave.objects.values_list("story", flat=True)) == [own.pk]


def test_a_new_story_is_autosaved_once_per_person(editor):
    client = client_of(editor)
    assert autosave(client, text={"title": "Premier jet"}).status_code == 200
    assert autosave(client, text={"title": "Deuxième jet"}).status_code == 200
    kept = Autosave.objects.get()
    assert kept.story is None
    assert kept.fields == {"title": "Deuxième jet"}


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"text": ["body"]}, 400, "Le texte doit nommer les champs du formulaire"),
        ({"text": {"wire_ref": "x"}}, 400, "Le texte doit nommer les champs du formulaire"),
        ({"text": {"body": 3}}, 400, "Le champ « texte » doit être du texte."),
        ({"text": {"title": "t" * 256}}, 400, "Le champ « titre » dépasse 255 caractères."),
        ({"text": "{pas du json"}, 400, "JSON"),
        ({"story": "abc"}, 400, "nombre entier"),
        ({"story": 999999}, 404, "Cet article n’existe plus."),
    ],
)
def test_bad_autosaves_are_refused_in_french(editor, draft, data, status, message):
    payload = {"story": draft.pk, **data}
    if isinstance(payload.get("text"), (dict, list)):
        payload["text"] = json.dumps(payload["text"])
    response = client_of(editor).post(AUTOSAVE, payload)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert not Autosave.objects.exists()


def test_autosave_is_post_only(editor):
    response = client_of(editor).get(AUTOSAVE)
    assert response.status_code == 405
    assert response.json()["error"] == "Envoyez le texte en POST."


def test_autosave_strips_control_characters(editor, draft):
    autosave(client_of(editor), draft, text={"body": "Un\x00 texte\r\nsur deux lignes"})
    assert Autosave.objects.get().fields == {"body": "Un texte\nsur deux lignes"}


def test_the_form_offers_the_text_kept_and_saving_deletes_it(editor, draft):
    client = client_of(editor)
    colleague = make_user(EDITORS)
    autosave(client_of(colleague), draft, text={"body": "Le texte du collègue."})
    autosave(client, draft, text={"body": "Texte non enregistré."})
    page = client.get(change_url(draft))
    kept = json.loads(soup(page).select_one("#keep-kept").get_text())
    assert kept["fields"] == {"body": "Texte non enregistré."}
    offer = soup(page).select_one(".keep-offer")
    assert offer.has_attr("hidden")  # shown by the script, which compares
    assert "Reprendre le texte non enregistré ?" in offer.get_text()

    saved = client.post(
        change_url(draft), form_data(page, "#article_form", body="Texte enregistré."))
    assert saved.status_code == 302
    assert not Autosave.objects.filter(user=editor).exists()
    # A colleague's unsaved text is theirs: it stays.
    assert Autosave.objects.get(user=colleague).fields == {"body": "Le texte du collègue."}
    page = client.get(change_url(draft))
    assert soup(page).select_one("#keep-kept").get_text() == "null"


def test_adding_a_story_deletes_the_new_story_autosave(editor):
    client = client_of(editor)
    autosave(client, text={"title": "Nouvel article"})
    page = client.get("/admin/articles/article/add/")
    assert json.loads(soup(page).select_one("#keep-kept").get_text())["fields"] == {
        "title": "Nouvel article"
    }
    data = form_data(page, "#article_form", title="Nouvel article", slug="nouvel-article")
    assert client.post("/admin/articles/article/add/", data).status_code == 302
    assert not Autosave.objects.exists()


def test_a_page_the_person_may_not_edit_has_no_autosave(draft):
    writer = make_user(WRITERS)
    others = make_article(created_by=make_user(WRITERS), status=Status.PUBLISHED)
    page = client_of(writer).get(change_url(others))
    assert page.status_code == 200
    assert soup(page).select_one("#keep") is None


# Presence


def test_opening_a_story_someone_else_edits_says_so(editor, draft):
    bruno = make_user(EDITORS, first_name="Bruno")
    autosave(client_of(editor), draft)
    started = Autosave.objects.get().started_at
    page = client_of(bruno).get(change_url(draft))
    notice = soup(page).select_one(".keep-editing")
    assert not notice.has_attr("hidden")
    assert notice.get_text().strip() == (
        f"Claire Fabre modifie cet article depuis {french_time(started)}"
    )
    # Times are Paris times, « 13 h 31 ».
    local = timezone.localtime(started)
    assert french_time(started) == f"{local.hour}\u00a0h\u00a0{local:%M}"
    assert str(timezone.localtime(started).tzinfo) == "Europe/Paris"
    # The answer to Bruno's own heartbeat says the same.
    answer = autosave(client_of(bruno), draft).json()
    assert answer["editing"] == [
        f"Claire Fabre modifie cet article depuis {french_time(started)}"
    ]


def test_no_notice_for_oneself_nor_for_a_page_closed_long_ago(editor, draft):
    autosave(client_of(editor), draft)
    page = client_of(editor).get(change_url(draft))
    assert soup(page).select_one(".keep-editing").has_attr("hidden")
    Autosave.objects.update(saved_at=timezone.now() - timedelta(minutes=5))
    page = client_of(make_user(EDITORS)).get(change_url(draft))
    assert soup(page).select_one(".keep-editing").has_attr("hidden")


def test_presence_starts_again_after_the_page_was_closed(editor, draft):
    client = client_of(editor)
    autosave(client, draft, text={"body": "Hier."})
    long_ago = timezone.now() - timedelta(hours=20)
    Autosave.objects.update(started_at=long_ago, saved_at=long_ago)
    autosave(client, draft)
    kept = Autosave.objects.get()
    assert kept.started_at > timezone.now() - timedelta(minutes=1)
    assert kept.fields == {"body": "Hier."}
    # While the page stays open, the start stays.
    started = kept.started_at
    autosave(client, draft)
    assert Autosave.objects.get().started_at == started


# The field-by-field conflict form


@pytest.fixture
def two_editors():
    alice = make_user(EDITORS, first_name="Alice", last_name="Martin")
    bruno = make_user(EDITORS, first_name="Bruno", last_name="Petit")
    return client_of(alice), client_of(bruno)


def conflicted(two_editors, story, mine, theirs):
    """Bruno's save refused: Alice saved ``theirs`` after he opened the story."""
    client_a, client_b = two_editors
    page_a = client_a.get(change_url(story))
    page_b = client_b.get(change_url(story))
    saved = client_a.post(change_url(story), form_data(page_a, "#article_form", **theirs))
    assert saved.status_code == 302
    refused = client_b.post(
        change_url(story), form_data(page_b, "#article_form", **mine))
    assert refused.status_code == 409
    return refused


def comparison(response):
    return {
        row.th.get_text(): (
            row.select_one(".keep-theirs").get_text(),
            row.select_one(".keep-mine").get_text(),
            [radio["value"] for radio in row.select("input[type=radio]")],
        )
        for row in soup(response).select(".keep-conflict tbody tr")
    }


def test_a_refused_save_compares_field_by_field(two_editors, draft):
    refused = conflicted(
        two_editors,
        draft,
        mine={"body": "Texte de Bruno."},
        theirs={"title": "Le port ferme", "body": "Texte d’Alice."},
    )
    html = refused.content.decode()
    assert "Alice Martin a enregistré cet article" in html
    # The message asks to choose « ci-dessous »: the comparison follows it.
    assert html.index('class="errorlist nonfield"') < html.index("keep-conflict")
    assert comparison(refused) == {
        "Titre": ("Le port ferme", "Le port ouvre", ["sienne", "mienne"]),
        "Texte": ("Texte d’Alice.", "Texte de Bruno.", ["sienne", "mienne"]),
    }
    labels = [label.get_text().strip() for label in soup(refused).select(".keep-conflict label")]
    assert labels[:2] == ["garder la sienne", "garder la mienne"]
    draft.refresh_from_db()
    assert (draft.title, draft.body, draft.version) == ("Le port ferme", "Texte d’Alice.", 2)
    # Bruno's text is still in his form.
    assert soup(refused).select_one("textarea[name=body]").get_text().strip() == "Texte de Bruno."


def test_a_second_save_without_choosing_is_refused_again(two_editors, draft):
    _, client_b = two_editors
    refused = conflicted(
        two_editors, draft, mine={"body": "Texte de Bruno."}, theirs={"body": "Texte d’Alice."}
    )
    again = client_b.post(change_url(draft), form_data(refused, "#article_form"))
    assert again.status_code == 409
    assert "Choisissez, pour chaque champ qui diffère" in again.content.decode()
    draft.refresh_from_db()
    assert draft.body == "Texte d’Alice."
    assert draft.history.count() == 2


def test_the_merged_result_is_saved_over_the_current_version(two_editors, draft):
    _, client_b = two_editors
    chine = make_topic(name="Chine")
    refused = conflicted(
        two_editors,
        draft,
        mine={"title": "Titre de Bruno", "body": "Texte de Bruno."},
        theirs={"title": "Titre d’Alice", "body": "Texte d’Alice.", "topics": [chine.pk]},
    )
    assert set(comparison(refused)) == {"Titre", "Texte", "Thèmes"}
    assert comparison(refused)["Thèmes"][:2] == ("Chine", "—")
    merged = client_b.post(
        change_url(draft),
        form_data(
            refused,
            "#article_form",
            garder_title="sienne",
            garder_body="mienne",
            garder_topics="sienne",
        ))
    assert merged.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Titre d’Alice"
    assert draft.body == "Texte de Bruno."
    assert list(draft.topics.all()) == [chine]
    assert draft.version == 3
    assert draft.updated_by.first_name == "Bruno"
    assert draft.history.count() == 3


def test_choices_made_against_an_older_version_ask_again(two_editors, draft):
    client_a, client_b = two_editors
    refused = conflicted(
        two_editors, draft, mine={"body": "Texte de Bruno."}, theirs={"body": "Texte d’Alice."}
    )
    # Alice saves once more while Bruno chooses.
    page_a = client_a.get(change_url(draft))
    client_a.post(change_url(draft), form_data(page_a, "#article_form", body="Alice, encore."))
    again = client_b.post(
        change_url(draft), form_data(refused, "#article_form", garder_body="mienne"))
    assert again.status_code == 409
    assert comparison(again)["Texte"][:2] == ("Alice, encore.", "Texte de Bruno.")
    draft.refresh_from_db()
    assert draft.body == "Alice, encore."


# One save, one version


def test_one_admin_save_makes_one_revision(editor, draft):
    client = client_of(editor)
    chine, other = make_topic(name="Chine"), make_article(title="Un autre")
    before = draft.history.count()
    page = client.get(change_url(draft))
    data = form_data(
        page, "#article_form", title="Nouveau titre", topics=[chine.pk], related=[other.pk]
    )
    assert client.post(change_url(draft), data).status_code == 302
    assert draft.history.count() == before + 1
    newest = draft.history.first()
    assert newest.title == "Nouveau titre"
    assert newest.history_type == "~"
    assert newest.history_user == editor
    assert [link.topic_id for link in newest.topics.all()] == [chine.pk]
    assert [link.to_article_id for link in newest.related.all()] == [other.pk]


def test_adding_a_story_with_links_makes_one_revision(editor):
    client = client_of(editor)
    chine = make_topic(name="Chine")
    page = client.get("/admin/articles/article/add/")
    data = form_data(
        page, "#article_form", title="Tout neuf", slug="tout-neuf", topics=[chine.pk]
    )
    assert client.post("/admin/articles/article/add/", data).status_code == 302
    story = Article.objects.get(slug="tout-neuf")
    (record,) = story.history.all()
    assert record.history_type == "+"
    assert [link.topic_id for link in record.topics.all()] == [chine.pk]


def test_history_pages_show_times_to_the_second(editor, draft):
    client = client_of(editor)
    page = client.get(change_url(draft))
    client.post(change_url(draft), form_data(page, "#article_form", body="Relu."))
    history = soup(client.get(f"{change_url(draft)[:-7]}history/"))
    newest = draft.history.first()
    local = timezone.localtime(newest.history_date)
    cells = [row.select("td")[3].get_text() for row in history.select("#change-history tbody tr")]
    assert cells[0].endswith(
        f"à {local.hour}\u00a0h\u00a0{local:%M}\u00a0min\u00a0{local:%S}\u00a0s"
    )
