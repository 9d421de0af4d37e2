from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from articles.models import Article, Status

from .factories import make_article, make_brief, make_topic
from .pages import keep_site_values

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_home_shows_lead_latest_articles_and_briefs(client):
    older = make_article(title="Plus ancien", published_at=timezone.now() - timedelta(days=2))
    lead = make_article(title="La une du jour")
    brief = make_brief(title="Une brève du jour")
    response = client.get("/")
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "fr"
    assert page.select_one(".home-lead .card__title").get_text(strip=True) == lead.title
    assert older.title in page.select_one(".home-latest").get_text()
    assert brief.title in page.select_one(".home-briefs").get_text()


def test_home_without_stories_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Aucun article n’est encore publié" in response.content.decode()


def test_story_page_shows_the_whole_story(client, seeded):
    response = client.get(seeded.get_absolute_url())
    assert response.status_code == 200
    page = soup(response)
    article = page.select_one("article.story")
    assert article.select_one("h1").get_text() == seeded.title
    assert "intensifient leurs efforts" in article.select_one(".story__standfirst").get_text()
    assert article.select_one(".story__dateline").get_text() == "Paris"
    assert article.select_one(".story__credit").get_text() == "La Gazette"
    time = article.select_one("header time")
    assert time["datetime"] == "2025-08-23T09:40:00+02:00"
    assert time.get_text(" ", strip=True) == "23 août 2025 à 9\u00a0h\u00a040 (UTC+02:00)"
    body = article.select_one(".story__body")
    assert len(body.find_all("p")) == 9
    assert "43,8\u00a0milliards de dollars" in body.get_text()
    assert "Loading" not in response.content.decode()
    topics = [a.get_text() for a in article.select(".story__footer a[rel=tag]")]
    assert "Commerce international" in topics


def test_article_links_to_its_briefs_and_briefs_link_back(client, seeded):
    page = soup(client.get(seeded.get_absolute_url()))
    brief_links = [a["href"] for a in page.select(".related .card__title a")]
    assert len(brief_links) == 5
    for href in brief_links:
        brief_page = soup(client.get(href))
        parent = brief_page.select_one("#titre-article-complet").find_parent("aside")
        assert parent.select_one(".card__title a")["href"] == seeded.get_absolute_url()


@pytest.mark.parametrize(
    "status, offset",
    [(Status.DRAFT, -1), (Status.REVIEW, -1), (Status.PUBLISHED, 1)],
)
def test_unpublished_story_is_404_for_the_public(client, status, offset):
    story = make_article(status=status, published_at=timezone.now() + timedelta(hours=offset))
    response = client.get(story.get_absolute_url())
    assert response.status_code == 404
    assert "Cette page est introuvable" in response.content.decode()


def test_unpublished_stories_appear_on_no_public_page(client):
    topic = make_topic(name="Commerce")
    make_article(title="Visible", topics=[topic])
    draft = make_article(title="Brouillon secret", status=Status.DRAFT, topics=[topic])
    scheduled = make_brief(
        title="Brève programmée", topics=[topic], published_at=timezone.now() + timedelta(days=1)
    )
    review = make_article(title="En relecture secrète", status=Status.REVIEW, topics=[topic])
    public = make_article(title="Avec liens", related=[draft, scheduled, review], topics=[topic])
    for url in ["/", topic.get_absolute_url(), public.get_absolute_url()]:
        html = client.get(url).content.decode()
        for hidden in (draft, scheduled, review):
            assert hidden.title not in html
            assert hidden.get_absolute_url() not in html


def test_topic_page_lists_published_stories_of_that_topic(client):
    topic = make_topic(name="Chine", description="Tout sur la Chine.")
    other = make_topic(name="Autre")
    inside = make_article(title="Dans le thème", topics=[topic])
    outside = make_article(title="Hors du thème", topics=[other])
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert inside.title in html and outside.title not in html
    assert "Tout sur la Chine." in html
    assert client.get("/themes/inconnu/").status_code == 404


def test_staff_with_change_permission_preview_drafts_uncached(client):
    draft = make_article(title="Brouillon", status=Status.DRAFT, published_at=None)
    editor = User.objects.create_user("editrice", password="x", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Prévisualisation" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_logged_in_user_without_permission_gets_404_on_drafts(client):
    draft = make_article(status=Status.DRAFT)
    client.force_login(User.objects.create_user("lecteur", password="x"))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_story_page_query_count_does_not_grow_with_relations(client, django_assert_num_queries):
    def build(n):
        topics = [make_topic() for _ in range(n)]
        article = make_article(topics=topics)
        for _ in range(n):
            make_brief(related=[article], topics=topics)
        return article

    small, large = build(1), build(20)
    keep_site_values(client)
    # The story with its topics, its related stories, and the trade
    # key-figures box (one query; one more for their editors' notes when there
    # are figures; see test_trade_views). All of it is kept until the content
    # changes: asked again, the page reads nothing.
    with django_assert_num_queries(4):
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_num_queries(4):
        response = client.get(large.get_absolute_url())
    assert len(soup(response).select(".related .card")) == 20
    with django_assert_num_queries(0):
        kept = client.get(large.get_absolute_url())
    assert kept.content == response.content
    # A change to the content is read at once.
    large.refresh_from_db()
    large.title = "Un titre corrigé"
    large.save()
    assert "Un titre corrigé" in soup(client.get(large.get_absolute_url())).h1.text


def test_home_query_count_is_constant(client, django_assert_num_queries):
    topic = make_topic()
    for _ in range(3):
        make_article(topics=[topic])
        make_brief(topics=[topic])
    # Lead and latest, briefs (each card's kicker read with it), navigation
    # topics and countries (built again after each change to the content).
    with django_assert_num_queries(4):
        client.get("/")
    for _ in range(20):
        make_article(topics=[topic])
        make_brief(topics=[topic])
    with django_assert_num_queries(4):
        built = client.get("/")
    # Kept until the content changes: asked again, the page reads nothing.
    with django_assert_num_queries(0):
        kept = client.get("/")
    assert kept.content == built.content
    lead = Article.objects.published().articles().order_by("-published_at").first()
    lead.title = "Une nouvelle une"
    lead.save()
    assert soup(client.get("/")).select_one(".card--lead a").text == "Une nouvelle une"


@pytest.mark.parametrize(
    "name, kwargs, path",
    [
        ("articles:home", {}, "/"),
        ("articles:detail", {"slug": "un-article"}, "/articles/un-article/"),
        ("articles:topic", {"slug": "chine"}, "/themes/chine/"),
    ],
)
def test_urls_round_trip(name, kwargs, path):
    assert reverse(name, kwargs=kwargs) == path
    match = resolve(path)
    assert match.view_name == name
    assert match.kwargs == kwargs


def test_500_page_uses_the_site_design():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "La Gazette" in html and "Erreur 500" in html and 'lang="fr"' in html


def test_server_error_gives_the_designed_500(settings):
    settings.ROOT_URLCONF = "tests.urls_failing"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Un incident nous empêche" in response.content.decode()


def test_admin_lists_and_edits_stories(admin_client, seeded):
    assert admin_client.get("/admin/articles/article/").status_code == 200
    response = admin_client.get(f"/admin/articles/article/{seeded.pk}/change/")
    assert response.status_code == 200
    assert "Chapô" in response.content.decode()


@pytest.mark.parametrize("month", range(1, 13))
def test_french_dates_name_each_month_as_django_translates_it(month):
    from datetime import UTC, datetime

    from django.utils import translation
    from django.utils.dateformat import format as date_format

    from articles.templatetags.gazette import french_date

    value = datetime(2025, month, 1, 12, tzinfo=UTC)
    with translation.override("fr"):
        expected = f"1er {date_format(timezone.localtime(value), 'F Y')} à 13\u00a0h\u00a000"
    if month in range(4, 11):  # summer time: UTC+2
        expected = expected.replace("13\u00a0h", "14\u00a0h")
    assert french_date(value) == expected


def test_a_card_is_headed_by_the_first_of_its_topics(client):
    zone, chine = make_topic(name="Zone euro"), make_topic(name="Chine", slug="chine")
    story = make_article(title="Le fret ferroviaire", topics=[zone, chine])
    brief = make_brief(title="Une brève sans thème", related=[story])
    for url in ["/", "/articles/", "/articles/?q=fret", "/themes/chine/", brief.get_absolute_url()]:
        cards = soup(client.get(url)).select(".card")
        kickers = {
            c.select_one(".card__title").get_text(): c.select_one(".card__kicker").get_text(" ", strip=True)
            for c in cards
        }
        assert kickers["Le fret ferroviaire"] == "Chine", url
        if url in ("/", "/articles/"):
            assert kickers["Une brève sans thème"] == "Brève", url
