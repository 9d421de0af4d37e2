"""Template tags for reader pages: French dates with their UTC offset, JSON-LD,
search highlights, the navigation's topics."""
import json
from datetime import datetime
from functools import cache

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from django.db.models import Exists, OuterRef

from articles.models import Article, Topic
from articles.search import highlight
from articles.seo import iso

register = template.Library()
register.filter("highlight", highlight)


def _local(value):
    # A calendar date (a source's day of publication) has no time zone to convert.
    return timezone.localtime(value) if isinstance(value, datetime) else value


# The site speaks French only: its month names, without a translation lookup
# for each date of a listing.
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def french_date(value, with_time=True, seconds=False, year=True):
    """« 23 août 2025 à 9 h 40 » in the site's time zone (« 1er » for the first);
    « … à 9 h 40 min 05 s » with ``seconds``; « 23 août à 9 h 40 » without
    ``year``."""
    local = _local(value)
    day = "1er" if local.day == 1 else str(local.day)
    text = f"{day} {MONTHS[local.month - 1]}"
    if year:
        text += f" {local.year}"
    if with_time:
        text += f" à {french_time(local, seconds)}"
    return text


@register.filter
def french_time(value, seconds=False):
    """« 9 h 40 » in the site's time zone; « 9 h 40 min 05 s » with ``seconds``."""
    local = _local(value)
    text = f"{local.hour}\u00a0h\u00a0{local:%M}"
    if seconds:
        text += f"\u00a0min\u00a0{local:%S}\u00a0s"
    return text


@register.filter
def to_the_second(value):
    """« 23 août 2025 à 9 h 40 min 05 s »: when a version was saved."""
    return french_date(value, seconds=True)


def utc_offset(value):
    """« UTC+02:00 » for the site's time zone at that instant."""
    offset = timezone.localtime(value).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


@register.inclusion_tag("articles/includes/time.html")
def time_tag(value, with_time=True):
    """A <time> element: French date, time and UTC offset, ISO 8601 in datetime."""
    if value is None:
        return {}
    local = _local(value)
    with_time = with_time and isinstance(value, datetime)
    return {
        "iso": local.isoformat(),
        "text": french_date(local, with_time),
        "offset": utc_offset(local) if with_time else "",
    }


# Inside <script>, "</script>" or "<!--" would end the element early.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter(is_safe=True)
def json_ld(data):
    """``data`` as JSON to write inside <script type="application/ld+json">."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))


@register.filter
def isoformat(value):
    """ISO 8601 (W3C datetime) to the second, with the Paris offset."""
    return iso(value) if value else ""


@cache
def _site_link(name, urlconf, prefix):
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return ""


@register.simple_tag
def site_link(name):
    """The address of a page every page links to (``{% url %}`` reverses for
    each page, a dozen times in base.html), or "" when the URLconf lacks it:
    the figures, for the articles app on its own."""
    return _site_link(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@register.simple_tag
def nav_topics():
    """The navigation's links: the topics editors gave a place in the menu
    (``Topic.menu_position``), in that order, when they have a published
    story."""
    # EXISTS stops at a topic's first published story, where a join would
    # read every published story.
    published = Article.objects.published().filter(topics=OuterRef("pk"))
    topics = Topic.objects.filter(menu_position__isnull=False).filter(Exists(published))
    return topics.only("name", "slug").order_by("menu_position", "name")
