"""Small builders for test data: make_article(**overrides), make_topic(**overrides)."""
from datetime import timedelta
from itertools import count

from django.utils import timezone

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
    return stories
