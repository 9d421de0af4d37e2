"""Writes across records: loading the trade seed (idempotent), and writing
figures into the stories that print their words."""

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from articles.models import Article

from .models import (
    STORY_WORDS,
    Acknowledgement,
    Country,
    Figure,
    Indicator,
    Pair,
    Source,
    Target,
)

SEED_FILE = Path(__file__).resolve().parent / "seed" / "figures.json"


class SeedError(Exception):
    pass


@transaction.atomic
def trade_seed_load(*, path: Path = SEED_FILE) -> dict[str, int]:
    """Create the records of the seed file that the database lacks; counts
    what was created.

    Records are found by their key (a country's code, a source's address,
    the others' slug). One that exists is left exactly as editors left it,
    with its links: a story linked to a new record is linked once, when the
    record is created, and a figure's words become tokens only then. A
    second load writes nothing.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    created = {
        "countries": 0,
        "figures": 0,
        "sources": 0,
        "targets": 0,
        "acknowledgements": 0,
    }

    def get_or_create(model, counter=None, **kwargs):
        row, new = model.objects.get_or_create(**kwargs)
        if new and counter:
            created[counter] += 1
        return row, new

    countries = {}
    for c in data["countries"]:
        country, new = get_or_create(
            Country, "countries", code=c["code"], defaults={"name": c["name"], "slug": c["slug"]}
        )
        if new:
            country.stories.add(*_stories(data["country_stories"]))
        countries[c["code"]] = country
    pairs = {
        p["slug"]: get_or_create(
            Pair,
            slug=p["slug"],
            defaults={"first": countries[p["first"]], "second": countries[p["second"]]},
        )[0]
        for p in data["pairs"]
    }
    indicators = {}
    for item in data["indicators"]:
        indicators[item["slug"]] = get_or_create(
            Indicator,
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
        s["key"]: get_or_create(
            Source,
            "sources",
            url=s["url"],
            defaults={
                "publisher": s["publisher"],
                "title": s["title"],
                "published_on": s["published_on"],
                "language": s["language"],
            },
        )[0]
        for s in data["sources"]
    }
    figures, new_figures, in_story_words = {}, [], set()
    for item in data["figures"]:
        figure = Figure.objects.filter(slug=item["slug"]).first()
        if figure is None:
            indicator = indicators[item["indicator"]]
            figure = Figure(
                slug=item["slug"],
                indicator=indicator,
                reporter=countries[item["reporter"]],
                partner=countries[item["partner"]],
                period_start=item["start"],
                period_end=item["end"],
                value=Decimal(item["value"]),
                unit=indicator.unit,
                scale=indicator.scale,
                basis=item["basis"],
                source=sources[item["source"]] if item["source"] else None,
                quote=item["quote"],
                story_words=item.get("story_words", ""),
                note=item.get("note", ""),
            )
            figure.full_clean()
            figure.save()
            figure.stories.add(*_stories(item.get("stories", [])))
            new_figures.append(figure)
            if item.get("link_form") == STORY_WORDS:
                in_story_words.add(figure.slug)
            created["figures"] += 1
        figures[figure.slug] = figure
    cited = Article.objects.filter(figures__in=new_figures).distinct()
    dates = dict(cited.values_list("pk", "updated_at"))
    figure_words_link(figures=new_figures, in_story_words=in_story_words)
    new_targets = []
    for item in data["targets"]:
        if Target.objects.filter(slug=item["slug"]).exists():
            continue
        indicator = indicators[item["indicator"]]
        target = Target(
            slug=item["slug"],
            pair=pairs[item["pair"]],
            indicator=indicator,
            basis=item["basis"],
            statement=item["statement"],
            source=sources[item["source"]],
            baseline=figures.get(item["baseline"]),
            multiplier=_decimal(item["multiplier"]),
            target_value=_decimal(item["target_value"]),
            unit=indicator.unit,
            scale=indicator.scale,
            target_year=item["target_year"],
            stated_year=item.get("stated_year"),
            note=item["note"],
        )
        target.full_clean()
        target.save()
        new_targets.append((target, _stories(item.get("stories", []))))
        created["targets"] += 1
    for target, stories in new_targets:
        dates.update(
            (story.pk, story.updated_at) for story in stories if story.pk not in dates
        )
        target_words_link(target=target, stories=stories)
    # A figure's own words written as its token read the same: the stories
    # keep their dates (a seed load moves none).
    for pk, updated_at in dates.items():
        Article.objects.filter(pk=pk).update(updated_at=updated_at)
    for item in data.get("acknowledgements", []):
        figure = Figure.objects.filter(slug=item["figure"]).first()
        if figure is None or Acknowledgement.objects.filter(
            check_key=item["check_key"]
        ).exists():
            continue
        Acknowledgement.objects.create(
            figure=figure, check_key=item["check_key"], note=item["note"]
        )
        created["acknowledgements"] += 1
    return created


@dataclass
class WordsLinked:
    tokens: int = 0
    stories: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


@transaction.atomic
def figure_words_link(
    *, figures: Iterable[Figure], in_story_words: Iterable[str] = ()
) -> WordsLinked:
    """Make the stories citing these figures write them as tokens.

    Where a story attached to a figure prints the figure's recorded words
    (``story_words``, « 43,8 milliards de dollars »), the phrase becomes the
    token whose form renders those very words, so readers read the same
    sentence, now linked to the source and following the record. Tokens are
    never matched again, so a second run changes nothing. Words the record
    does not render, or that two figures of one story share, stay as they are
    and are reported, unless the figure's slug is in ``in_story_words``: an
    editor chose to keep the story's words (« 1 700 kilomètres » for
    1 782,75), written with the ``article`` form; the checks then compare
    those words with the value.
    """
    in_story_words = set(in_story_words)
    result = WordsLinked()
    by_story = defaultdict(list)
    stories = {}
    for figure in figures:
        if figure.story_words.strip():
            for story in figure.stories.all():
                stories[story.pk] = story
                by_story[story.pk].append(figure)
    for pk, cited in by_story.items():
        story = stories[pk]
        shared = defaultdict(list)
        for figure in cited:
            shared[_words(figure.story_words)].append(figure.slug)
        body = story.body
        for figure in cited:
            words = _words(figure.story_words)
            if len(shared[words]) > 1:
                others = ", ".join(s for s in shared[words] if s != figure.slug)
                result.problems.append(
                    f"{figure.slug}\u202f: dans « {story.title} », ses mots "
                    f"« {figure.story_words} » sont aussi ceux de {others} ; "
                    "écrivez le jeton à la main."
                )
                continue
            forms = [f for f in figure.forms() if f != STORY_WORDS]
            if figure.slug in in_story_words:
                forms.append(STORY_WORDS)
            form = next(
                (f for f in forms if _words(figure.display(f)) == words),
                None,
            )
            if form is None:
                result.problems.append(
                    f"{figure.slug}\u202f: l’article écrit « {figure.story_words} », "
                    f"le chiffre donne « {figure.display()} » ; "
                    "corrigez l’un ou l’autre."
                )
                continue
            phrase = r"\s+".join(re.escape(word) for word in words.split())
            # Not inside a longer number (« 143,8 ») or word.
            pattern = re.compile(rf"(?<![\w,.]){phrase}(?!\w)")
            token = figure.token(form)
            body, count = pattern.subn(lambda m: token, body)
            result.tokens += count
        if body != story.body:
            story.body = body
            story.save(update_fields=["body"])
            result.stories.add(story.slug)
    return result


@transaction.atomic
def target_words_link(*, target: Target, stories: Iterable[Article]) -> int:
    """Write the target's year as its token (``[[objectif:slug]]``) in these
    stories: « d’ici 2030 » then links to the target on its pair's page, and
    reads the same. A year already inside a token is left alone."""
    year = re.compile(rf"(?<![\w,.:\[]){target.target_year}(?![\w\]])")
    count = 0
    for story in stories:
        parts = re.split(r"(\[\[[^\]]*\]\])", story.body)
        replaced = 0
        for index in range(0, len(parts), 2):
            parts[index], n = year.subn(lambda m: target.token(), parts[index])
            replaced += n
        if replaced:
            story.body = "".join(parts)
            story.save(update_fields=["body"])
            count += replaced
    return count


def _words(text: str) -> str:
    """Words compared whatever their spaces (narrow, no-break or plain)."""
    return " ".join(text.split())


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
