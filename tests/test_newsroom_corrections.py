from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Article, Correction, SlugRedirect, Status
from articles.services import EDITORS

from .admin_forms import form_data
from .factories import make_article, make_brief, make_topic, make_user
from .pages import keep_site_values

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def correct(story, **overrides):
    fields = {
        "wrong": "43,8 millions",
        "right": "43,8 milliards de dollars",
        **overrides,
    }
    return Correction.objects.create(article=story, **fields)


def test_correction_is_shown_dated_on_the_story_and_moves_its_date(client):
    story = make_article()
    before = Article.objects.get(pk=story.pk).modified_at
    correct(story)
    correct(story, public=False, wrong="note interne", right="non publiée")
    story.refresh_from_db()
    assert story.modified_at > before
    page = soup(client.get(story.get_absolute_url()))
    corrections = page.select(".story__corrections .correction")
    assert len(corrections) == 1
    text = corrections[0].get_text(" ", strip=True)
    assert "43,8 millions" in text and "43,8 milliards de dollars" in text
    assert corrections[0].select_one("time")["datetime"]
    assert "note interne" not in page.get_text()
    assert page.select_one(".story__updated time") is not None


def test_corrected_stories_are_marked_in_listings(client):
    topic = make_topic()
    corrected = make_article(title="Corrigé", topics=[topic])
    make_article(title="Exact", topics=[topic])
    correct(corrected)
    for url in ["/", topic.get_absolute_url()]:
        page = soup(client.get(url))
        marked = {
            card.select_one(".card__title").get_text(strip=True)
            for card in page.select(".card")
            if card.select_one(".badge--corrected")
        }
        assert marked == {"Corrigé"}


def test_corrections_cost_one_query_whatever_their_number(
    client, django_assert_num_queries
):
    plain, one, many = make_article(), make_article(), make_article()
    correct(one)
    for _ in range(6):
        correct(many)
    keep_site_values(client)
    # Story (which says whether it carries a public correction), topics,
    # related stories, the key-figures box; then its corrections, if any.
    with django_assert_num_queries(4):
        client.get(plain.get_absolute_url())
    for story in (one, many):
        with django_assert_num_queries(5):
            client.get(story.get_absolute_url())


def test_listing_query_count_stays_constant_with_corrections(
    client, django_assert_num_queries
):
    for _ in range(10):
        correct(make_article())
        correct(make_brief())
    with django_assert_num_queries(4):
        client.get("/")


def test_editor_adds_a_correction_in_the_story_form(client):
    client.force_login(make_user(EDITORS))
    story = make_article()
    url = f"/admin/articles/article/{story.pk}/change/"
    data = form_data(client.get(url), "#article_form")
    data.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-corrected_at_0": timezone.localtime().strftime("%d/%m/%Y"),
            "corrections-0-corrected_at_1": "10:00:00",
            "corrections-0-wrong": "mardi",
            "corrections-0-right": "mercredi",
            "corrections-0-public": "on",
        }
    )
    assert client.post(url, data).status_code == 302
    assert story.corrections.get().right == "mercredi"


def test_changing_a_published_slug_answers_301_from_the_old_address(client):
    story = make_article(slug="ancien-titre")
    story.slug = "nouveau-titre"
    story.save()
    response = client.get("/articles/ancien-titre/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/nouveau-titre/"
    story.slug = "titre-definitif"
    story.save()
    for old in ("ancien-titre", "nouveau-titre"):
        assert (
            client.get(f"/articles/{old}/")["Location"] == "/articles/titre-definitif/"
        )


def test_slug_change_through_the_admin_keeps_the_old_url(client):
    client.force_login(make_user(EDITORS))
    story = make_article(slug="avant")
    url = f"/admin/articles/article/{story.pk}/change/"
    client.post(url, form_data(client.get(url), "#article_form", slug="apres"))
    client.logout()
    assert client.get("/articles/avant/")["Location"] == "/articles/apres/"


def test_taking_an_old_slug_back_drops_its_redirect(client):
    story = make_article(slug="premier")
    story.slug = "second"
    story.save()
    story.slug = "premier"
    story.save()
    assert client.get("/articles/premier/").status_code == 200
    assert client.get("/articles/second/")["Location"] == "/articles/premier/"
    assert not SlugRedirect.objects.filter(old_slug="premier").exists()


@pytest.mark.parametrize("status, offset", [(Status.DRAFT, -1), (Status.PUBLISHED, 1)])
def test_slug_of_a_story_never_public_leaves_no_redirect(client, status, offset):
    story = make_article(
        slug="cache",
        status=status,
        published_at=timezone.now() + timedelta(hours=offset),
    )
    story.slug = "toujours-cache"
    story.save()
    assert not SlugRedirect.objects.exists()
    assert client.get("/articles/cache/").status_code == 404


def test_redirect_of_an_unpublished_story_is_404_for_readers(client):
    story = make_article(slug="public")
    story.slug = "renomme"
    story.save()
    story.status = Status.DRAFT
    story.save()
    assert client.get("/articles/public/").status_code == 404
