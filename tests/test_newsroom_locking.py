import threading
import time

import pytest
from bs4 import BeautifulSoup
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test import Client

from articles.admin import ArticleAdminForm
from articles.models import Article, EditConflict, Status
from articles.services import EDITORS

from .admin_forms import form_data
from .factories import make_article, make_user

pytestmark = pytest.mark.django_db


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_second_save_of_a_stale_copy_is_refused_by_the_update():
    story = make_article(body="Version initiale.")
    first, second = Article.objects.get(pk=story.pk), Article.objects.get(pk=story.pk)
    first.body = "Version de la première."
    first.save()
    second.body = "Version de la seconde."
    with pytest.raises(EditConflict), transaction.atomic():
        second.save()
    story.refresh_from_db()
    assert story.body == "Version de la première."
    assert story.version == 2
    assert second.version == 1


def test_a_guarded_save_sends_post_save_once_and_records_one_revision():
    story = make_article(body="Version initiale.")
    sent = []

    def receiver(sender, instance, created, update_fields, **kwargs):
        sent.append((created, update_fields))

    post_save.connect(receiver, sender=Article)
    try:
        story.body = "Version relue."
        story.save()
        story.title = "Titre relu"
        story.save(update_fields=["title"])
    finally:
        post_save.disconnect(receiver, sender=Article)
    assert [created for created, _ in sent] == [False, False]
    assert {"title", "version", "updated_at"} <= sent[1][1]
    assert story.history.count() == 3
    assert [r.version for r in story.history.order_by("history_id")] == [1, 2, 3]
    story.refresh_from_db()
    assert story.body == "Version relue."
    assert story.title == "Titre relu"
    assert story.version == 3


def blocked_by_this_connection(pid):
    """Whether backend ``pid`` is waiting for a lock this connection holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() = ANY(pg_blocking_pids(%s))", [pid])
        return cursor.fetchone()[0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between connections"
)
@pytest.mark.django_db(transaction=True)
def test_save_racing_an_uncommitted_save_waits_for_it_and_is_refused():
    story = make_article(body="Version initiale.")
    first, second = Article.objects.get(pk=story.pk), Article.objects.get(pk=story.pk)
    seen = {}

    def save_second():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                seen["pid"] = cursor.fetchone()[0]
            second.body = "Version de la seconde."
            second.save()
        except EditConflict:
            seen["refused"] = True
        finally:
            connection.close()

    racer = threading.Thread(target=save_second)
    with transaction.atomic():
        first.body = "Version de la première."
        first.save()
        racer.start()
        # Commit only once the second save, started before the first was
        # committed, waits on the first's row lock.
        deadline = time.monotonic() + 30
        while racer.is_alive() and time.monotonic() < deadline:
            if "pid" in seen and blocked_by_this_connection(seen["pid"]):
                break
            time.sleep(0.01)
        assert racer.is_alive(), "the second save did not wait for the first"
    racer.join()
    assert seen.get("refused")
    story.refresh_from_db()
    assert story.body == "Version de la première."
    assert story.version == 2
    assert story.history.count() == 2


def test_saves_with_update_fields_also_move_the_version():
    story = make_article()
    story.title = "Nouveau titre"
    story.save(update_fields=["title"])
    stale = Article.objects.get(pk=story.pk)
    story.save(update_fields=["title"])
    with pytest.raises(EditConflict), transaction.atomic():
        stale.save(update_fields=["title"])
    assert Article.objects.get(pk=story.pk).version == 3


@pytest.fixture
def two_editors():
    alice = make_user(EDITORS, first_name="Alice", last_name="Martin")
    bruno = make_user(EDITORS, first_name="Bruno", last_name="Petit")
    client_a, client_b = Client(), Client()
    client_a.force_login(alice)
    client_b.force_login(bruno)
    return client_a, client_b


def test_concurrent_edit_in_admin_refuses_second_save_and_keeps_its_text(two_editors):
    client_a, client_b = two_editors
    story = make_article(title="Le titre", body="Texte d’origine.", status=Status.DRAFT)
    page_a = client_a.get(change_url(story))
    page_b = client_b.get(change_url(story))

    saved = client_a.post(
        change_url(story), form_data(page_a, "#article_form", body="Texte d’Alice.")
    )
    assert saved.status_code == 302

    refused = client_b.post(
        change_url(story), form_data(page_b, "#article_form", body="Texte de Bruno.")
    )
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Alice Martin a enregistré cet article" in html
    page = BeautifulSoup(refused.content, "html.parser")
    assert (
        page.select_one("textarea[name=body]").get_text().strip() == "Texte de Bruno."
    )
    story.refresh_from_db()
    assert story.body == "Texte d’Alice."
    assert story.version == 2
    assert story.history.count() == 2

    # Saving again as it is is refused again: no blind overwrite.
    again = client_b.post(change_url(story), form_data(refused, "#article_form"))
    assert again.status_code == 409
    story.refresh_from_db()
    assert story.body == "Texte d’Alice."

    # Having compared, Bruno may knowingly keep his text over Alice's.
    replaced = client_b.post(
        change_url(story), form_data(again, "#article_form", garder_body="mienne")
    )
    assert replaced.status_code == 302
    story.refresh_from_db()
    assert story.body == "Texte de Bruno."
    assert story.updated_by.first_name == "Bruno"


def test_save_racing_past_the_form_check_is_caught_by_the_update(
    two_editors, monkeypatch
):
    client_a, client_b = two_editors
    story = make_article(body="Texte d’origine.", status=Status.DRAFT)
    page_a = client_a.get(change_url(story))
    page_b = client_b.get(change_url(story))
    client_a.post(
        change_url(story), form_data(page_a, "#article_form", body="Texte d’Alice.")
    )

    # The first check lets the stale save through, as if Alice had saved
    # between Bruno's check and his UPDATE.
    original = ArticleAdminForm.check_version
    calls = []

    def late_check(form, read):
        calls.append(read)
        return original(form, read) if len(calls) > 1 else read

    monkeypatch.setattr(ArticleAdminForm, "check_version", late_check)
    refused = client_b.post(
        change_url(story), form_data(page_b, "#article_form", body="Texte de Bruno.")
    )
    assert len(calls) == 2
    assert refused.status_code == 409
    assert "Alice Martin a enregistré cet article" in refused.content.decode()
    story.refresh_from_db()
    assert story.body == "Texte d’Alice."
    assert story.history.count() == 2


def test_change_form_without_its_version_is_refused(two_editors):
    client_a, _ = two_editors
    story = make_article(body="Texte d’origine.", status=Status.DRAFT)
    data = form_data(client_a.get(change_url(story)), "#article_form", body="Autre.")
    del data["base_version"]
    assert client_a.post(change_url(story), data).status_code == 200
    story.refresh_from_db()
    assert story.body == "Texte d’origine."
