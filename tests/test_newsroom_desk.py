"""The newsroom home at /admin/: what waits for whom, by role, each line one
click from the story's form; and the story list, last change first."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.desk import DESK_LIMIT, short_date
from articles.models import Article, Status
from articles.services import EDITORS, WRITERS
from trade.models import Acknowledgement, Basis

from .factories import make_article, make_figure, make_user

pytestmark = pytest.mark.django_db

HOME = "/admin/"
STORIES = "/admin/articles/article/"


def change_url(story):
    return f"{STORIES}{story.pk}/change/"


def section(response, heading_id):
    """The home's box whose heading has this id."""
    page = BeautifulSoup(response.content, "html.parser")
    return page.find(attrs={"aria-labelledby": heading_id})


def lines(box):
    """Each line of a box: (link text, link address, the words under it)."""
    return [
        (
            item.a.get_text(strip=True),
            item.a["href"],
            meta(item),
        )
        for item in box.select("ul.desk__stories > li")
    ]


def meta(item):
    """The words under a line's link; no-break spaces stay (dates have them)."""
    text = item.select_one(".desk__meta").get_text(" ", strip=True)
    return re.sub(r"[ \t\n]+", " ", text)


def titles(box):
    return [text for text, _, _ in lines(box)]


@pytest.fixture
def newsroom():
    """A writer and an editor, each with a draft and a story in review, and
    the newsroom's scheduled, fresh and older stories."""
    writer, other_writer, editor = (
        make_user(WRITERS, first_name="Rita", last_name="Martin"),
        make_user(WRITERS),
        make_user(EDITORS, first_name="Claire", last_name="Dubois"),
    )
    now = timezone.now()
    stories = {
        "writer_draft": make_article(
            title="Brouillon de Rita", status=Status.DRAFT, published_at=None,
            created_by=writer,
        ),
        "other_draft": make_article(
            title="Brouillon d’un autre", status=Status.DRAFT, published_at=None,
            created_by=other_writer,
        ),
        "editor_draft": make_article(
            title="Brouillon de Claire", status=Status.DRAFT, published_at=None,
            created_by=editor,
        ),
        "writer_review": make_article(
            title="Relecture de Rita", status=Status.REVIEW, published_at=None,
            created_by=writer,
        ),
        "other_review": make_article(
            title="Relecture d’un autre", status=Status.REVIEW, published_at=None,
            created_by=other_writer,
        ),
        "scheduled": make_article(
            title="Paraîtra demain", published_at=now + timedelta(days=1),
            created_by=writer,
        ),
        "fresh": make_article(
            title="Paru ce matin", published_at=now - timedelta(hours=3),
            created_by=editor,
        ),
        "old": make_article(
            title="Paru avant-hier", published_at=now - timedelta(days=2),
        ),
    }
    return writer, editor, stories


def test_writer_sees_own_drafts_and_own_stories_in_review(client, newsroom):
    writer, _, stories = newsroom
    client.force_login(writer)
    response = client.get(HOME)
    assert response.status_code == 200

    drafts = section(response, "desk-brouillons")
    assert drafts.h2.get_text() == "Mes brouillons"
    story = stories["writer_draft"]
    modified = short_date(Article.objects.get(pk=story.pk).updated_at)
    expected = (story.title, change_url(story), f"modifié le {modified}")
    assert lines(drafts) == [expected]

    review = section(response, "desk-relecture")
    assert review.h2.get_text() == "À relire (1)"
    assert titles(review) == ["Relecture de Rita"]
    assert lines(review)[0][1] == change_url(stories["writer_review"])
    assert "qu’un éditeur doit relire" in review.get_text()


def test_editor_sees_every_story_in_review_and_only_own_drafts(client, newsroom):
    _, editor, stories = newsroom
    client.force_login(editor)
    response = client.get(HOME)

    assert titles(section(response, "desk-brouillons")) == ["Brouillon de Claire"]
    review = section(response, "desk-relecture")
    assert review.h2.get_text() == "À relire (2)"
    assert set(titles(review)) == {"Relecture de Rita", "Relecture d’un autre"}
    by_title = {text: (href, meta) for text, href, meta in lines(review)}
    href, meta = by_title["Relecture de Rita"]
    assert href == change_url(stories["writer_review"])
    assert meta.endswith("· Rita Martin")  # the editor sees who wrote it
    assert "doit relire" not in review.get_text()


@pytest.mark.parametrize("role", [WRITERS, EDITORS])
def test_scheduled_and_fresh_stories_are_listed_with_their_times(
    client, newsroom, role
):
    writer, editor, stories = newsroom
    client.force_login(writer if role == WRITERS else editor)
    response = client.get(HOME)

    scheduled = stories["scheduled"]
    when = short_date(scheduled.published_at)
    assert lines(section(response, "desk-programmes")) == [
        (scheduled.title, change_url(scheduled), f"pour le {when} · Rita Martin")
    ]
    fresh = stories["fresh"]
    when = short_date(fresh.published_at)
    # Two days ago is not « depuis 24 h »; drafts and reviews are not online.
    assert lines(section(response, "desk-en-ligne")) == [
        (fresh.title, change_url(fresh), f"depuis le {when} · Claire Dubois")
    ]


def test_scheduled_stories_come_next_one_first(client, newsroom):
    _, editor, _ = newsroom
    later = make_article(
        title="Paraîtra la semaine prochaine",
        published_at=timezone.now() + timedelta(days=7),
    )
    make_article(
        title="Paraîtra dans une heure",
        published_at=timezone.now() + timedelta(hours=1),
    )
    client.force_login(editor)
    box = section(client.get(HOME), "desk-programmes")
    assert titles(box) == [
        "Paraîtra dans une heure",
        "Paraîtra demain",
        later.title,
    ]


def test_empty_lists_say_so(client):
    editor = make_user(EDITORS)
    client.force_login(editor)
    response = client.get(HOME)
    expected = {
        "desk-brouillons": "Aucun brouillon.",
        "desk-relecture": "Rien à relire.",
        "desk-programmes": "Aucun article programmé.",
        "desk-en-ligne": "Rien de publié depuis 24 h.",
    }
    for heading, text in expected.items():
        box = section(response, heading)
        assert box.select_one(".desk__empty").get_text() == text
        assert not box.select("ul.desk__stories")
    assert section(response, "desk-relecture").h2.get_text() == "À relire (0)"


def test_a_long_list_shows_its_first_lines_and_links_to_the_rest(client):
    editor = make_user(EDITORS)
    for n in range(DESK_LIMIT + 2):
        make_article(title=f"À relire {n}", status=Status.REVIEW, published_at=None)
    client.force_login(editor)
    response = client.get(HOME)
    box = section(response, "desk-relecture")
    assert box.h2.get_text() == f"À relire ({DESK_LIMIT + 2})"
    assert len(lines(box)) == DESK_LIMIT
    more = box.select_one(".desk__more a")
    assert more.get_text() == "Tous les articles à relire"
    listed = client.get(more["href"])
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == DESK_LIMIT + 2
    # A short list has no such link.
    assert not section(response, "desk-brouillons").select(".desk__more")


def test_more_link_keeps_a_writer_to_own_drafts(client):
    writer = make_user(WRITERS)
    for n in range(DESK_LIMIT + 1):
        make_article(status=Status.DRAFT, published_at=None, created_by=writer)
    make_article(status=Status.DRAFT, published_at=None)
    client.force_login(writer)
    more = section(client.get(HOME), "desk-brouillons").select_one(".desk__more a")
    assert more.get_text() == "Tous mes brouillons"
    listed = client.get(more["href"])
    assert listed.status_code == 200
    assert {story.created_by for story in listed.context["cl"].result_list} == {writer}
    assert listed.context["cl"].result_count == DESK_LIMIT + 1


def test_staff_without_story_rights_gets_no_desk(client, newsroom):
    client.force_login(make_user(is_staff=True))
    response = client.get(HOME)
    assert response.status_code == 200
    assert section(response, "desk-brouillons") is None
    assert "Paraîtra demain" not in response.content.decode()


def test_app_list_stays_below_folded(client, newsroom):
    _, editor, _ = newsroom
    client.force_login(editor)
    page = BeautifulSoup(client.get(HOME).content, "html.parser")
    apps = page.select_one("details.desk__apps")
    assert apps.summary.get_text() == "Toutes les rubriques de l’administration"
    assert apps.find("a", href=STORIES).get_text() == "Articles"
    assert page.select_one(".desk__new a")["href"] == f"{STORIES}add/"


def test_short_date_speaks_french_in_paris_time():
    year = timezone.localdate().year
    paris = timezone.get_current_timezone()
    assert short_date(datetime(year, 12, 3, 6, 0, tzinfo=paris)) == (
        "3 décembre à 6\u00a0h\u00a000"
    )
    # 5:00 UTC on 1 June is 7:00 in Paris (summer time).
    summer = datetime(year, 6, 1, 5, 0, tzinfo=UTC)
    assert short_date(summer) == "1er juin à 7\u00a0h\u00a000"
    assert short_date(datetime(year + 1, 1, 2, 18, 5, tzinfo=paris)) == (
        f"2 janvier {year + 1} à 18\u00a0h\u00a005"
    )


# Chiffres à vérifier: trade's box, through GAZETTE_DESK_PANELS


def test_editor_sees_figures_with_open_inconsistencies(client):
    editor = make_user(EDITORS)
    unsourced = make_figure(source=None)
    # Its one inconsistency acknowledged (a series basis would add another).
    acknowledged = make_figure(source=None, basis=Basis.STATEMENT)
    Acknowledgement.objects.create(
        figure=acknowledged, check_key=f"sans-source:{acknowledged.slug}", note="Vu."
    )
    client.force_login(editor)
    box = section(client.get(HOME), "desk-chiffres")
    assert box.h2.get_text() == "Chiffres à vérifier (1)"
    [(text, href, meta)] = lines(box)
    assert text == unsourced.slug
    assert href == f"/admin/trade/figure/{unsourced.pk}/change/"
    assert meta == f"{unsourced.display()}, {unsourced.period_label()}"
    problems = [li.get_text() for li in box.select(".desk__problems li")]
    assert any("n’a pas de source" in problem for problem in problems)


def test_figures_box_is_empty_when_everything_is_checked(client):
    editor = make_user(EDITORS)
    make_figure(value="43.8", quote="trade reached $43.8 billion")
    client.force_login(editor)
    box = section(client.get(HOME), "desk-chiffres")
    assert box.h2.get_text() == "Chiffres à vérifier (0)"
    assert box.select_one(".desk__empty").get_text() == "Aucune incohérence ouverte."


def test_writer_without_figure_rights_gets_no_figures_box(client):
    make_figure(source=None)
    client.force_login(make_user(WRITERS))
    response = client.get(HOME)
    assert section(response, "desk-brouillons") is not None
    assert section(response, "desk-chiffres") is None


def test_desk_panels_setting_adds_and_removes_boxes(client, settings):
    make_figure(source=None)
    client.force_login(make_user(EDITORS))
    settings.GAZETTE_DESK_PANELS = []
    assert section(client.get(HOME), "desk-chiffres") is None


# Queries


def fill(newsroom_size, editor):
    """``newsroom_size`` stories in each list, and as many figures to check."""
    now = timezone.now()
    for n in range(newsroom_size):
        make_article(status=Status.DRAFT, published_at=None, created_by=editor)
        make_article(
            status=Status.REVIEW, published_at=None, created_by=make_user(WRITERS)
        )
        make_article(published_at=now + timedelta(hours=n + 1), created_by=editor)
        make_article(published_at=now - timedelta(hours=n + 1), created_by=editor)
        make_figure(source=None)


# The session, the user and their permissions (2), the four lists and the
# review count, trade's box (acknowledged keys, figures with their notes,
# targets), and Django's « Mes actions ».
HOME_QUERIES = 14


@pytest.mark.parametrize("size", [1, DESK_LIMIT + 3])
def test_home_query_count_does_not_grow_with_the_newsroom(
    client, django_assert_num_queries, size
):
    editor = make_user(EDITORS)
    fill(size, editor)
    client.force_login(editor)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(HOME)
    assert len(lines(section(response, "desk-relecture"))) == min(size, DESK_LIMIT)
    assert section(response, "desk-chiffres").h2.get_text() == (
        f"Chiffres à vérifier ({size})"
    )


# The story list


def test_story_list_shows_last_change_first(client):
    editor = make_user(EDITORS)
    now = timezone.now()
    edited_long_ago = make_article(title="Publié, retouché il y a longtemps")
    draft = make_article(
        title="Brouillon du jour", status=Status.DRAFT, published_at=None
    )
    republished = make_article(
        title="Ancien, corrigé à l’instant", published_at=now - timedelta(days=30)
    )
    for story, age in [(edited_long_ago, 48), (draft, 2), (republished, 0)]:
        moved = now - timedelta(hours=age)
        Article.objects.filter(pk=story.pk).update(updated_at=moved)
    client.force_login(editor)
    response = client.get(STORIES)
    assert [story.title for story in response.context["cl"].result_list] == [
        "Ancien, corrigé à l’instant",
        "Brouillon du jour",
        "Publié, retouché il y a longtemps",
    ]
    page = BeautifulSoup(response.content, "html.parser")
    headers = [th.get_text(strip=True) for th in page.select("#result_list thead th")]
    for column in ["État", "Publication", "Créé par", "Modifié"]:
        assert column in headers
