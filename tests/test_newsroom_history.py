from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.utils import timezone

from articles.models import Status
from articles.revisions import words_diff
from articles.services import EDITORS, WRITERS
from articles.templatetags.gazette import french_date

from .admin_forms import form_data, queries_for
from .factories import make_article, make_brief, make_topic, make_user

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"
# The restore page's own form (above it, the choice of what to restore).
RESTORE_FORM = "#content-main form[method=post]"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def edited(client):
    """A story saved three times through the admin by one editor."""
    editor = make_user(EDITORS, username="rosa")
    client.force_login(editor)
    story = make_article(
        title="Titre premier",
        body="Le blé part vers la Chine.",
        status=Status.DRAFT,
        published_at=None,
    )
    url = f"{ADMIN}{story.pk}/change/"
    for title, body in [
        ("Titre second", "Le blé part vers la Chine et l’Iran."),
        ("Titre troisième", "Le blé part vers l’Iran."),
    ]:
        assert (
            client.post(
                url, form_data(client.get(url), "#article_form", title=title, body=body)
            ).status_code
            == 302
        )
    story.refresh_from_db()
    return story


def test_every_save_keeps_a_revision_with_who_and_when(client, edited):
    records = list(edited.history.all())
    assert [r.title for r in records] == [
        "Titre troisième",
        "Titre second",
        "Titre premier",
    ]
    assert records[0].history_user.username == "rosa"
    page = soup(client.get(f"{ADMIN}{edited.pk}/history/"))
    rows = page.select("#change-history tbody tr")
    assert len(rows) == 3
    assert rows[0].select("td")[-1].get_text() == "titre, texte"
    assert "rosa" in rows[0].get_text()


def test_compare_two_revisions_shows_the_words_changed(client, edited):
    newest, _, oldest = edited.history.all()
    response = client.get(
        f"{ADMIN}{edited.pk}/history/compare/",
        {"de": oldest.history_id, "a": newest.history_id},
    )
    assert response.status_code == 200
    page = soup(response)
    diff = {row.th.get_text(): row.td for row in page.select(".revision-diff tr")}
    assert set(diff) == {"Titre", "Texte"}
    assert [d.get_text() for d in diff["Texte"].select("del")] == ["la Chine."]
    assert [i.get_text() for i in diff["Texte"].select("ins")] == ["l’Iran."]
    assert "Rétablir la version du" in response.content.decode()


@pytest.mark.parametrize(
    "query", [{}, {"de": "x", "a": "1"}, {"de": "999999", "a": "999999"}]
)
def test_compare_with_bad_versions_is_404(client, edited, query):
    assert client.get(f"{ADMIN}{edited.pk}/history/compare/", query).status_code == 404


def test_restore_a_revision(client, edited):
    oldest = edited.history.last()
    url = f"{ADMIN}{edited.pk}/history/{oldest.history_id}/"
    page = client.get(url)
    assert page.status_code == 200
    assert soup(page).select_one("input[name=title]")["value"] == "Titre premier"
    response = client.post(url, form_data(page, RESTORE_FORM, _save="Rétablir"))
    assert response.status_code == 302
    edited.refresh_from_db()
    assert edited.title == "Titre premier"
    assert edited.body == "Le blé part vers la Chine."
    assert edited.version == 4
    assert edited.history.count() == 4
    assert edited.history.first().history_user.username == "rosa"


def test_restore_respects_a_save_made_meanwhile(client, edited):
    oldest = edited.history.last()
    url = f"{ADMIN}{edited.pk}/history/{oldest.history_id}/"
    page = client.get(url)
    edited.title = "Changé entre-temps"
    edited.save()
    response = client.post(url, form_data(page, RESTORE_FORM))
    assert response.status_code == 200
    assert "a enregistré cet article" in response.content.decode()
    edited.refresh_from_db()
    assert edited.title == "Changé entre-temps"


def test_writer_cannot_restore_a_story_they_may_not_edit(client, edited):
    client.force_login(make_user(WRITERS))
    oldest = edited.history.last()
    url = f"{ADMIN}{edited.pk}/history/{oldest.history_id}/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Rétablir"' not in page.content.decode()
    assert client.post(url, form_data(page, RESTORE_FORM)).status_code == 403
    edited.refresh_from_db()
    assert edited.title == "Titre troisième"


def test_words_diff_cuts_the_new_text_into_kept_removed_and_added_words():
    assert words_diff("un <b>texte</b> ici", "un <script>alert(1)</script> ici") == [
        ("", "un "),
        ("del", "<b>texte</b>"),
        ("ins", "<script>alert(1)</script>"),
        ("", " ici"),
    ]


def test_compare_page_escapes_the_words_it_marks(client):
    client.force_login(make_user(EDITORS))
    story = make_article(title="un <b>texte</b>", status=Status.DRAFT, published_at=None)
    url = f"{ADMIN}{story.pk}/change/"
    data = form_data(client.get(url), "#article_form", title="un <script>x</script>")
    assert client.post(url, data).status_code == 302
    newest, oldest = story.history.all()
    response = client.get(
        f"{ADMIN}{story.pk}/history/compare/",
        {"de": oldest.history_id, "a": newest.history_id},
    )
    assert "<script>x" not in response.content.decode()
    title = soup(response).select_one(".revision-diff tr td")
    assert str(title) == (
        "<td>un <del>&lt;b&gt;texte&lt;/b&gt;</del>"
        "<ins>&lt;script&gt;x&lt;/script&gt;</ins></td>"
    )


def test_history_page_query_count_does_not_grow_with_revisions(client, edited):
    url = f"{ADMIN}{edited.pk}/history/"
    few = queries_for(client, url)
    for n in range(20):
        edited.title = f"Titre {n}"
        edited._history_user = make_user()
        edited.save()
    assert queries_for(client, url) == few


def test_topic_changes_are_kept_compared_and_restored(client):
    from .factories import make_topic

    client.force_login(make_user(EDITORS, username="rosa"))
    chine, inde = make_topic(name="Chine"), make_topic(name="Inde")
    story = make_article(title="Le blé", status=Status.DRAFT, published_at=None)
    story.topics.set([chine])
    url = f"{ADMIN}{story.pk}/change/"
    page = client.get(url)
    data = form_data(page, "#article_form", title="Le blé, suite")
    data["topics"] = [str(inde.pk)]
    assert client.post(url, data).status_code == 302
    assert list(story.topics.all()) == [inde]

    with_chine = next(r for r in story.history.all() if list(r.topics.all()) and r.topics.get().topic_id == chine.pk)
    newest = story.history.first()
    response = client.get(
        f"{ADMIN}{story.pk}/history/compare/",
        {"de": with_chine.history_id, "a": newest.history_id},
    )
    diff = {row.th.get_text(): row.td for row in soup(response).select(".revision-diff tr")}
    assert [d.get_text() for d in diff["Thèmes"].select("del")] == ["Chine"]
    assert [i.get_text() for i in diff["Thèmes"].select("ins")] == ["Inde"]

    restore = f"{ADMIN}{story.pk}/history/{with_chine.history_id}/"
    chosen = soup(client.get(restore)).select("select[name=topics] option[selected]")
    assert [option["value"] for option in chosen] == [str(inde.pk)]
    restore += "?retablir=themes"
    page = client.get(restore)
    chosen = soup(page).select("select[name=topics] option[selected]")
    assert [option["value"] for option in chosen] == [str(chine.pk)]
    assert client.post(restore, form_data(page, RESTORE_FORM)).status_code == 302
    assert list(story.topics.all()) == [chine]


def test_topics_changed_from_the_topic_side_keep_a_version_of_each_story():
    from .factories import make_topic

    chine = make_topic(name="Chine")
    first, second = make_article(title="Premier"), make_article(title="Second")
    versions = {story.pk: story.history.count() for story in (first, second)}
    chine.articles.add(first, second)
    for story in (first, second):
        assert story.history.count() == versions[story.pk] + 1
        newest = story.history.first()
        assert [link.topic_id for link in newest.topics.all()] == [chine.pk]
    chine.articles.remove(second)
    assert [link.topic_id for link in second.history.first().topics.all()] == []
    chine.articles.clear()
    assert list(first.topics.all()) == []
    assert [link.topic_id for link in first.history.first().topics.all()] == []
    assert not hasattr(chine, "skip_history_when_saving")


@pytest.fixture
def scheduled_brief():
    """A brief first saved as a bare draft, then rewritten, scheduled for
    tomorrow, given a topic and linked to a story."""
    brief = make_brief(
        title="Premier jet",
        standfirst="Chapô premier",
        status=Status.DRAFT,
        published_at=None,
    )
    brief.title, brief.standfirst = "Titre définitif", "Chapô définitif"
    brief.status = Status.PUBLISHED
    brief.published_at = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    brief.save()
    brief.topics.set([make_topic(name="Céréales")])
    brief.related.set([make_article(title="Le grand article")])
    brief.refresh_from_db()
    return brief


def restore(client, story, record, query=""):
    """Open the restore page of ``record``, then post it as « Rétablir » does."""
    url = f"{ADMIN}{story.pk}/history/{record.history_id}/{query}"
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page, RESTORE_FORM, _save="Rétablir")
    return client.post(url, data)


def state(story):
    story.refresh_from_db()
    return {
        "title": story.title,
        "standfirst": story.standfirst,
        "status": story.status,
        "published_at": story.published_at,
        "topics": [t.name for t in story.topics.all()],
        "related": [r.title for r in story.related.all()],
    }


def test_restoring_the_first_revision_of_a_scheduled_brief_keeps_its_publication(
    client, scheduled_brief
):
    client.force_login(make_user(EDITORS))
    first = scheduled_brief.history.last()
    before = state(scheduled_brief)
    page = soup(client.get(f"{ADMIN}{scheduled_brief.pk}/history/{first.history_id}/"))
    assert page.select_one("input[name=title]")["value"] == "Premier jet"
    status = page.select_one("select[name=status] option[selected]")
    assert status["value"] == "published"
    boxes = page.select(".restore-choice input[name=retablir]")
    assert [box["value"] for box in boxes] == ["etat", "themes", "lies"]
    assert not any(box.has_attr("checked") for box in boxes)

    response = restore(client, scheduled_brief, first)
    assert response.status_code == 302
    assert state(scheduled_brief) == {
        **before,
        "title": "Premier jet",
        "standfirst": "Chapô premier",
    }
    assert scheduled_brief.is_scheduled
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Version du {french_date(first.history_date, seconds=True)} rétablie : titre et chapô. "
        "État et date de publication, thèmes et articles liés inchangés."
    ]


@pytest.mark.parametrize(
    "ticked, restored, message",
    [
        (
            "etat",
            {"status": Status.DRAFT, "published_at": None},
            "titre, état, date de publication et chapô. Thèmes et articles liés "
            "inchangés.",
        ),
        ("themes", {"topics": []}, "titre, chapô et thèmes. État et date de "
         "publication et articles liés inchangés."),
        ("lies", {"related": []}, "titre, chapô et articles liés. État et date de "
         "publication et thèmes inchangés."),
    ],
)
def test_restoring_brings_back_what_is_ticked(
    client, scheduled_brief, ticked, restored, message
):
    client.force_login(make_user(EDITORS))
    first = scheduled_brief.history.last()
    before = state(scheduled_brief)
    response = restore(client, scheduled_brief, first, f"?retablir={ticked}")
    assert response.status_code == 302
    text = {"title": "Premier jet", "standfirst": "Chapô premier"}
    assert state(scheduled_brief) == {**before, **text, **restored}
    [said] = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == f"Version du {french_date(first.history_date, seconds=True)} rétablie : {message}"
    assert "modifié avec succès" not in said


def test_restoring_with_everything_ticked_brings_back_the_whole_version(
    client, scheduled_brief
):
    client.force_login(make_user(EDITORS))
    first = scheduled_brief.history.last()
    query = "?retablir=etat&retablir=themes&retablir=lies"
    url = f"{ADMIN}{scheduled_brief.pk}/history/{first.history_id}/"
    page = soup(client.get(url + query))
    checked = page.select(".restore-choice input[name=retablir][checked]")
    assert [box["value"] for box in checked] == ["etat", "themes", "lies"]
    response = restore(client, scheduled_brief, first, query)
    assert response.status_code == 302
    assert state(scheduled_brief) == {
        "title": "Premier jet",
        "standfirst": "Chapô premier",
        "status": Status.DRAFT,
        "published_at": None,
        "topics": [],
        "related": [],
    }
    [said] = [str(m) for m in get_messages(response.wsgi_request)]
    assert said.endswith(
        "rétablie : titre, état, date de publication, chapô, thèmes et articles liés."
    )


def test_restoring_the_current_version_says_nothing_changed(client, scheduled_brief):
    client.force_login(make_user(EDITORS))
    newest = scheduled_brief.history.first()
    response = restore(client, scheduled_brief, newest)
    [said] = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == (
        f"Version du {french_date(newest.history_date, seconds=True)} rétablie : rien n’a changé. "
        "État et date de publication, thèmes et articles liés inchangés."
    )


@pytest.mark.parametrize("query", ["?retablir=tout", "?retablir=etat&retablir=x"])
def test_an_unknown_choice_is_refused_in_french(client, scheduled_brief, query):
    client.force_login(make_user(EDITORS))
    first = scheduled_brief.history.last()
    url = f"{ADMIN}{scheduled_brief.pk}/history/{first.history_id}/{query}"
    versions = scheduled_brief.history.count()
    response = client.get(url)
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert client.post(url, {"title": "Rien"}).status_code == 400
    assert scheduled_brief.history.count() == versions
    assert state(scheduled_brief)["title"] == "Titre définitif"


def test_writers_restore_their_own_drafts_but_never_a_state_or_date(client):
    writer = make_user(WRITERS)
    client.force_login(writer)
    draft = make_article(
        title="Version une", status=Status.DRAFT, published_at=None, created_by=writer
    )
    draft.title, draft.status = "Version deux", Status.REVIEW
    draft.save()
    draft.topics.set([make_topic(name="Énergie")])
    first = draft.history.last()
    url = f"{ADMIN}{draft.pk}/history/{first.history_id}/"
    boxes = soup(client.get(url)).select(".restore-choice input[name=retablir]")
    assert [box["value"] for box in boxes] == ["themes", "lies"]
    assert client.get(f"{url}?retablir=etat").status_code == 400

    assert restore(client, draft, first, "?retablir=themes").status_code == 302
    assert state(draft) == {
        "title": "Version une",
        "standfirst": "Un chapô.",
        "status": Status.REVIEW,
        "published_at": None,
        "topics": [],
        "related": [],
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_ticks_topics_and_restores_in_a_browser(browsing, scheduled_brief):
    editor = make_user(EDITORS)
    first = scheduled_brief.history.last()
    page = browsing.open()
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(editor.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.goto(f"{ADMIN}{scheduled_brief.pk}/history/{first.history_id}/")
    page.get_by_label("les thèmes").check()
    page.get_by_role("button", name="Appliquer ce choix").click()
    page.wait_for_url("**?retablir=themes")
    assert page.get_by_label("les thèmes").is_checked()
    browsing.shoot(page, "version-choisie")
    page.get_by_role("button", name="Rétablir").first.click()
    page.locator(".messagelist").wait_for()
    said = page.locator(".messagelist").inner_text()
    assert "rétablie : titre, chapô et thèmes." in said
    assert state(scheduled_brief)["topics"] == []
    assert scheduled_brief.is_scheduled
    assert not browsing.problems
