"""Search in relevance order, page by page, counted up to a cap.

Title matches come first, newest first in each group; a search counts and
pages at most SEARCH_COUNT_CAP results (articles/search.py). The same tests
run on SQLite and on PostgreSQL (CI), where the pages are read group by group
from the indexes.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import search
from articles.models import Article, Kind, Status
from articles.search import fold
from articles.views import ArticleListView

from .factories import make_article, make_topic
from .pages import soup, titles
from .feeds import SITE_URL, fetch_feed

pytestmark = pytest.mark.django_db


def count_line(response):
    return soup(response).select_one(".results__count").get_text(" ", strip=True)


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def bulk_stories(count, title, hours_from=1):
    """``count`` published stories titled ``title`` n, written in one query."""
    stories = [
        Article(
            title=f"{title} {n}",
            slug=f"lot-{hours_from}-{n}",
            kind=Kind.ARTICLE,
            standfirst="Un chapô.",
            body="Un paragraphe.",
            body_html="<p>Un paragraphe.</p>",
            # What save() writes; PostgreSQL's trigger builds the documents.
            search_title=fold(f"{title} {n}"),
            search_text=fold("Un chapô.\nUn paragraphe."),
            status=Status.PUBLISHED,
            published_at=hours_ago(hours_from + n),
        )
        for n in range(count)
    ]
    Article.objects.bulk_create(stories)


def test_title_matches_fill_the_first_page_then_the_others_follow_newest_first(
    client,
):
    # Stories found by their body are the newest: relevance, not date, puts
    # the 21 title matches first.
    body_matches = [
        make_article(title=f"Récit {n}", body="Le fret reprend.", published_at=hours_ago(n))
        for n in range(1, 4)
    ]
    title_matches = [
        make_article(title=f"Fret {n}", published_at=hours_ago(10 + n)) for n in range(21)
    ]
    make_article(title="Sans rapport", published_at=hours_ago(0.5))

    first = client.get("/articles/?q=fret")
    second = client.get("/articles/?q=fret&page=2")

    assert titles(first) == [story.title for story in title_matches[:20]]
    assert titles(second) == [title_matches[20].title] + [s.title for s in body_matches]
    assert count_line(first) == "24 articles, page 1 sur 2"


def test_a_title_match_holds_every_word_in_its_title(client):
    both = make_article(title="Fret et blé", published_at=hours_ago(5))
    one = make_article(title="Le fret", body="Du blé.", published_at=hours_ago(2))
    neither = make_article(title="Rien", body="Le fret et le blé.", published_at=hours_ago(1))
    assert titles(client.get("/articles/?q=ble+fret")) == [
        both.title,
        neither.title,
        one.title,
    ]


def test_an_edited_title_moves_a_story_to_the_title_matches(client):
    older = make_article(title="Le fret", published_at=hours_ago(5))
    story = make_article(title="Autre chose", body="Du fret.", published_at=hours_ago(1))
    assert titles(client.get("/articles/?q=fret")) == [older.title, story.title]
    story.title = "Le fret repart"
    story.save(update_fields=["title"])
    assert titles(client.get("/articles/?q=fret")) == [story.title, older.title]


def test_search_with_a_topic_keeps_the_order_within_the_topic(client):
    chine = make_topic(slug="chine")
    body_match = make_article(
        title="Récit", body="Le fret.", topics=[chine], published_at=hours_ago(1)
    )
    title_match = make_article(title="Le fret", topics=[chine], published_at=hours_ago(3))
    make_article(title="Le fret ailleurs", topics=[make_topic()], published_at=hours_ago(2))
    response = client.get("/articles/?q=fret&topic=chine")
    assert titles(response) == [title_match.title, body_match.title]
    assert count_line(response) == "2 articles"
    topic_page = client.get("/themes/chine/?q=fret")
    assert titles(topic_page) == [title_match.title, body_match.title]


def test_search_pages_never_show_drafts_or_scheduled_stories(client):
    published = make_article(title="Le fret publié")
    make_article(title="Le fret en brouillon", status=Status.DRAFT)
    make_article(title="Le fret programmé", published_at=timezone.now() + timedelta(days=1))
    make_article(title="Récit en brouillon", body="Le fret.", status=Status.DRAFT)
    response = client.get("/articles/?q=fret")
    assert titles(response) == [published.title]
    assert count_line(response) == "1 article"


def test_search_counts_up_to_the_cap_and_pages_stop_there(client, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 5)
    monkeypatch.setattr(ArticleListView, "paginate_by", 2)
    stories = [make_article(title=f"Fret {n}", published_at=hours_ago(n)) for n in range(7)]

    last = client.get("/articles/?q=fret&page=3")

    assert count_line(last) == "Plus de 5 articles, page 3 sur 3"
    assert titles(last) == [stories[4].title]
    assert client.get("/articles/?q=fret&page=4").status_code == 404
    by_date = client.get("/articles/?q=fret&ordering=ancien&page=3")
    assert titles(by_date) == [stories[2].title]
    assert client.get("/articles/?q=fret&ordering=ancien&page=4").status_code == 404


def test_a_count_at_the_cap_is_exact(client, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 5)
    for n in range(5):
        make_article(title=f"Fret {n}")
    assert count_line(client.get("/articles/?q=fret")) == "5 articles"


def test_more_than_a_thousand_results_say_so_in_french(client):
    bulk_stories(1001, "Fret")
    first = client.get("/articles/?q=fret")
    assert count_line(first) == "Plus de 1\u00a0000 articles, page 1 sur 50"
    last = client.get("/articles/?q=fret&page=50")
    assert titles(last) == [f"Fret {n}" for n in range(980, 1000)]
    assert client.get("/articles/?q=fret&page=51").status_code == 404


def test_listings_without_a_search_are_not_capped(client, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 5)
    for n in range(7):
        make_article()
    assert count_line(client.get("/articles/")) == "7 articles"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_search_feed_lists_the_newest_matches(client, settings, fmt):
    settings.SITE_URL = SITE_URL
    body_match = make_article(title="Récit", body="Le fret.", published_at=hours_ago(1))
    title_match = make_article(title="Le fret", published_at=hours_ago(2))
    make_article(title="Le fret en brouillon", status=Status.DRAFT)
    make_article(title="Sans rapport")
    bulk_stories(35, "Fret ancien", hours_from=10)
    _, feed, _ = fetch_feed(client, f"/articles/flux/{fmt}/?q=fret")
    listed = [entry.title for entry in feed.entries]
    assert listed == [body_match.title, title_match.title] + [
        f"Fret ancien {n}" for n in range(28)
    ]
