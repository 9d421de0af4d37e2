"""Template tags and filters of the figures' pages, and the « Chiffres clés »
box that trade's story panel (``trade.panels``) shows on story pages."""

from django import template
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string

from trade import derived, formatting
from articles.models import Article
from trade.models import Country, Figure

register = template.Library()


def key_figures_html(story):
    """The « Chiffres clés » box: the figures attached to a story, the pages of
    their pairs of countries, and beside each stated change that the published
    series of the same two countries contradict, the computation
    (``derived.discrepancies``). Two queries, however many figures and stories:
    the story's figures and those series are read together."""
    links = Figure.stories.through.objects.filter(article_id=story.pk)
    own = Figure.objects.filter(stories=story)
    same_countries = own.filter(
        Q(reporter=OuterRef("reporter"), partner=OuterRef("partner"))
        | Q(reporter=OuterRef("partner"), partner=OuterRef("reporter"))
    )
    # Only the levels the story's changes measure (Indicator.change_of) can
    # confirm or contradict them; a figure only drafts cite is not published
    # and never enters a series.
    series = (
        Figure.objects.published()
        .filter(indicator__in=own.values("indicator__change_of"))
        .filter(Exists(same_countries))
    )
    # Two lists of keys rather than one condition over both: the database
    # reads each through an index instead of testing every figure it holds.
    read = list(
        Figure.objects.filter(
            Q(pk__in=links.values("figure_id")) | Q(pk__in=series.values("pk"))
        )
        .annotate(in_story=Exists(links.filter(figure_id=OuterRef("pk"))))
        .for_display()
        .with_pair()
    )
    figures = [f for f in read if f.in_story]
    pairs = dict.fromkeys((f.pair_slug, f.pair_name) for f in figures if f.pair_slug)
    discrepancies = {
        d.figure.pk: d for d in derived.discrepancies(read) if d.figure.in_story
    }
    return render_to_string(
        "trade/includes/key_figures.html",
        {"figures": figures, "pairs": list(pairs), "discrepancies": discrepancies},
    )


@register.simple_tag
def nav_countries():
    """The countries with a published story, by name: the footer's links."""
    published = Article.objects.published().filter(countries=OuterRef("pk"))
    return Country.objects.filter(Exists(published)).order_by("name")


@register.filter
def discrepancy_of(discrepancies, figure):
    """The ``derived.Discrepancy`` the page computed for ``figure``, if any:
    ``discrepancies`` maps a figure's pk to it (empty or absent: none)."""
    return (discrepancies or {}).get(figure.pk)


@register.filter
def number(value):
    """« 41,02 »: a value without its unit, written as French writes numbers."""
    return formatting.format_number(value)


@register.filter(is_safe=True)
def french_text(text):
    """What an editor typed (a note, a publisher's name), spaced as French
    prints it: numbers as ``formatting.typeset`` sets a story's words, then
    the story body's rules (« », ; : ! ? %)."""
    return formatting.typeset(str(text))
