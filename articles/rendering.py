"""Markdown to safe HTML: the one path every story body takes to a reader."""

import markdown
import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "b", "i", "s", "del", "ins", "mark", "small", "sub", "sup",
    "abbr", "cite", "q", "blockquote", "code", "pre", "kbd",
    "ul", "ol", "li", "dl", "dt", "dd",
    "a", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "figure", "figcaption", "div", "span",
}

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "abbr": {"title"},
    "th": {"align", "scope", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"class"},
    "span": {"class"},
    "figure": {"class"},
    "table": {"class"},
}

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str, *, base_url: str | None = None) -> str:
    """Strip everything a reader must never receive (scripts, handlers, styles).

    With ``base_url``, relative links are resolved against it: HTML read
    outside the page (a feed reader) has no address to resolve them from.
    """
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        url_relative=("rewrite_with_base", base_url) if base_url else None,
    )


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=list(settings.GAZETTE_MARKDOWN_EXTENSIONS),
        extension_configs={
            "markdown.extensions.tables": {"use_align_attribute": True},
            "markdown.extensions.footnotes": {"BACKLINK_TITLE": "Retour au texte"},
        },
        output_format="html",
    )
    # Extensions append what they refuse here (an unknown figure token, say),
    # so that a story's validation can report it without knowing the extension.
    md.gazette_problems = []
    return md


def render_markdown(text: str) -> str:
    """Render a story body written in Markdown to sanitised HTML."""
    return sanitize_html(_markdown().convert(text or ""))


def markdown_problems(text: str) -> list[str]:
    """The messages the configured extensions raise about this Markdown."""
    md = _markdown()
    md.convert(text or "")
    return md.gazette_problems
