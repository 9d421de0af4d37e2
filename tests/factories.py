"""Small builders for test data: make_article(**overrides), make_topic(**overrides)."""
from datetime import timedelta
from itertools import count

from django.contrib.auth.models import User
from django.utils import timezone

from articles.models import Article, Kind, Status, Topic

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
