"""The tokens an editor writes in a story's Markdown, as regular expressions:
``[[chiffre:slug]]`` or ``[[chiffre:slug:forme]]`` (a figure), ``[[objectif:slug]]``
(a target's year) and ``[[texte:…]]`` (words that are no statistic). The
Markdown extension renders them (``trade.markdown``); the models and the
statistics find them in stories."""

TOKEN_RE = r"\[\[chiffre:([A-Za-z0-9_-]+)(?::([a-z-]+))?\]\]"
TARGET_RE = r"\[\[objectif:([A-Za-z0-9_-]+)\]\]"
PLAIN_RE = r"\[\[texte:([^\[\]]+)\]\]"
