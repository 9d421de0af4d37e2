"""French typography for story bodies: curly apostrophes, « » and fine spaces.

Smarty turns straight quotes into typographic ones (French guillemets for
double quotes); a tree processor then puts the narrow no-break space that
French typography wants inside « », before ; : ! ? % and between groups of
thousands, and a no-break space between a number and the word after it
(« 43,8 milliards »), outside code.
"""
import re
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.extensions.smarty import SmartyExtension
from markdown.treeprocessors import Treeprocessor

NNBSP = "\u202f"

NBSP = "\u00a0"
# The words a number is kept with on one line: units, scales, currencies.
UNITS = [
    "milliards?", "millions?", "milliers?", "billions?", "mille",
    "dollars?", "euros?", "yuans?", "tenges?", "roubles?",
    "kilomètres?", "km", "mètres?", "tonnes?", "pour cent", "points?",
    "ans", "mois", "jours?", "heures?", "fois", "habitants?",
]

_SPACE_RULES = [
    # Any space already there is replaced, so that typesetting twice (a title
    # saved again) changes nothing.
    (re.compile(r"«[ \u00a0\u202f]*"), "«" + NNBSP),
    (re.compile(r"[ \u00a0\u202f]*»"), NNBSP + "»"),
    (re.compile(r"(?<=\S)[ \u00a0\u202f]+([;:!?])(?=\s|$)"), NNBSP + r"\1"),
    # A percentage keeps its sign: « 9,2 % ».
    (re.compile(r"(?<=\d)[ \u00a0\u202f]?%"), NNBSP + "%"),
    # Thousands groups: 1 700 kilomètres stays on one line.
    (re.compile(r"(?<=\d)[ \u00a0](?=\d{3}\b)"), NNBSP),
    # And with its unit: no line break between « 43,8 » and « milliards ».
    (re.compile(rf"(?<=\d)[ \u00a0](?=(?:{'|'.join(UNITS)})\b)"), NBSP),
]

# What every rule above needs in the text: most of it (a name, a sentence
# without numbers) needs none of them.
_SPACED = re.compile(r"[«»;:!?%]|\d[ \u00a0]")

_SKIP_TAGS = {"code", "pre", "kbd", "samp"}


def french_spacing(text):
    """Put narrow no-break spaces where French typography wants them."""
    if not _SPACED.search(text):
        return text
    for pattern, replacement in _SPACE_RULES:
        text = pattern.sub(replacement, text)
    return text


def french_typography(text):
    """Typographic apostrophes and French spacing for plain text (titles)."""
    text = re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)
    return french_spacing(text)


class FrenchSpacingTreeprocessor(Treeprocessor):
    def run(self, root):
        self._walk(root)

    def _walk(self, element: etree.Element):
        if element.tag in _SKIP_TAGS:
            return
        if element.text:
            element.text = french_spacing(element.text)
        for child in element:
            self._walk(child)
            if child.tail:
                child.tail = french_spacing(child.tail)


class FrenchTypographyExtension(Extension):
    def extendMarkdown(self, md):
        md.registerExtensions(
            [
                SmartyExtension(
                    smart_angled_quotes=True,
                    substitutions={
                        "left-double-quote": "«" + NNBSP,
                        "right-double-quote": NNBSP + "»",
                        "left-single-quote": "\u2018",
                        "right-single-quote": "\u2019",
                    },
                )
            ],
            {},
        )
        # After inline patterns (priority 20) so stashed text is restored.
        md.treeprocessors.register(
            FrenchSpacingTreeprocessor(md), "french_spacing", 5
        )


def makeExtension(**kwargs):
    return FrenchTypographyExtension(**kwargs)
