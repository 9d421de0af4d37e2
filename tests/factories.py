"""Small builders for test data: make_article(**overrides), make_topic(**overrides)."""
from datetime import timedelta
from itertools import count

from django.contrib.auth.models import User
from django.utils import timezone

from articles import facets
from articles.models import Article, Kind, Status, Topic
from articles.search import fold

_sequence = count(1)


def make_topic(**overrides):
    n = next(_sequence)
    fields = {"name": f"Thème {n}", "slug": f"theme-{n}", "description": "Un thème."}
    fields.update(overrides)
    return Topic.objects.create(**fields)


def make_article(*, topics=(), related=(), **overrides):
    n = next(_sequence)
    fields = {
        "title": f"Article numéro {n}",
        "slug": f"article-{n}",
        "kind": Kind.ARTICLE,
        "standfirst": "Un chapô.",
        "body": "Un paragraphe.",
        "status": Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    fields.update(overrides)
    article = Article.objects.create(**fields)
    if topics:
        article.topics.set(topics)
    if related:
        article.related.set(related)
    return article


def make_brief(**overrides):
    return make_article(**{"kind": Kind.BRIEF, "title": f"Brève numéro {next(_sequence)}", **overrides})


def make_user(role=None, **overrides):
    """A user; with a ``role`` (WRITERS or EDITORS), a staff member of that group."""
    from articles.services import roles_sync

    n = next(_sequence)
    fields = {"username": f"personne-{n}", "is_staff": role is not None}
    fields.update(overrides)
    user = User.objects.create_user(password="mot-de-passe", **fields)
    if role:
        user.groups.add(roles_sync()[role])
    return user


def make_country(**overrides):
    from trade.models import Country

    n = next(_sequence)
    code = overrides.pop("code", f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    fields = {"code": code, "name": f"Pays {n}", "slug": f"pays-{n}"}
    fields.update(overrides)
    return Country.objects.create(**fields)


def make_indicator(**overrides):
    from trade.models import Indicator, Scale, Unit

    n = next(_sequence)
    fields = {
        "slug": f"indicateur-{n}",
        "name": f"Échanges {n}",
        "unit": Unit.USD,
        "scale": Scale.BILLIONS,
        "non_negative": True,
    }
    fields.update(overrides)
    return Indicator.objects.create(**fields)


def make_source(**overrides):
    from trade.models import Source

    n = next(_sequence)
    fields = {
        "publisher": f"Agence {n}",
        "title": f"Dépêche {n}",
        "url": f"https://source.example/{n}",
        "language": "en",
    }
    fields.update(overrides)
    return Source.objects.create(**fields)


def make_pair(first=None, second=None, **overrides):
    from trade.models import Pair

    first = first or make_country()
    second = second or make_country()
    fields = {"first": first, "second": second, "slug": f"{first.slug}-{second.slug}"}
    fields.update(overrides)
    return Pair.objects.create(**fields)


def make_figure(*, stories=(), year=2024, **overrides):
    """A reported yearly figure of a fresh indicator and countries unless given."""
    from datetime import date

    from trade.models import Basis, Figure, Nature

    n = next(_sequence)
    indicator = overrides.pop("indicator", None) or make_indicator()
    fields = {
        "slug": f"chiffre-{n}",
        "indicator": indicator,
        "period_start": date(year, 1, 1),
        "period_end": date(year, 12, 31),
        "value": "43.8",
        "unit": indicator.unit,
        "scale": indicator.scale,
        "nature": Nature.REPORTED,
        "basis": Basis.GACS,
        "quote": "Une phrase de la source.",
    }
    fields.update(overrides)
    if "reporter" not in fields:
        fields["reporter"] = make_country()
    if "partner" not in fields:
        fields["partner"] = make_country()
    if "source" not in fields:
        fields["source"] = make_source()
    figure = Figure.objects.create(**fields)
    if stories:
        figure.stories.set(stories)
    return figure


def make_stories(count, *, topics=(), **overrides):
    """``count`` published stories in one INSERT, a minute apart, linked to
    ``topics``; for volume tests (save() is skipped: no Markdown rendered)."""
    now = timezone.now()
    stories = []
    for i in range(count):
        n = next(_sequence)
        fields = {
            "title": f"Article en nombre {n}",
            "slug": f"article-en-nombre-{n}",
            "kind": Kind.ARTICLE,
            "status": Status.PUBLISHED,
            "published_at": now - timedelta(hours=1, minutes=i),
        }
        fields.update(overrides)
        story = Article(**fields)
        story.search_title = fold(story.title)
        story.search_text = fold(f"{story.standfirst}\n{story.body}")
        stories.append(story)
    stories = Article.objects.bulk_create(stories)
    Link = Article.topics.through
    Link.objects.bulk_create(
        [Link(article_id=story.pk, topic_id=topic.pk) for story in stories for topic in topics]
    )
    # Bulk inserts send no signal: their listings' index, as seed_demo does.
    facets.refresh(story.pk for story in stories)
    return stories
