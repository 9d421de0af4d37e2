"""trade's story panel, named in ``GAZETTE_STORY_PANELS``: the « Chiffres
clés » box below a story's body."""

from articles.panels import StoryPanel

from .templatetags.trade import key_figures_html

KEY_FIGURES_PANEL = StoryPanel(render=key_figures_html)
