"""Template tags for reader pages: French dates with their UTC offset, JSON-LD,
search highlights."""
import json
from datetime import datetime
from functools import cache

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.seo import iso

from articles.search import highlight

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


def french_date(value, with_time=True):
    """« 23 août 2025 à 9 h 40 » in the site's time zone (« 1er » for the first)."""
    local = _local(value)
    day = "1er" if local.day == 1 else str(local.day)
    text = f"{day} {MONTHS[local.month - 1]} {local.year}"
    if with_time:
        text += f" à {local.hour}\u00a0h\u00a0{local:%M}"
    return text


def utc_offset(value):
    """« UTC+02:00 » for the site's time zone at that instant."""
    offset = timezone.localtime(value).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


@register.simple_tag
def time_tag(value, with_time=True):
    """A <time> element: French date, time and UTC offset, ISO 8601 in datetime."""
    if value is None:
        return ""
    local = _local(value)
    if not with_time or not isinstance(value, datetime):
        return format_html('<time datetime="{}">{}</time>', local.isoformat(), french_date(local, False))
    return format_html(
        '<time datetime="{}">{} <span class="utc-offset" title="heure de Paris">({})</span></time>',
        local.isoformat(),
        french_date(local),
        utc_offset(local),
    )


# Inside <script>, "</script>" or "<!--" would end the element early.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """A <script type="application/ld+json"> element holding ``data``."""
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )


@register.filter
def isoformat(value):
    """ISO 8601 (W3C datetime) to the second, with the Paris offset."""
    return iso(value) if value else ""


@register.simple_tag(takes_context=True)
def story_card(context, story, level=3, compact=False, lead=False):
    """A story's card on the home page and under a story (``card_html``);
    ``search_terms`` in the context are highlighted."""
    terms = context.get("search_terms")
    return card_html(story, terms, level=level, compact=compact, lead=lead)


def card_html(story, terms=(), *, level=3, compact=False, lead=False):
    """A story's card in listings, on the home page and under a story, read
    with ``articles.views.cards()`` (its kicker: the name of its first
    topic); ``terms`` highlighted in the title and standfirst.

    Written in Python rather than as an included template: a listing shows 20
    of them, and each inclusion cost more than the rest of the page.
    """
    classes = "card"
    if story.is_brief:
        classes += " card--brief"
    if lead:
        classes += " card--lead"
    badge = '<span class="badge">Brève</span> ' if story.is_brief else ""
    title = highlight(story.title, terms) if terms else story.title
    parts = [
        format_html(
            '<article class="{}">\n  <p class="card__kicker">{}{}</p>\n'
            '  <h{} class="card__title"><a href="{}">{}</a></h{}>\n',
            classes,
            mark_safe(badge),
            story.kicker or "",
            level,
            story.get_absolute_url(),
            title,
            level,
        )
    ]
    if story.standfirst and not compact:
        standfirst = highlight(story.standfirst, terms) if terms else story.standfirst
        parts.append(format_html('  <p class="card__standfirst">{}</p>\n', standfirst))
    excerpt = getattr(story, "search_excerpt", "")
    if excerpt:
        parts.append(format_html('  <p class="card__excerpt">{}</p>\n', excerpt))
    corrected = (
        ' <span class="badge badge--corrected">Corrigé</span>'
        if getattr(story, "is_corrected", False)
        else ""
    )
    parts.append(
        format_html(
            '  <p class="card__meta">{}{}</p>\n</article>',
            time_tag(story.published_at),
            mark_safe(corrected),
        )
    )
    return mark_safe("".join(parts))


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
