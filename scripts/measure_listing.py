"""Time the listing, the topic page, the index and search on a large archive.

One-off measurement (the figures are in README.md), on a throwaway database:

    DJANGO_DEBUG=1 DJANGO_SQLITE_PATH=/tmp/bench.sqlite3 \\
        .venv/bin/python scripts/measure_listing.py [--stories 100000]

It migrates that database, fills it with synthetic stories the first time,
then requests each page through Django (view, queries and template) and
prints the median time and the number of SQL queries.
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Kind, Status, Topic  # noqa: E402
from articles.search import fold  # noqa: E402

WORDS = (
    "commerce échanges commerciaux Chine Kazakhstan pétrole blé fret ferroviaire "
    "douane investissement économie énergie croissance exportations importations "
    "frontière accord coopération marché prix dollars milliards hausse baisse "
    "gouvernement ministre sommet port logistique acier cuivre uranium gaz"
).split()
TOPICS = [
    "Chine", "Kazakhstan", "Commerce international", "Économie", "Énergie",
    "Transport ferroviaire", "Investissement", "Agriculture", "Œuvres d’art",
    "Europe", "Asie centrale", "Russie", "Douanes", "Finance", "Industrie",
    "Matières premières", "Diplomatie", "Logistique", "Climat", "Emploi",
]


SYLLABLES = "ba bé ca co da dé fa gi la lé ma mo na né pa po ra ré sa so ta té va vo".split()


def vocabulary(rng):
    """The French words above, then 3,000 made-up ones, with Zipf frequencies:
    a few words are in most stories, most words in a few."""
    made_up = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(3500)}
    words = WORDS + sorted(made_up - set(WORDS))[:3000]
    return words, [1 / rank for rank in range(1, len(words) + 1)]


def sentence(rng, words, n):
    return " ".join(rng.choices(*words, k=n)).capitalize() + "."


def fill(count):
    rng = random.Random(4)
    words = vocabulary(rng)
    topics = [Topic.objects.create(name=name, slug=f"theme-{i}") for i, name in enumerate(TOPICS)]
    now = timezone.now()
    Link = Article.topics.through
    for start in range(0, count, 5000):
        batch = []
        for i in range(start, min(start + 5000, count)):
            title = sentence(rng, words, 8)
            standfirst = sentence(rng, words, 25)
            body = "\n\n".join(sentence(rng, words, 40) for _ in range(4))
            batch.append(
                Article(
                    title=title,
                    slug=f"histoire-{i}",
                    kind=Kind.BRIEF if i % 4 == 0 else Kind.ARTICLE,
                    standfirst=standfirst,
                    body=body,
                    status=Status.PUBLISHED if i % 20 else Status.DRAFT,
                    published_at=now - timedelta(minutes=7 * i),
                    search_title=fold(title),
                    search_text=fold(f"{standfirst}\n{body}"),
                )
            )
        stories = Article.objects.bulk_create(batch)
        Link.objects.bulk_create(
            Link(article_id=story.pk, topic_id=topic.pk)
            for story in stories
            for topic in rng.sample(topics, rng.randint(1, 3))
        )
    print(f"{count} stories written", file=sys.stderr)


def measure(client, url, runs):
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings) * 1000, len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Article.objects.exists():
        fill(options.stories)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # A word of middling frequency: in about 1 story in 500.
    rare = vocabulary(random.Random(4))[0][400]
    day = (timezone.localdate() - timedelta(days=30)).isoformat()
    urls = [
        "/articles/",
        "/articles/?page=200",
        "/articles/?topic=theme-0",
        "/articles/?topic=theme-0&topic=theme-3&kind=brief",
        f"/articles/?kind=article&after={day}",
        "/articles/?q=echanges+commerciaux",
        f"/articles/?q={rare}",
        f"/articles/?q={rare.upper()}+{WORDS[2]}&topic=theme-1",
        "/themes/theme-0/",
        "/themes/theme-0/?q=fret",
        "/themes/",
    ]
    client = Client(SERVER_NAME="127.0.0.1")
    print(f"{connection.vendor}, {Article.objects.count()} stories")
    print("| Page | Median | Queries |\n| --- | ---: | ---: |")
    for url in urls:
        milliseconds, queries = measure(client, url, options.runs)
        print(f"| `{url}` | {milliseconds:.0f} ms | {queries} |")


if __name__ == "__main__":
    main()
