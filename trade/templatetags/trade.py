"""Template tags that bring figures into story pages without articles knowing."""

from django import template
from django.template.loader import render_to_string

from gazette.pagecache import versioned
from trade.models import Figure

register = template.Library()

# Its name among the values kept per content version (see TradeConfig.ready).
KEY_FIGURES = "key_figures:{pk}"


def key_figures_html(story):
    """The « Chiffres clés » box: the figures attached to a story and the pages of
    their pairs of countries (two queries)."""
    figures = list(Figure.objects.filter(stories=story).for_display().with_pair())
    pairs = dict.fromkeys((f.pair_slug, f.pair_name) for f in figures if f.pair_slug)
    return render_to_string(
        "trade/includes/key_figures.html", {"figures": figures, "pairs": list(pairs)}
    )


@register.simple_tag
def key_figures(story):
    """The story's « Chiffres clés » box, kept as HTML until the content changes
    (``versioned``): its figures, derived values and sources cost as much to
    build as the rest of the page."""
    return versioned(KEY_FIGURES.format(pk=story.pk), lambda: key_figures_html(story))
