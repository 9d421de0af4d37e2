from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from articles.filters import ArticleFilter
from articles.models import Article, Kind, Status
from pagecache import content_state

from .factories import make_article, make_brief, make_stories, make_topic
from .pages import soup, titles

pytestmark = pytest.mark.django_db


def form_errors(response):
    return " ".join(e.get_text(" ", strip=True) for e in soup(response).select(".filters__errors"))


def paris(day, hour=12):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


@pytest.mark.parametrize(
    "name, kwargs, path",
    [("articles:list", {}, "/articles/"), ("articles:topics", {}, "/themes/")],
)
def test_listing_urls_round_trip(name, kwargs, path):
    assert reverse(name, kwargs=kwargs) == path
    assert resolve(path).view_name == name


def test_listing_shows_published_stories_newest_first_with_count(client):
    old = make_article(title="Ancien", published_at=timezone.now() - timedelta(days=3))
    new = make_brief(title="Récent")
    response = client.get("/articles/")
    assert response.status_code == 200
    assert titles(response) == [new.title, old.title]
    assert soup(response).select_one(".results__count").get_text(strip=True) == "2 articles"


def test_unpublished_stories_never_reach_listings_search_or_index(client):
    topic = make_topic(name="Commerce", slug="commerce")
    secret = make_topic(name="Démission secrète", slug="demission")
    make_article(title="Visible commerce", topics=[topic])
    hidden = [
        make_article(title="Brouillon commerce", status=Status.DRAFT, topics=[topic, secret]),
        make_article(title="Relecture commerce", status=Status.REVIEW, topics=[topic, secret]),
        make_brief(
            title="Programmée commerce",
            topics=[topic, secret],
            published_at=timezone.now() + timedelta(hours=2),
        ),
    ]
    urls = [
        "/articles/",
        "/articles/?q=commerce",
        "/articles/?topic=commerce",
        "/articles/?kind=brief",
        "/themes/commerce/",
        "/themes/commerce/?q=commerce",
        "/themes/",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        for story in hidden:
            assert story.title not in html, url
            assert story.get_absolute_url() not in html, url
    assert "Démission secrète" not in client.get("/articles/").content.decode()
    assert "Démission secrète" not in client.get("/themes/").content.decode()
    assert "Commerce (1)" in client.get("/articles/").content.decode()


def test_filter_by_one_topic(client):
    china, trade = make_topic(name="Chine", slug="chine"), make_topic(slug="commerce")
    inside = make_article(title="En Chine", topics=[china])
    make_article(title="Ailleurs", topics=[trade])
    assert titles(client.get("/articles/?topic=chine")) == [inside.title]


def test_filter_by_several_topics_lists_each_story_once(client):
    china, trade, rail = (make_topic(slug=s) for s in ("chine", "commerce", "rail"))
    both = make_article(title="Les deux", topics=[china, trade])
    one = make_article(title="Un seul", topics=[trade], published_at=timezone.now() - timedelta(days=1))
    make_article(title="Autre", topics=[rail])
    response = client.get("/articles/?topic=chine&topic=commerce")
    assert titles(response) == [both.title, one.title]
    checked = [box["value"] for box in soup(response).select("input[name=topic][checked]")]
    assert sorted(checked) == ["chine", "commerce"]


def test_filter_by_kind(client):
    article, brief = make_article(title="Long"), make_brief(title="Court")
    assert titles(client.get("/articles/?kind=brief")) == [brief.title]
    assert titles(client.get("/articles/?kind=article")) == [article.title]


def test_filter_by_dates_uses_paris_days(client):
    today = timezone.localdate()
    day = today - timedelta(days=10)
    make_article(title="Veille tard", published_at=paris(day - timedelta(days=1), 23))
    first = make_article(title="Jour même tôt", published_at=paris(day, 0) + timedelta(minutes=5))
    last = make_article(title="Jour même tard", published_at=paris(day, 23))
    make_article(title="Lendemain", published_at=paris(day + timedelta(days=1), 0))
    response = client.get(f"/articles/?after={day.isoformat()}&before={day.isoformat()}")
    assert titles(response) == [last.title, first.title]
    french = day.strftime("%d/%m/%Y")
    assert len(titles(client.get(f"/articles/?after={french}"))) == 3


def test_filters_combine(client):
    china = make_topic(slug="chine")
    match = make_brief(title="Brève échanges Chine", topics=[china])
    make_article(title="Article échanges Chine", topics=[china])
    make_brief(title="Brève échanges ailleurs")
    make_brief(
        title="Brève échanges Chine ancienne",
        topics=[china],
        published_at=timezone.now() - timedelta(days=30),
    )
    after = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = client.get(f"/articles/?q=echanges&topic=chine&kind=brief&after={after}")
    assert titles(response) == [match.title]


def test_ordering_oldest_first(client):
    old = make_article(title="Ancien", published_at=timezone.now() - timedelta(days=3))
    new = make_article(title="Récent")
    assert titles(client.get("/articles/?ordering=ancien")) == [old.title, new.title]
    assert titles(client.get("/articles/?ordering=recent")) == [new.title, old.title]


def test_pagination_links_keep_the_filters(client):
    topic = make_topic(slug="chine")
    make_stories(45, topics=[topic])
    make_stories(3)
    response = client.get("/articles/?topic=chine&page=2")
    page = soup(response)
    assert page.select_one(".results__count").get_text(" ", strip=True) == "45 articles, page 2 sur 3"
    assert len(page.select(".results .card")) == 20
    links = {a.get_text(" ", strip=True): a["href"] for a in page.select(".pagination a")}
    assert links["Page 3"] == "?topic=chine&page=3"
    assert links["Page 1"] == "?topic=chine&page=1"
    assert page.select_one(".pagination a[rel=next]")["href"] == "?topic=chine&page=3"
    assert page.select_one(".pagination [aria-current=page]").get_text(" ", strip=True) == "Page 2"


def test_empty_parameters_redirect_to_the_clean_address(client):
    response = client.get("/articles/?q=&topic=chine&kind=&after=&before=&ordering=")
    assert response.status_code == 302
    assert response["Location"] == "/articles/?topic=chine"
    response = client.get("/themes/chine/?q=+&kind=")
    assert response["Location"] == "/themes/chine/"


def test_empty_state_says_nothing_matches_and_offers_a_reset(client):
    make_article(title="Seul")
    response = client.get("/articles/?kind=brief")
    assert response.status_code == 200
    empty = soup(response).select_one(".results .empty")
    assert "Aucun article publié ne correspond" in empty.get_text()
    assert empty.select_one("a")["href"] == "/articles/"


def test_form_lists_only_topics_in_use_with_counts_in_french_order(client):
    make_topic(name="Vide", slug="vide")
    economy, china = make_topic(name="Économie", slug="economie"), make_topic(name="Chine", slug="chine")
    zone = make_topic(name="Zone euro", slug="zone-euro")
    make_article(topics=[economy, china])
    make_brief(topics=[economy, zone])
    make_article(topics=[make_topic(name="Brouillons", slug="brouillons")], status=Status.DRAFT)
    labels = [
        label.get_text(strip=True)
        for label in soup(client.get("/articles/")).select(".filters__field--topic label")
    ]
    assert labels == ["Chine (1)", "Économie (2)", "Zone euro (1)"]


def test_unknown_topic_is_404(client):
    make_topic(slug="chine")
    assert client.get("/articles/?topic=atlantide").status_code == 404
    assert client.get("/articles/?topic=chine&topic=atlantide").status_code == 404
    assert client.get("/themes/atlantide/").status_code == 404


def test_topic_without_published_story_gives_a_message(client):
    make_topic(name="Vide", slug="vide")
    make_article(title="Autre")
    response = client.get("/articles/?topic=vide")
    assert response.status_code == 200
    assert "Rien n’est publié sous « vide »" in form_errors(response)
    # Its own page says it holds nothing, without looking for stories.
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/themes/vide/")
    assert soup(response).select_one(".results__count").get_text(strip=True) == "Aucun article"
    assert not any("facetentry" in q["sql"] and "COUNT" not in q["sql"] for q in queries)


def test_dates_in_the_wrong_order_give_a_message_and_are_ignored(client):
    make_article(title="Seul")
    response = client.get("/articles/?after=2025-06-01&before=2025-01-01")
    assert response.status_code == 200
    assert "La date de début doit précéder la date de fin." in form_errors(response)
    assert titles(response) == ["Seul"]


@pytest.mark.parametrize("value", ["2025-02-30", "2025-13-01", "hier", "0001-01-01", "31/12/9999"])
def test_impossible_dates_give_a_message(client, value):
    make_article(title="Seul")
    response = client.get("/articles/", {"after": value})
    assert response.status_code == 200
    assert form_errors(response)
    assert titles(response) == ["Seul"]


def test_unknown_kind_and_ordering_give_a_message(client):
    response = client.get("/articles/?kind=edito&ordering=hasard")
    assert response.status_code == 200
    errors = form_errors(response)
    assert "edito" in errors and "hasard" in errors


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1.5", "9" * 5000])
def test_pages_that_do_not_exist_are_404(client, page):
    make_article()
    assert client.get("/articles/", {"page": page}).status_code == 404


def test_topic_page_is_the_listing_narrowed_to_the_topic(client):
    topic = make_topic(name="Chine", slug="chine", description="Tout sur la <Chine>.")
    brief = make_brief(title="Brève Chine", topics=[topic])
    make_article(title="Article Chine", topics=[topic])
    make_brief(title="Brève ailleurs")
    response = client.get("/themes/chine/?kind=brief")
    page = soup(response)
    assert page.select_one("h1").get_text() == "Chine"
    assert page.select_one(".page-header__lead").get_text() == "Tout sur la <Chine>."
    assert "&lt;Chine&gt;" in response.content.decode()
    assert titles(response) == [brief.title]
    assert page.select_one("form.filters")["action"] == "/themes/chine/"
    assert not page.select("input[name=topic]")
    assert page.select_one(".page-header__kicker a")["href"] == "/themes/"


def test_every_page_links_to_the_index_and_the_listing(client):
    story = make_article(topics=[make_topic(slug="chine")])
    for url in ["/", "/articles/", story.get_absolute_url(), "/themes/", "/themes/chine/"]:
        page = soup(client.get(url))
        assert page.select_one("footer a[href='/themes/']").get_text() == "L’info de A à Z"
        assert page.select_one("nav.topnav a[href='/themes/']")
        assert page.select_one("form[role=search]")["action"] == "/articles/"


@pytest.mark.parametrize(
    "url, queries",
    [
        # nav topics and countries, topic choices (the counts of the listings'
        # index, then the topics counted), country choices (no country is
        # counted: no query for them), count, the ids of the page, its
        # stories (with their cards' kickers)
        ("/articles/", 8),
        ("/articles/?kind=article&ordering=ancien&after=2000-01-01", 8),
        # a search reads its page in one query (relevance_page)
        ("/articles/?q=echanges", 7),
        ("/articles/?topic=chine&q=ECHANGES", 7),
        # One topic alone: its number comes with the topic choices, no count
        ("/articles/?topic=chine", 7),
        # the topic, nav topics and countries, topic counts (the page's number:
        # two queries) and country choices, the ids of the page, its stories
        ("/themes/chine/", 8),
        # the topic, nav topics and countries, country choices, count, page of
        # stories
        ("/themes/chine/?q=echanges&kind=article", 6),
        # nav topics and countries, topics with counts (two queries)
        ("/themes/", 4),
    ],
)
def test_query_count_is_the_same_for_5_and_500_stories(
    client, django_assert_num_queries, url, queries
):
    topic = make_topic(slug="chine")
    for count in (5, 495):
        make_stories(count, topics=[topic, make_topic()], standfirst="Les échanges.")
        cache.clear()  # the topic counts, kept per content version, counted again
        # With Redis the content state shares that cache: warm it, as the
        # SQLite settings (a cache of its own) find it.
        content_state(now=timezone.now())
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200
        assert soup(response).select(".card") or url == "/themes/"


def test_topic_counts_are_kept_until_the_content_changes(
    client, django_assert_num_queries
):
    topic = make_topic(name="Chine", slug="chine")
    story = make_article(title="Le premier titre", topics=[topic])
    client.cookies["lecteur"] = "connecté"  # built, not served from the page cache
    client.get("/articles/")
    # Kept: the navigation, the topic and country choices with their counts,
    # the cards. Left: the count and the ids of the page; no story row.
    with django_assert_num_queries(2) as queries:
        client.get("/articles/")
    assert not any('"title"' in query["sql"] for query in queries.captured_queries)
    make_article(topics=[topic])
    story.title = "Le titre corrigé"
    story.save()
    response = client.get("/articles/")
    assert "Chine (2)" in response.content.decode()
    assert soup(response).select_one(".results__count").get_text(strip=True) == "2 articles"
    titles = [title.get_text() for title in soup(response).select(".card__title")]
    assert "Le titre corrigé" in titles and "Le premier titre" not in titles


def test_a_listing_of_one_topic_is_numbered_by_the_topic_counts(client):
    topic = make_topic(slug="chine")
    make_stories(25, topics=[topic])
    make_stories(3, topics=[make_topic()])
    make_article(topics=[topic], status=Status.DRAFT)
    make_article(topics=[topic], published_at=timezone.now() + timedelta(hours=1))
    client.cookies["lecteur"] = "connecté"

    def get(url):
        client.get(url)  # the counts, kept until the content changes
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counted = any("COUNT(" in query["sql"].upper() for query in queries)
        return soup(response), counted

    for url in ("/articles/?topic=chine", "/themes/chine/"):
        page, counted = get(url)
        assert not counted, url
        assert page.select_one(".results__count").get_text(" ", strip=True) == (
            "25 articles, page 1 sur 2"
        )
        page, _ = get(f"{url}{'&' if '?' in url else '?'}page=2")
        assert len(page.select(".card")) == 5
    # Anything more than the one topic is counted by the database.
    for url in ("/articles/?topic=chine&kind=brief", "/themes/chine/?kind=article"):
        page, counted = get(url)
        assert counted, url
    assert page.select_one(".results__count").get_text(" ", strip=True).startswith("25")


def test_form_without_topics_in_use_says_so(client):
    make_article()
    fieldset = soup(client.get("/articles/")).select_one(".filters__field--topic")
    assert fieldset.select_one(".filters__none").get_text() == "Rien de publié pour l’instant."
    assert not fieldset.select("input")


def test_filtered_views_are_not_indexed_but_pages_are(client):
    make_stories(25, topics=[make_topic(slug="chine")])
    robots = "meta[name=robots][content='noindex, follow']"
    for url in ["/articles/", "/articles/?page=2", "/themes/chine/?page=2"]:
        assert not soup(client.get(url)).select(robots), url
    for url in ["/articles/?kind=article", "/themes/chine/?q=article&page=2"]:
        assert soup(client.get(url)).select(robots), url


def test_a_listing_reads_the_rows_of_the_cards_it_does_not_keep(client):
    chine, inde = make_topic(slug="chine"), make_topic(slug="inde")
    kept = make_article(title="Pékin et Astana", topics=[chine])
    new = make_article(title="New Delhi", topics=[inde])
    client.cookies["lecteur"] = "connecté"
    client.get("/articles/?topic=chine")  # keeps the card of the one story
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/articles/")
    rows = [q["sql"] for q in queries if '"standfirst"' in q["sql"]]
    assert len(rows) == 1
    assert f"IN ({new.pk})" in rows[0].replace("'", "")
    cards = [title.get_text() for title in soup(response).select(".card__title")]
    assert cards == [new.title, kept.title]  # newest first, the kept one too


def test_the_filter_choices_follow_the_content():
    topic = make_topic(name="Chine", slug="chine")
    make_article(topics=[topic])

    def choices():
        filterset = ArticleFilter(QueryDict(""), queryset=Article.objects.published())
        return filterset.form.fields["topic"].choices

    assert choices() == [("chine", "Chine (1)")]
    make_article(topics=[topic])
    assert choices() == [("chine", "Chine (2)")]


def test_the_filter_form_is_kept_for_its_address_until_the_content_changes(client):
    chine, inde = make_topic(name="Chine", slug="chine"), make_topic(name="Inde", slug="inde")
    make_article(topics=[chine, inde])
    client.cookies["lecteur"] = "connecté"  # built, not served from the page cache

    def form(url):
        response = client.get(url)
        written = "articles/includes/filter_form.html" in [t.name for t in response.templates]
        checked = [box["value"] for box in soup(response).select(".filters input[checked]")]
        return written, checked

    assert form("/articles/?topic=chine") == (True, ["chine"])
    assert form("/articles/?topic=chine") == (False, ["chine"])
    assert form("/articles/?topic=inde") == (True, ["inde"])
    make_article(topics=[inde])
    written, _ = form("/articles/?topic=chine")
    assert written
    assert "Inde (2)" in client.get("/articles/?topic=chine").content.decode()


def test_a_topic_page_built_anew_reads_only_its_ids_once_values_are_kept(
    client, django_assert_num_queries
):
    topic = make_topic(name="Chine", slug="chine", description="Les relations avec Pékin.")
    make_stories(3, topics=[topic])
    client.cookies["lecteur"] = "connecté"  # built, not served from the page cache
    client.get("/themes/chine/")
    with django_assert_num_queries(2):  # the topic, the ids of the page: cards are kept
        response = client.get("/themes/chine/")
    assert soup(response).h1.get_text() == "Chine"
    assert "Les relations avec Pékin." in response.content.decode()
    assert len(soup(response).select(".card")) == 3
    assert client.get("/themes/nulle-part/").status_code == 404
    topic.name = "Chine populaire"
    topic.save()
    assert soup(client.get("/themes/chine/")).h1.get_text() == "Chine populaire"


def test_each_filter_set_has_filters_of_its_own():
    searching = ArticleFilter(QueryDict("q=blé"), queryset=Article.objects.all())
    browsing = ArticleFilter(QueryDict(""), queryset=Article.objects.all())
    assert searching.filters["ordering"].extra["empty_label"] == "Pertinence"
    assert browsing.filters["ordering"].extra["empty_label"] == "Les plus récents d’abord"
    assert "empty_label" not in ArticleFilter.base_filters["ordering"].extra
    for filterset in (searching, browsing):
        for name, filter_ in filterset.filters.items():
            assert filter_ is not ArticleFilter.base_filters[name]
            assert filter_.parent is filterset
    # A method filter calls the method of its own filter set.
    searching.filter_search = lambda queryset, name, value: queryset.none()
    make_article(title="Le blé")
    assert list(searching.qs) == []
    assert [story.title for story in browsing.qs] == ["Le blé"]
