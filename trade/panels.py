"""trade's story panel, named in ``GAZETTE_STORY_PANELS``: the « Chiffres
clés » box below a story's body."""

from articles.panels import StoryPanel
from pagecache import versioned

from .templatetags.trade import key_figures_html

# Its name among the values kept per content version.
KEY_FIGURES = "key_figures:{pk}"


def key_figures(story):
    """The story's « Chiffres clés » box, kept as HTML until the content changes
    (``versioned``): its figures, derived values and sources cost as much to
    build as the rest of the page."""
    return versioned(KEY_FIGURES.format(pk=story.pk), lambda: key_figures_html(story))


KEY_FIGURES_PANEL = StoryPanel(render=key_figures, kept_value=KEY_FIGURES)
