"""Loading the trade seed: countries, sources, figures and targets; idempotent."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from articles.models import Article

from .models import Country, Figure, Indicator, Pair, Source, Target

SEED_FILE = Path(__file__).resolve().parent / "seed" / "figures.json"


class SeedError(Exception):
    pass


@transaction.atomic
def trade_seed_load(*, path: Path = SEED_FILE) -> dict[str, int]:
    """Create or update every record of the seed file; counts what it holds."""
    data = json.loads(path.read_text(encoding="utf-8"))
    countries = {
        c["code"]: Country.objects.update_or_create(
            code=c["code"], defaults={"name": c["name"], "slug": c["slug"]}
        )[0]
        for c in data["countries"]
    }
    for country in countries.values():
        country.stories.add(*_stories(data["country_stories"]))
    pairs = {
        p["slug"]: Pair.objects.update_or_create(
            slug=p["slug"],
            defaults={"first": countries[p["first"]], "second": countries[p["second"]]},
        )[0]
        for p in data["pairs"]
    }
    indicators = {}
    for item in data["indicators"]:
        indicators[item["slug"]] = Indicator.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "unit": item["unit"],
                "scale": item["scale"],
                "non_negative": item["non_negative"],
                "change_of": indicators.get(item["change_of"]),
            },
        )[0]
    sources = {
        s["key"]: Source.objects.update_or_create(
            url=s["url"],
            defaults={
                "publisher": s["publisher"],
                "title": s["title"],
                "published_on": s["published_on"],
            },
        )[0]
        for s in data["sources"]
    }
    figures = {}
    for item in data["figures"]:
        indicator = indicators[item["indicator"]]
        figure, _ = Figure.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "indicator": indicator,
                "reporter": countries[item["reporter"]],
                "partner": countries[item["partner"]],
                "period_start": item["start"],
                "period_end": item["end"],
                "value": Decimal(item["value"]),
                "unit": indicator.unit,
                "scale": indicator.scale,
                "basis": item["basis"],
                "source": sources[item["source"]] if item["source"] else None,
                "quote": item["quote"],
                "story_words": item.get("story_words", ""),
                "note": item.get("note", ""),
            },
        )
        figure.clean()
        figure.stories.add(*_stories(item.get("stories", [])))
        figures[figure.slug] = figure
    for item in data["targets"]:
        indicator = indicators[item["indicator"]]
        target, _ = Target.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "pair": pairs[item["pair"]],
                "indicator": indicator,
                "basis": item["basis"],
                "statement": item["statement"],
                "source": sources[item["source"]],
                "baseline": figures.get(item["baseline"]),
                "multiplier": _decimal(item["multiplier"]),
                "target_value": _decimal(item["target_value"]),
                "unit": indicator.unit,
                "scale": indicator.scale,
                "target_year": item["target_year"],
                "note": item["note"],
            },
        )
        target.clean()
    return {
        "figures": len(figures),
        "sources": len(sources),
        "targets": len(data["targets"]),
    }


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _stories(slugs: list[str]) -> list[Article]:
    stories = list(Article.objects.filter(slug__in=slugs))
    missing = set(slugs) - {s.slug for s in stories}
    if missing:
        raise SeedError(
            "Articles introuvables : "
            + ", ".join(sorted(missing))
            + ". Chargez d’abord le contenu de départ (load_seed)."
        )
    return stories
