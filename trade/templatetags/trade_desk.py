"""trade's box on the newsroom home (named in ``GAZETTE_DESK_PANELS``):
« Chiffres à vérifier », the figures with an inconsistency no editor has
acknowledged."""

from dataclasses import dataclass

from django import template

from trade.checks import open_by_figure

register = template.Library()

# Figures listed on the home; the figures list has the others.
DESK_LIMIT = 10


@dataclass(frozen=True)
class FiguresToCheck:
    # (figure, its open inconsistencies), by figure identifier.
    figures: list
    count: int


@register.simple_tag
def figures_to_check():
    """The figures with open inconsistencies (at most ``DESK_LIMIT``), and how
    many there are: what the figures list counts (``open_by_figure``). The
    checks that concern no single figure (story bodies, downloads) are left
    to ``check_figures``."""
    problems = open_by_figure().values()
    ordered = sorted(
        ((found[0].figure, found) for found in problems),
        key=lambda item: item[0].slug,
    )
    return FiguresToCheck(ordered[:DESK_LIMIT], len(ordered))
