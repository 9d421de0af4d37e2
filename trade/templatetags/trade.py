"""Template tags that bring figures into story pages without articles knowing."""

from django import template

from trade.models import Figure

register = template.Library()


@register.inclusion_tag("trade/includes/key_figures.html")
def key_figures(story):
    """The « Chiffres clés » box: the figures attached to a story and the pages of
    their pairs of countries (two queries)."""
    figures = list(Figure.objects.filter(stories=story).for_display().with_pair())
    pairs = dict.fromkeys((f.pair_slug, f.pair_name) for f in figures if f.pair_slug)
    return {"figures": figures, "pairs": list(pairs)}
