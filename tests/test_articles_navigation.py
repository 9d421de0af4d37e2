"""The navigation's topics: those editors put in the menu, built once per
content version, fresh after a change."""

from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Status, Topic
from articles.services import EDITORS, WRITERS

from .admin_forms import form_data
from .factories import make_article, make_topic, make_user

pytestmark = pytest.mark.django_db


def nav(client, url="/"):
    page = BeautifulSoup(client.get(url).content, "html.parser")
    return {a.get_text(): a for a in page.select("nav.topnav a")}


@pytest.fixture
def reader(client):
    """A reader with a cookie: pages are built for every request, never cached."""
    client.cookies["lecteur"] = "1"
    return client


def menu_topic(name, position=1):
    return make_topic(name=name, menu_position=position)


def test_navigation_lists_topics_with_published_stories_only(reader):
    shown, hidden, scheduled = menu_topic("Chine"), menu_topic("Vide"), (
        menu_topic("Demain")
    )
    make_article(topics=[shown])
    make_article(topics=[hidden], status=Status.DRAFT)
    make_article(topics=[scheduled], published_at=timezone.now() + timedelta(hours=1))
    links = nav(reader)
    assert links["Chine"]["href"] == shown.get_absolute_url()
    assert "Vide" not in links and "Demain" not in links
    current = nav(reader, shown.get_absolute_url())["Chine"]
    assert current["aria-current"] == "page"


def test_navigation_lists_the_menu_in_the_editors_order(reader):
    topics = [menu_topic("Économie", 2), menu_topic("Monde", 1), menu_topic("Asie", 3)]
    outside = make_topic(name="Agriculture")
    make_article(topics=[*topics, outside])
    page = BeautifulSoup(reader.get("/").content, "html.parser")
    links = [a.get_text() for a in page.select("nav.topnav a")]
    assert links == ["À la une", "Chiffres", "Monde", "Économie", "Asie", "L’info de A à Z"]
    # Out of the menu, a topic is still in the index and has its page.
    index = BeautifulSoup(reader.get("/themes/").content, "html.parser")
    assert index.select_one(f"main a[href='{outside.get_absolute_url()}']")
    assert reader.get(outside.get_absolute_url()).status_code == 200


def test_navigation_is_built_once_per_content_version(reader):
    topic = menu_topic("Chine")
    first, second = make_article(topics=[topic]), make_article(topics=[topic])

    def queries(url):
        with CaptureQueriesContext(connection) as context:
            assert reader.get(url).status_code == 200
        return len(context)

    built = queries(first.get_absolute_url())
    # Built: the topics' query, the countries' (footer) and the site's dates
    # (the page's Last-Modified), then kept; so are the story with its
    # topics, its related stories and key-figures box, which another story
    # reads and builds for itself.
    assert queries(second.get_absolute_url()) == built - 3
    assert queries(first.get_absolute_url()) == built - 7 == 0
    make_topic(name="Inde")  # any change to the content: built anew
    assert queries(first.get_absolute_url()) == built


@pytest.mark.parametrize("cached", [True, False], ids=["anonymous", "with-cookie"])
def test_navigation_follows_publication_and_unpublication(client, cached):
    make_article(topics=[menu_topic("Chine")])
    topic = menu_topic("Inde", 2)
    story = make_article(topics=[topic], status=Status.DRAFT)
    if not cached:
        client.cookies["lecteur"] = "1"
    assert "Inde" not in nav(client)
    story.status = Status.PUBLISHED
    story.save()
    assert "Inde" in nav(client)
    story.status = Status.DRAFT
    story.save()
    assert "Inde" not in nav(client)


def test_navigation_shows_a_scheduled_topic_at_its_time(reader):
    make_article(topics=[menu_topic("Chine")])
    when = timezone.now() + timedelta(hours=1)
    make_article(topics=[menu_topic("Inde", 2)], published_at=when)
    assert "Inde" not in nav(reader)
    with time_machine.travel(when + timedelta(seconds=1)):
        assert "Inde" in nav(reader)


def menu_of(client):
    return [a.get_text() for a in nav(client).values()][2:-1]


def test_editors_set_the_menu_from_the_topics_list(client, reader):
    chine, inde = menu_topic("Chine", 1), make_topic(name="Inde")
    make_article(topics=[chine, inde])
    assert menu_of(reader) == ["Chine"]
    client.force_login(make_user(EDITORS))
    listing = client.get("/admin/articles/topic/")
    data = form_data(listing, "#changelist-form", _save="Enregistrer")
    row = {data[f"form-{n}-id"]: n for n in range(int(data["form-TOTAL_FORMS"]))}
    data[f"form-{row[str(inde.pk)]}-menu_position"] = "1"
    data[f"form-{row[str(chine.pk)]}-menu_position"] = "2"
    assert client.post("/admin/articles/topic/", data).status_code == 302
    assert menu_of(reader) == ["Inde", "Chine"]

    removed = client.post(
        "/admin/articles/topic/",
        {"action": "leave_menu", "_selected_action": [chine.pk, inde.pk]},
        follow=True,
    )
    assert "2 thème(s) retiré(s) du menu." in removed.content.decode()
    assert menu_of(reader) == []
    assert Topic.objects.filter(menu_position__isnull=False).count() == 0


def test_writers_cannot_change_the_menu(client):
    topic = menu_topic("Chine", 1)
    client.force_login(make_user(WRITERS))
    listing = client.get("/admin/articles/topic/")
    assert listing.status_code == 200
    page = BeautifulSoup(listing.content, "html.parser")
    assert page.select_one("td.field-menu_position")  # shown, not editable
    assert not page.select("input[name$='menu_position']")
    assert b"leave_menu" not in listing.content
    client.post(
        "/admin/articles/topic/",
        {"action": "leave_menu", "_selected_action": [topic.pk]},
    )
    topic.refresh_from_db()
    assert topic.menu_position == 1


def test_the_migration_keeps_the_menu_readers_had():
    """Before the menu was chosen, it listed every topic in use by name."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = import_module("articles.migrations.0014_topic_menu_position")
    for name in ["Monde", "Asie", "Économie"]:
        make_article(topics=[make_topic(name=name)])
    make_topic(name="Vide")
    migration.keep_the_menu(apps, SimpleNamespace(connection=connection))
    positions = dict(Topic.objects.values_list("name", "menu_position"))
    assert positions == {"Asie": 1, "Monde": 2, "Vide": 3, "Économie": 4}
