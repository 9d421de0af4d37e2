"""Figure tokens in story bodies: ``[[chiffre:kz-cn-2024]]`` writes the figure.

The words come from the Figure record (« 43,8 milliards de dollars »), linked
to its source, so the sentence cannot disagree with the table, the chart or
the downloads. An unknown token is reported to the story's validation through
``md.gazette_problems`` and never reaches a reader as a number.
"""

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor

TOKEN_RE = r"\[\[chiffre:([A-Za-z0-9_-]+)\]\]"


class FigureTokenProcessor(InlineProcessor):
    def handleMatch(self, m, data):
        from .models import Figure

        slug = m.group(1)
        figure = Figure.objects.select_related("source").filter(slug=slug).first()
        if figure is None:
            problems = getattr(self.md, "gazette_problems", None)
            if problems is not None:
                problems.append(
                    f"Chiffre inconnu : « [[chiffre:{slug}]] ». Vérifiez l’identifiant "
                    "dans l’admin (Chiffres du commerce › Chiffres)."
                )
            element = etree.Element("span", {"class": "chiffre chiffre--inconnu"})
            element.text = "[chiffre indisponible]"
            return element, m.start(0), m.end(0)
        if figure.source_id:
            element = etree.Element(
                "a",
                {
                    "class": "chiffre",
                    "href": figure.source.url,
                    "title": f"Source : {figure.source.publisher}",
                },
            )
        else:
            element = etree.Element(
                "span",
                {"class": "chiffre chiffre--non-verifie"},
            )
        element.text = figure.display()
        return element, m.start(0), m.end(0)


class FigureTokenExtension(Extension):
    def extendMarkdown(self, md):
        # Above links (160), which would otherwise read « [[…]] » as a reference.
        md.inlinePatterns.register(FigureTokenProcessor(TOKEN_RE, md), "chiffre", 175)


def makeExtension(**kwargs):
    return FigureTokenExtension(**kwargs)
