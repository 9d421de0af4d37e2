"""Figure tokens in story bodies: ``[[chiffre:kz-cn-2024]]`` writes the figure.

The words come from the Figure record (« 43,8 milliards de dollars »), linked
to its source, so the sentence cannot disagree with the table, the chart or
the downloads. A form may follow the identifier: ``[[chiffre:slug:pour-cent]]``
writes a percentage as prose does (« 9,2 pour cent »). An unknown token or
form is reported to the story's validation through ``md.gazette_problems`` and
never reaches a reader as a number.

``[[objectif:slug]]`` writes a target's year (« d’ici 2030 »), linked to the
target on its pair's page. ``[[texte:…]]`` writes its text as it is: an editor
marks with it a number that is not a statistic (« [[texte:3 frères]] »), so
the checks do not ask for a record.
"""

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor

from .models import Figure, Target
from .tokens import PLAIN_RE, TARGET_RE, TOKEN_RE


def _report(md, problem):
    problems = getattr(md, "gazette_problems", None)
    if problems is not None:
        problems.append(problem)


class FigureTokenProcessor(InlineProcessor):
    def handleMatch(self, m, data):
        slug, form = m.group(1), m.group(2) or ""
        figure = Figure.objects.select_related("source").filter(slug=slug).first()
        problem = None
        if figure is None:
            problem = (
                f"Chiffre inconnu : « {m.group(0)} ». Vérifiez l’identifiant "
                "dans l’admin (Chiffres du commerce › Chiffres)."
            )
        elif form not in figure.forms():
            forms = ", ".join(f"« {figure.token(f)} »" for f in figure.forms())
            problem = f"Forme inconnue : « {m.group(0)} ». Écrivez {forms}."
        if problem:
            _report(self.md, problem)
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
        element.text = figure.display(form)
        return element, m.start(0), m.end(0)


class TargetTokenProcessor(InlineProcessor):
    def handleMatch(self, m, data):
        target = Target.objects.select_related("pair", "source")
        target = target.filter(slug=m.group(1)).first()
        if target is None:
            _report(
                self.md,
                f"Objectif inconnu : « {m.group(0)} ». Vérifiez l’identifiant "
                "dans l’admin (Chiffres du commerce › Objectifs).",
            )
            element = etree.Element("span", {"class": "chiffre chiffre--inconnu"})
            element.text = "[objectif indisponible]"
            return element, m.start(0), m.end(0)
        element = etree.Element(
            "a",
            {
                "class": "chiffre",
                "href": target.get_absolute_url(),
                "title": f"Objectif : {target.statement}",
            },
        )
        element.text = str(target.target_year)
        return element, m.start(0), m.end(0)


class PlainTextProcessor(InlineProcessor):
    """« Not a statistic »: the words as they are, nothing else."""

    def handleMatch(self, m, data):
        return m.group(1), m.start(0), m.end(0)


class FigureTokenExtension(Extension):
    def extendMarkdown(self, md):
        # Above links (160), which would otherwise read « [[…]] » as a reference.
        md.inlinePatterns.register(FigureTokenProcessor(TOKEN_RE, md), "chiffre", 175)
        md.inlinePatterns.register(
            TargetTokenProcessor(TARGET_RE, md), "objectif", 174
        )
        md.inlinePatterns.register(PlainTextProcessor(PLAIN_RE, md), "texte", 173)


def makeExtension(**kwargs):
    return FigureTokenExtension(**kwargs)
