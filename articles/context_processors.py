from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from pagecache import versioned

from .models import Article, Topic
from .seo import site_root


NAV_TOPICS = "nav_topics"


def site_values():
    """The names of the kept values every page with the navigation reads
    (``pagecache.preload``), to read them in one round trip: the topic links,
    and those other apps' context processors keep, which settings name in
    ``GAZETTE_SITE_VALUES`` (the footer's country links, say)."""
    return [NAV_TOPICS, *settings.GAZETTE_SITE_VALUES]


def nav_topics():
    """The list items linking every topic with a published story, by name,
    and their addresses."""
    # EXISTS stops at a topic's first published story; a join over every
    # published story took 0.15 s with 100,000 of them.
    topics = Topic.objects.filter(
        Exists(Article.objects.published().filter(topics=OuterRef("pk")))
    ).order_by("name")
    links = [(topic.get_absolute_url(), topic.name) for topic in topics]
    items = format_html_join(
        "\n", '<li><a href="{}">{}</a></li>', ((url, name) for url, name in links)
    )
    return items, frozenset(url for url, _ in links)


def nav_items(request):
    """The navigation's topic links, the current page's marked."""
    items, urls = versioned(NAV_TOPICS, nav_topics)
    if request.path not in urls:
        return items
    link = format_html('<a href="{}">', request.path)
    current = format_html('<a href="{}" aria-current="page">', request.path)
    return mark_safe(items.replace(link, current, 1))


def site(request):
    """Site name and address (``site_root``), the navigation's topic links.

    The links are a callable, so that pages without the navigation never ask
    for them. They are kept as HTML until the content changes (``versioned``):
    with 200 topics, querying them and looping over them in the template took
    half the time of a story page.
    """
    return {
        "site_name": settings.SITE_NAME,
        # Lazy, as the links: the 400 page for a forbidden Host renders
        # without asking that host.
        "site_url": lambda: site_root(request),
        "nav_topic_items": lambda: nav_items(request),
    }
