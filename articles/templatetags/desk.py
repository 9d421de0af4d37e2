"""The newsroom home's tags (templates/admin/index.html): its lists for the
user, the boxes other apps add, and its short French dates."""

from django import template
from django.conf import settings

from articles.admin import is_editor
from articles.desk import desk_for, short_date

register = template.Library()
register.filter("short_date", short_date)


@register.simple_tag(takes_context=True)
def newsroom_desk(context):
    """The home's lists for the user of the request (``articles.desk.Desk``),
    or None when they may not see stories."""
    request = context["request"]
    return desk_for(request.user, editor=is_editor(request))


@register.simple_tag
def desk_panels():
    """The templates ``GAZETTE_DESK_PANELS`` names, included in order below
    the lists."""
    return getattr(settings, "GAZETTE_DESK_PANELS", [])
