"""Template tags that bring figures into story pages without articles knowing."""

from django import template

from trade.models import Figure

register = template.Library()


@register.inclusion_tag("trade/includes/key_figures.html")
def key_figures(story):
    """The « Chiffres clés » box: the figures attached to a story (two queries)."""
    return {"figures": list(Figure.objects.filter(stories=story).for_display())}
