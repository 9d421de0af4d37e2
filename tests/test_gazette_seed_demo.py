from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article, Status, Topic
from gazette.management.commands.bench import parse_wrk
from trade.models import Figure, Pair

from .test_articles_facet_entries import entries, expected

pytestmark = pytest.mark.django_db


def seed(stories, topics=5, figures=0):
    call_command(
        "seed_demo", stories=stories, topics=topics, figures=figures, stdout=StringIO()
    )


def test_seed_demo_creates_the_archive_once():
    seed(40)
    assert Article.objects.filter(slug__startswith="demo-").count() == 40
    assert Topic.objects.filter(slug__startswith="demo-").count() == 5
    seed(40)
    assert Article.objects.filter(slug__startswith="demo-").count() == 40
    seed(60)
    assert Article.objects.filter(slug__startswith="demo-").count() == 60
    assert Topic.objects.filter(slug__startswith="demo-").count() == 5
    # Bulk inserts send no signal: the listings' index is written anew.
    assert entries() == expected()
    assert len(entries()) >= 58


def test_seed_demo_stories_are_complete_and_mostly_published(client):
    seed(100)
    stories = Article.objects.filter(slug__startswith="demo-")
    assert stories.filter(status=Status.DRAFT).count() == 2
    assert not stories.filter(topics__isnull=True).exists()
    story = (
        Article.objects.published()
        .articles()
        .filter(related__status=Status.PUBLISHED)
        .first()
    )
    brief = story.related.get()
    assert story in brief.related.all()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<h2" in page and brief.title in page
    assert client.get("/").status_code == 200


def test_seed_demo_stories_are_found_by_search(client):
    seed(20)
    story = Article.objects.published().filter(slug__startswith="demo-").first()
    word = story.title.split()[2]
    assert len(word) > 3
    page = client.get("/articles/", {"q": word}).content.decode()
    assert f'href="{story.get_absolute_url()}"' in page


def test_seed_demo_makes_its_stories_visible_past_what_pages_keep(client):
    seed(10)
    client.get("/articles/")
    seed(20)
    newest = Article.objects.published().first()
    assert newest.title in client.get("/").content.decode()
    assert newest.title in client.get("/articles/").content.decode()


def test_seed_demo_creates_trade_figures_once(client):
    seed(10, figures=450)
    figures = Figure.objects.filter(slug__startswith="demo-")
    assert figures.count() == 450
    seed(10, figures=450)
    assert figures.count() == 450
    seed(10, figures=600)
    assert figures.count() == 600
    # Sourced, hence public; 200 a pair, each side reporting.
    assert Figure.objects.published().filter(slug__startswith="demo-").count() == 600
    pair = Pair.objects.get(slug="demo-xa-xb")
    assert figures.filter(pair.between()).count() == 200
    citing = Article.objects.published().filter(figures__in=figures).distinct()
    assert citing.count() == 3
    page = client.get(pair.get_absolute_url())
    assert page.status_code == 200
    assert citing.filter(figures__in=figures.filter(pair.between())).get().title in (
        page.content.decode()
    )


WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8799/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.07s   188.31ms   1.67s    85.29%
  Latency Distribution
     50%  900.00us
     75%    1.13s 
     90%    1.36s 
     99%    1.67s 
  68 requests in 5.08s, 1.51MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:     13.38
"""


def test_wrk_output_is_read_with_its_units_and_errors():
    run = parse_wrk(WRK_OUTPUT)
    assert run.rps == 13.38 and run.requests == 68
    assert run.p50_ms == pytest.approx(0.9) and run.p99_ms == pytest.approx(1670)
    assert run.errors == 6
