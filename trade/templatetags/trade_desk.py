"""trade's box on the newsroom home (named in ``GAZETTE_DESK_PANELS``):
« Chiffres à vérifier », the figures with an inconsistency no editor has
acknowledged."""

from dataclasses import dataclass

from django import template

from trade.checks import find_all
from trade.models import Acknowledgement

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
    many there are. Reads every figure and target once, as ``check_figures``
    does, so its queries do not grow with them; the checks that concern no
    single figure (story bodies, downloads) are left to ``check_figures``."""
    closed = set(Acknowledgement.objects.values_list("check_key", flat=True))
    by_figure = {}
    for inconsistency in find_all():
        if inconsistency.figure is not None and inconsistency.key not in closed:
            by_figure.setdefault(inconsistency.figure, []).append(inconsistency)
    ordered = sorted(by_figure.items(), key=lambda item: item[0].slug)
    return FiguresToCheck(ordered[:DESK_LIMIT], len(ordered))
