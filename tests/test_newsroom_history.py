import pytest
from bs4 import BeautifulSoup

from articles.models import Status
from articles.revisions import words_diff
from articles.services import EDITORS, WRITERS

from .admin_forms import form_data, queries_for
from .factories import make_article, make_user

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"


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
    response = client.post(url, form_data(page, "#content-main form", _save="Rétablir"))
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
    response = client.post(url, form_data(page, "#content-main form"))
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
    assert client.post(url, form_data(page, "#content-main form")).status_code == 403
    edited.refresh_from_db()
    assert edited.title == "Titre troisième"


def test_words_diff_escapes_markup():
    html = words_diff("un <b>texte</b>", "un <script>alert(1)</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.startswith("un ")


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
    page = client.get(restore)
    chosen = soup(page).select("select[name=topics] option[selected]")
    assert [option["value"] for option in chosen] == [str(chine.pk)]
    assert client.post(restore, form_data(page, "#content-main form")).status_code == 302
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
