"""Template tags for reader pages: French dates with their UTC offset, JSON-LD,
search highlights."""
import json
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.seo import iso

from articles.search import highlight

register = template.Library()
register.filter("highlight", highlight)


def _local(value):
    # A calendar date (a source's day of publication) has no time zone to convert.
    return timezone.localtime(value) if isinstance(value, datetime) else value


def french_date(value, with_time=True):
    """« 23 août 2025 à 9 h 40 » in the site's time zone (« 1er » for the first)."""
    local = _local(value)
    day = "1er" if local.day == 1 else str(local.day)
    text = f"{day} {date_format(local, 'F Y')}"
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
