"""A synthetic archive for the benchmark: many stories over many topics, and
trade figures between many pairs of countries.

Meant for its own database (``make bench`` points DJANGO_SQLITE_PATH at
bench.sqlite3), never the newsroom's. Rows are written in bulk (no save(), no
signals), so the Markdown of each body variant is rendered once here, and the
page cache is refreshed once at the end.
"""

import random
import sys
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from articles import facets
from articles.markdown_fr import french_typography
from articles.models import Article, Kind, Status, Topic
from articles.rendering import render_markdown
from articles.search import fold
from pagecache import content_refresh
from trade.models import Basis, Country, Figure, Indicator, Pair, Scale, Source, Unit

BATCH = 2000
SUBJECTS = [
    "les échanges",
    "les volumes de fret ferroviaire",
    "les exportations de blé",
    "les livraisons de gaz",
    "les investissements",
    "les ventes en ligne",
    "les tarifs douaniers",
    "les livraisons d'uranium",
    "les flux de transit",
    "les prix de l'énergie",
]
VERBS = ["progressent", "reculent", "se stabilisent", "doublent", "ralentissent"]
PLACES = ["Astana", "Pékin", "Almaty", "Urumqi", "Paris", "Tachkent", "Moscou"]
PARAGRAPH = (
    "Selon les chiffres publiés {when}, {subject} {verb} de {pct} pour cent sur "
    "un an, a indiqué le ministère. Les deux pays disent vouloir « aller plus "
    "loin » et citent l'objectif fixé pour 2030."
)
TABLE = "| Année | Montant |\n| --- | ---: |\n| 2023 | 41,0 |\n| 2024 | 43,8 |\n"
# Codes ISO 3166 leaves to users (XA–XZ): no real country is ever touched.
COUNTRY_CODES = [f"X{chr(letter)}" for letter in range(ord("A"), ord("Z") + 1)]
INDICATORS = {
    "demo-exportations": "Exportations (démo)",
    "demo-importations": "Importations (démo)",
    "demo-echanges": "Échanges totaux (démo)",
    "demo-investissements": "Investissements directs (démo)",
}
YEARS = range(2000, 2025)
# The demo topics in the site's menu, as a newsroom's few sections.
MENU_TOPICS = 8


def body_variants(rng):
    variants = []
    for v in range(8):
        paragraphs = [
            PARAGRAPH.format(
                when=rng.choice(["lundi", "mardi", "mercredi", "jeudi", "vendredi"]),
                subject=rng.choice(SUBJECTS),
                verb=rng.choice(VERBS),
                pct=rng.randint(2, 40),
            )
            for _ in range(6)
        ]
        paragraphs.insert(3, "## Les chiffres")
        if v % 2:
            paragraphs.insert(4, TABLE)
        body = "\n\n".join(paragraphs)
        variants.append((body, render_markdown(body)))
    return variants


class Command(BaseCommand):
    help = (
        "Crée une archive synthétique pour les mesures (slugs demo-…) ; "
        "sans effet sur ce qui existe déjà."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, default=1000)
        parser.add_argument("--topics", type=int, default=200)
        parser.add_argument("--figures", type=int, default=10000)

    def handle(self, *args, stories, topics, figures, **options):
        rng = random.Random(7)
        with transaction.atomic():
            topic_ids = self.seed_topics(topics)
            created = self.seed_stories(stories, topic_ids, rng)
            figures_created = self.seed_figures(figures, rng)
            if created or figures_created:
                # Bulk inserts send no signal: the listings' index, anew.
                facets.rebuild()
        # Fresh statistics, or SQLite's planner picks the wrong indexes on a
        # table that grew from nothing to the archive's size in one go.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        content_refresh()
        self.stdout.write(
            self.style.SUCCESS(
                f"Archive de démonstration : {stories} histoires sur {topics} thèmes "
                f"({created} créées), {figures} chiffres ({figures_created} créés)."
            )
        )

    def seed_topics(self, count):
        existing = set(
            Topic.objects.filter(slug__startswith="demo-").values_list(
                "slug", flat=True
            )
        )
        Topic.objects.bulk_create(
            Topic(
                name=f"Thème {n:03d}",
                slug=f"demo-{n:03d}",
                description="Un thème de démonstration.",
                menu_position=n + 1 if n < MENU_TOPICS else None,
            )
            for n in range(count)
            if f"demo-{n:03d}" not in existing
        )
        return list(
            Topic.objects.filter(slug__startswith="demo-")
            .order_by("slug")
            .values_list("pk", flat=True)[:count]
        )

    def seed_stories(self, count, topic_ids, rng):
        existing = set(
            Article.objects.filter(slug__startswith="demo-").values_list(
                "slug", flat=True
            )
        )
        missing = [n for n in range(count) if f"demo-{n:06d}" not in existing]
        bodies = body_variants(rng)
        now = timezone.now()
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            stories = [self.story(n, count, now, rng, bodies) for n in batch]
            Article.objects.bulk_create(stories)
            self.link(batch, topic_ids, rng)
            self.progress(min(start + BATCH, len(missing)), len(missing))
        if missing:
            sys.stderr.write("\n")
        return len(missing)

    @staticmethod
    def story(n, count, now, rng, bodies):
        body, body_html = rng.choice(bodies)
        brief = n % 4 == 3
        subject = rng.choice(SUBJECTS)
        verb, place = rng.choice(VERBS), rng.choice(PLACES)
        title = french_typography(
            f"{subject[0].upper()}{subject[1:]} {verb} à {place} ({n})"
        )
        standfirst = french_typography(
            f"Ce que disent les derniers chiffres sur {subject}, "
            "et ce qu'ils annoncent."
        )
        return Article(
            title=title,
            slug=f"demo-{n:06d}",
            kind=Kind.BRIEF if brief else Kind.ARTICLE,
            standfirst=standfirst,
            body=body,
            body_html=body_html,
            # What save() would write; PostgreSQL's trigger builds the
            # search document from them.
            search_title=fold(title),
            search_text=fold(f"{standfirst}\n{body}"),
            # One in fifty is a draft, so that the pages filter them out.
            status=Status.DRAFT if n % 50 == 49 else Status.PUBLISHED,
            # Newest last: demo-000000 is the oldest, spread over the past.
            published_at=now - timedelta(minutes=17 * (count - n)),
            dateline=rng.choice(PLACES),
            credit="La Gazette",
        )

    @staticmethod
    def link(batch, topic_ids, rng):
        ids = dict(
            Article.objects.filter(
                slug__in=[f"demo-{n:06d}" for n in batch]
            ).values_list("slug", "pk")
        )
        topic_rows, related_rows = [], []
        through_topics = Article.topics.through
        through_related = Article.related.through
        for n in batch:
            pk = ids[f"demo-{n:06d}"]
            for topic_id in rng.sample(
                topic_ids, k=min(len(topic_ids), rng.randint(1, 3))
            ):
                topic_rows.append(through_topics(article_id=pk, topic_id=topic_id))
            parent = ids.get(f"demo-{n - 1:06d}")
            if n % 4 == 3 and parent:
                # Symmetrical relation: one row each way, as related.add() writes.
                related_rows.append(
                    through_related(from_article_id=pk, to_article_id=parent)
                )
                related_rows.append(
                    through_related(from_article_id=parent, to_article_id=pk)
                )
        through_topics.objects.bulk_create(topic_rows)
        through_related.objects.bulk_create(related_rows)

    def seed_figures(self, count, rng):
        """Yearly figures for pairs of made-up countries, each side reporting
        four indicators (200 a pair), sourced so that they are public; the
        latest of each pair is cited by a story."""
        countries = [
            Country.objects.get_or_create(
                code=code,
                defaults={"name": f"Pays démo {code}", "slug": f"demo-{code.lower()}"},
            )[0]
            for code in COUNTRY_CODES
        ]
        indicators = [
            Indicator.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "unit": Unit.USD, "scale": Scale.MILLIONS},
            )[0]
            for slug, name in INDICATORS.items()
        ]
        sources = {
            country.pk: Source.objects.get_or_create(
                url=f"https://example.org/demo/{country.code.lower()}",
                defaults={
                    "publisher": f"Statistiques de {country.name}",
                    "title": "Annuaire du commerce extérieur (démo)",
                    "language": "fr",
                },
            )[0]
            for country in countries
        }
        per_pair = 2 * len(indicators) * len(YEARS)
        pairs = []
        for n in range(-(-count // per_pair)):
            first = countries[n % len(countries)]
            second = countries[(n + 1 + n // len(countries)) % len(countries)]
            pairs.append(
                Pair.objects.get_or_create(
                    slug=f"demo-{first.code.lower()}-{second.code.lower()}",
                    defaults={"first": first, "second": second},
                )[0]
            )
        existing = set(
            Figure.objects.filter(slug__startswith="demo-").values_list(
                "slug", flat=True
            )
        )
        wanted = [
            (pair, reporter, partner, indicator, year)
            for pair in pairs
            for reporter, partner in (
                (pair.first, pair.second),
                (pair.second, pair.first),
            )
            for indicator in indicators
            for year in YEARS
        ][:count]
        new = []
        for pair, reporter, partner, indicator, year in wanted:
            slug = f"{pair.slug}-{indicator.slug[5:9]}-{year}-{reporter.code.lower()}"
            if slug in existing:
                continue
            new.append(
                Figure(
                    slug=slug,
                    indicator=indicator,
                    reporter=reporter,
                    partner=partner,
                    period_start=date(year, 1, 1),
                    period_end=date(year, 12, 31),
                    value=Decimal(rng.randint(500, 90000)) / 10,
                    unit=indicator.unit,
                    scale=indicator.scale,
                    basis=Basis.OTHER,
                    source=sources[reporter.pk],
                )
            )
        for start in range(0, len(new), BATCH):
            Figure.objects.bulk_create(new[start : start + BATCH])
            self.progress(min(start + BATCH, len(new)), len(new), "chiffres")
        if new:
            sys.stderr.write("\n")
        self.cite_latest(pairs)
        return len(new)

    @staticmethod
    def cite_latest(pairs):
        """One story cites each pair's latest figures (idempotent)."""
        through = Figure.stories.through
        stories = list(
            Article.objects.published()
            .filter(slug__startswith="demo-")
            .order_by("-published_at")
            .values_list("pk", flat=True)[: len(pairs)]
        )
        latest = Figure.objects.filter(
            slug__startswith="demo-", period_start__year=YEARS[-1]
        )
        links = [
            through(figure_id=figure_id, article_id=story_id)
            for pair, story_id in zip(pairs, stories)
            for figure_id in latest.filter(pair.between()).values_list("pk", flat=True)
        ]
        through.objects.bulk_create(links, ignore_conflicts=True)

    @staticmethod
    def progress(done, total, what="histoires", width=40):
        filled = width * done // total
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what}"
        )
        sys.stderr.flush()
