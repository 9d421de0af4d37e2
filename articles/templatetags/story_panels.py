"""The story page's panels: what other apps show below a story's body."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from articles.panels import story_panels as panels

register = template.Library()


@register.simple_tag
def story_panels(story):
    """Every panel ``GAZETTE_STORY_PANELS`` names, rendered for ``story``."""
    return mark_safe("".join(conditional_escape(p.render(story)) for p in panels()))
