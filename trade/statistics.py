"""Numbers in words: statistics a story writes without a record, and the
numbers a quote or a story's own words name.

``statistics_in(markdown)`` finds what a fact-checker would ask a source for
in a story's Markdown: a number with a unit (« 9,2 % », « 1 700 kilomètres »,
« 43,8 milliards de dollars », « deux millions de tonnes »), an amount
(« 15 $ ») or a rank (« quatrième source d’investissement », « au 2e rang »).
Years alone are dates, « premier semestre » is a period, and what the site
writes from a record is skipped: figure, target and not-a-statistic tokens,
link addresses, footnote marks and code.

``numbers_named(text, language)`` reads the numbers a text names, in the
languages sources are written in: « 43.8 », « 1 782,75 », « $18bn »,
« 410.2亿 » (410,2 hundred millions), « 30 percent », « четвертое ».
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .tokens import PLAIN_RE, TARGET_RE, TOKEN_RE

SPACES = " \u00a0\u202f"
# A masked stretch of Markdown: matches neither a word, a digit, a space nor
# any punctuation the patterns look for, so that nothing is found across it.
MASK = "\ue000"


@dataclass(frozen=True)
class Statistic:
    """A statistic as a story writes it: ``words`` with plain spaces, and
    ``start``, its offset in the Markdown."""

    words: str
    start: int


# Numbers as French prose writes them: « 1 782,75 », « 43,8 », « 2024 »,
# also « 43.8 » when copied from an English source.
_NUMBER = rf"(?:\d{{1,3}}(?:[{SPACES}]\d{{3}})+(?:,\d+)?|\d+(?:[.,]\d+)?)(?!\d)"
# « −8,4 », « 10–15 » (a range is one statistic).
_FIGURES = (
    rf"(?<![\w.,/{MASK}\u2212–-])[-+\u2212]?{_NUMBER}"
    rf"(?:[{SPACES}]?[-–][{SPACES}]?{_NUMBER})?"
)
_CARDINALS = (
    "zéro deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
    "quinze seize dix-sept dix-huit dix-neuf vingt vingts trente quarante cinquante "
    "soixante septante huitante nonante cent cents mille"
).split()
_CARDINAL = "|".join(sorted(_CARDINALS, key=len, reverse=True))
# « deux », « vingt-cinq », « trois cents », « deux mille cinq cents ».
_WORDS = (
    rf"(?<![\w{MASK}])(?i:{_CARDINAL})"
    rf"(?:(?:[- ]|-et-| et )(?i:{_CARDINAL}|un|une)){{0,5}}(?!\w)"
)
# « un » and « une » count only before « million », « milliard »: « une tonne
# de blé » is an idiom as often as a quantity.
_ONE = rf"(?<![\w{MASK}])(?i:une?)(?!\w)"
# Between a number and its unit: spaces, at most one line end (a Markdown
# paragraph may wrap there), and emphasis marks (« **43,8** milliards »).
# Marks are bounded (« *** » at most) so that no run of them is read twice.
_GAP = rf"[*_]{{0,3}}[{SPACES}\t]*(?:\n[{SPACES}\t]*)?[*_]{{0,3}}"
_SCALE = (
    r"(?:(?i:milliards?|millions?|milliers?|billions?|mille)(?!\w)"
    r"|Mds?(?!\w)|Mrds?(?!\w)|Md(?=\s?[$€])|M(?=\s?[$€])|k(?=\s?[$€]))"
)
_UNIT = (
    r"(?:%|(?i:pour[ \u00a0]?cents?|p\.[ \u00a0]?100)(?!\w)|\$|€|£|¥"
    r"|(?i:points?[ \u00a0]+de[ \u00a0]+pourcentage)(?!\w)"
    r"|(?i:dollars?|euros?|yuans?|renminbis?|yens?|roubles?|tenges?|francs?"
    r"|livres[ \u00a0]+sterling|kilomètres?(?:[ \u00a0]+carrés)?"
    r"|mètres?(?:[ \u00a0]+cubes)?|hectares?|tonnes?|kilogrammes?|kilos?|barils?"
    r"|litres?|mégawatts?|gigawatts?|kilowatts?(?:-heures?)?|térawattheures?"
    r"|gigawattheures?)(?!\w)"
    r"|(?:USD|US\$|EUR|CNY|RMB|KZT|RUB|km²|km2|km|kg|ha|MW|GW|kW|kWh|MWh|GWh"
    r"|TWh|EVP|TEU|t|m|m²|m³)(?!\w))"
)
_OF = r"(?:(?:de|d['’])" + _GAP + r")?"
_AMOUNT = re.compile(
    rf"(?:{_FIGURES}|{_WORDS})(?:{_GAP}{_SCALE}(?:{_GAP}{_OF}{_UNIT})?|{_GAP}{_UNIT})"
    rf"|{_ONE}{_GAP}{_SCALE}(?:{_GAP}{_OF}{_UNIT})?"
    # « $43,8 milliards », « US$ 15 »
    rf"|(?<![\w{MASK}])(?:US\$|\$|€|£)[{SPACES}]?{_NUMBER}(?:{_GAP}{_SCALE})?"
)
_ORDINAL_WORDS = (
    r"premi(?:er|ère)s?|secondes?|seconds?|deuxièmes?|troisièmes?|quatrièmes?"
    r"|cinquièmes?|sixièmes?|septièmes?|huitièmes?|neuvièmes?|dixièmes?"
)
_ORDINAL = (
    rf"(?<![\w{MASK}])(?:(?i:{_ORDINAL_WORDS})(?!\w)"
    r"|1(?:er|re|ère|ʳᵉ|ᵉʳ)(?!\w)|\d{1,2}(?:e|è|ème|ᵉ)(?!\w))"
)
# Words that may stand between an ordinal and what it ranks:
# « deuxième plus grand partenaire », « quatrième pays investisseur ».
_BETWEEN = (
    r"(?i:plus|grande?s?|gros(?:se)?s?|importante?s?|principale?s?|principaux"
    r"|pays)(?!\w)"
)
_RANKED = (
    r"(?i:sources?|partenaires?|investisseurs?|fournisseurs?|clients?"
    r"|exportateurs?|importateurs?|producteurs?|acheteurs?|vendeurs?|créanciers?"
    r"|marchés?|destinations?|rangs?|places?|positions?)(?!\w)"
)
# « une deuxième source a confirmé » is another source, not a rank.
_RANK = re.compile(
    rf"(?<![Uu]n )(?<![Uu]ne )(?<![Uu]n\u00a0)(?<![Uu]ne\u00a0)"
    rf"{_ORDINAL}(?:{_GAP}{_BETWEEN}){{0,2}}{_GAP}{_RANKED}"
)

# A code span, never across a blank line (it would not be one).
_CODE_SPAN = re.compile(r"(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.S)
_MASKED_INLINE = [
    re.compile(TOKEN_RE),
    re.compile(TARGET_RE),
    re.compile(PLAIN_RE),
    re.compile(r"<!--.*?-->", re.S),
    # HTML tags and autolinks (« <https://…> »), not « < 5 % ».
    re.compile(r"<[A-Za-z/!][^<>\n]*>"),
    # A link's or an image's address and title: « [mots](https://… "titre") ».
    re.compile(
        r"(?<=\])\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
    ),
    # A reference link's label (« [mots][2] ») and footnote marks (« [^1] »).
    re.compile(r"(?<=\])\[[^\[\]\n]*\]"),
    re.compile(r"\[\^[^\[\]\s]+\]"),
    re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+"),
]
_LINE_MASKS = [
    # Reference definitions: « [2]: https://… "titre" ».
    re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[^\n]*$", re.M),
    # List markers: « 1. », « 2) ».
    re.compile(r"^ {0,3}\d{1,9}[.)](?=[ \t])", re.M),
]
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]")


def _blank(match):
    return MASK * len(match.group(0))


def _mask_code_blocks(text: str) -> str:
    """Fenced blocks, and blocks indented by four spaces after a blank line
    that do not continue a list, become masks (line ends kept)."""
    lines = text.split("\n")
    fence = None
    in_list = False
    in_code = False
    previous_blank = True
    for i, line in enumerate(lines):
        blank = not line.strip()
        if fence is not None:
            if _FENCE.match(line) and line.strip().startswith(fence):
                fence = None
            lines[i] = MASK * len(line)
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            lines[i] = MASK * len(line)
            continue
        indented = line.startswith(("    ", "\t"))
        if in_code and (indented or blank):
            lines[i] = MASK * len(line)
            continue
        in_code = False
        if indented and not blank and previous_blank and not in_list:
            in_code = True
            lines[i] = MASK * len(line)
            continue
        if _LIST_ITEM.match(line):
            in_list = True
        elif not blank and not indented:
            in_list = False
        previous_blank = blank
    return "\n".join(lines)


def masked(markdown: str) -> str:
    """The Markdown with what readers do not read as the story's own numbers
    (tokens, code, link addresses, tags, footnote marks, list numbers) replaced
    by ``MASK``, character for character, so that offsets stay the same."""
    text = _mask_code_blocks(markdown.replace("\r\n", "\n"))
    text = _CODE_SPAN.sub(_blank, text)
    for pattern in [*_MASKED_INLINE, *_LINE_MASKS]:
        text = pattern.sub(_blank, text)
    return text


def _words(text: str) -> str:
    return " ".join(text.replace("*", " ").replace("_", " ").split())


def statistics_in(markdown: str) -> list[Statistic]:
    """The statistics a story's Markdown writes in its own words, in reading
    order, each once (the first place it is written)."""
    text = masked(markdown)
    found = {}
    for pattern in (_AMOUNT, _RANK):
        for match in pattern.finditer(text):
            words = _words(markdown[match.start() : match.end()])
            if words not in found or found[words] > match.start():
                found[words] = match.start()
    return [
        Statistic(words, start)
        for words, start in sorted(found.items(), key=lambda item: item[1])
    ]


# --- Reading the numbers a text names -------------------------------------


@dataclass(frozen=True)
class Number:
    """A number a text names: its ``readings``, the values its digits may
    stand for (« 1,782 » may be 1782 or 1.782), each with the unit of its last
    digit (0.1 for « 43,8 »; 100 for « 1 700 », which may round to the
    hundred); what a following word multiplies it by (10^9 for « billion »,
    10^8 for « 亿 »); and whether it is a rank."""

    text: str
    readings: tuple
    multiplier: Decimal | None = None
    ordinal: bool = False

    def values(self) -> list[Decimal]:
        return sorted(value for value, _ in self.readings)


_DIGITS = re.compile(
    r"(?<![\d.,])(?:"
    r"\d{1,3}(?:[ \u00a0\u202f']\d{3})+(?:[.,]\d+)?"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?"
    r"|\d+(?:[.,]\d+)?"
    r")(?![\d])"
)
_TEN = Decimal(10)
# Words after a number that multiply it, as powers of ten. « billion » is
# 10^9 in English and 10^12 in French, German, Italian and Spanish, hence the
# language. Chinese characters take no word boundary (« 410.2亿美元 »).
_MULTIPLIERS = [
    (r"万亿", 12),
    (r"(?i:trillions?|триллион\w*|трлн)(?!\w)", 12),
    (r"(?i:milliard\w*|miliard\w*|mil\s+millones|миллиард\w*|млрд|mrd)(?!\w)", 9),
    (r"十亿", 9),
    (r"亿", 8),
    (r"(?i:million\w*|milion\w*|millón|millones|миллион\w*|млн|mln|mn)(?!\w)", 6),
    (r"百万", 6),
    (r"万", 4),
    (r"(?i:thousands?|tausend|mila|mille|тысяч\w*|тыс)(?!\w)", 3),
    (r"千", 3),
]
_ENGLISH_BILLION = r"(?i:billions?|bn|bln)(?!\w)"
_LONG_BILLION = r"(?i:billions?|billionen|bilion[ei]|billón|billones)(?!\w)"
# Ranks written as words or abbreviations, in the languages of the sources.
_ORDINALS = {
    1: r"first|1st|premi(?:er|ère)s?|1er|1re|1ère|primo|prima|primer[oa]?|erste[nrs]?"
    r"|перв\w+|бірінші",
    2: r"second|2nd|seconde?s?|deuxièmes?|secondo|seconda|segund[oa]|zweite[nrs]?"
    r"|втор\w+|екінші",
    3: r"third|3rd|troisièmes?|terz[oa]|tercer[oa]?|dritte[nrs]?|трет\w+|үшінші",
    4: r"fourth|quatrièmes?|quart[oa]|cuart[oa]|vierte[nrs]?|четв[её]рт\w+"
    r"|төртінші",
    5: r"fifth|cinquièmes?|quint[oa]|fünfte[nrs]?|пят(?:ый|ая|ое|ого|ом|ую|ым|ой)"
    r"|бесінші",
    6: r"sixth|sixièmes?|sest[oa]|sext[oa]|sechste[nrs]?|шест(?:ой|ая|ое|ого|ом|ую|ым)"
    r"|алтыншы",
    7: r"seventh|septièmes?|settim[oa]|séptim[oa]|siebte[nrs]?|седьм\w+|жетінші",
    8: r"eighth|huitièmes?|ottav[oa]|octav[oa]|achte[nrs]?|восьм\w+|сегізінші",
    9: r"ninth|neuvièmes?|non[oa]|noven[oa]|neunte[nrs]?|девят(?:ый|ая|ое|ого|ом|ую|ым)"
    r"|тоғызыншы",
    10: r"tenth|dixièmes?|decim[oa]|décim[oa]|zehnte[nrs]?"
    r"|десят(?:ый|ая|ое|ого|ом|ую|ым)|оныншы",
}
# Chinese writes a rank 第 then the number, with no space around.
_CHINESE_ORDINAL = re.compile(r"第([一二三四五六七八九十])")
_CHINESE_DIGITS = "一二三四五六七八九十"
_ORDINAL_WORD = re.compile(
    "|".join(rf"(?P<o{n}>(?<!\w)(?i:{words})(?!\w))" for n, words in _ORDINALS.items())
)
# « 4th », « 4e », « 4ème », « 4-е », « 4º », « 第4 ».
_ORDINAL_SUFFIX = re.compile(
    r"^(?:st|nd|rd|th|er|re|ère|e|è|ème|ᵉ|ᵉʳ|-?[ея]|º|ª)(?!\w)"
)
_FRENCH_CARDINALS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12,
    "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20,
    "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100,
    "mille": 1000,
}  # fmt: skip
_FRENCH_CARDINAL = re.compile(
    r"(?<!\w)(?i:"
    + "|".join(sorted(_FRENCH_CARDINALS, key=len, reverse=True))
    + r")(?!\w)"
)


def _readings(text: str) -> dict[Decimal, Decimal]:
    """The values digits may stand for, each with the unit of its last digit."""
    compact = re.sub(r"[ \u00a0\u202f']", "", text)
    candidates = []
    for decimal, thousands in ((".", ","), (",", ".")):
        integer, _, fraction = compact.partition(decimal)
        if decimal in fraction:
            continue
        groups = integer.split(thousands)
        if any(len(g) != 3 for g in groups[1:]) or (fraction and thousands in fraction):
            continue
        candidates.append(("".join(groups), fraction))
    readings = {}
    for integer, fraction in candidates:
        try:
            value = Decimal(f"{integer}.{fraction}" if fraction else integer)
        except InvalidOperation:
            continue
        if fraction:
            unit = _TEN ** -len(fraction)
        else:
            # « 1 700 » may be rounded to the hundred, « 1 782 » to the unit.
            zeros = len(integer) - len(integer.rstrip("0")) if integer != "0" else 0
            unit = _TEN**zeros
        readings[value] = unit
    return readings


def _multiplier(after: str, language: str) -> Decimal | None:
    after = after.lstrip(SPACES)
    if language in ("en", ""):
        if re.match(_ENGLISH_BILLION, after):
            return _TEN**9
    elif re.match(_LONG_BILLION, after):
        return _TEN**12
    for pattern, exponent in _MULTIPLIERS:
        if re.match(pattern, after):
            return _TEN**exponent
    return None


def numbers_named(text: str, language: str = "en") -> list[Number]:
    """Every number ``text`` names: digits (with any thousands and decimal
    marks), ranks (« fourth », « 4e », « четвертое ») and, in French, small
    cardinals (« deux milliards »), each with a following multiplier word."""
    numbers = []
    for match in _DIGITS.finditer(text):
        readings = _readings(match.group(0))
        if not readings:
            continue
        after = text[match.end() : match.end() + 40]
        ordinal = (
            bool(_ORDINAL_SUFFIX.match(after))
            or text[max(0, match.start() - 1) : match.start()] == "第"
        )
        numbers.append(
            Number(
                text=match.group(0),
                readings=tuple(readings.items()),
                multiplier=None if ordinal else _multiplier(after, language),
                ordinal=ordinal,
            )
        )
    ranks = [
        (
            match,
            next(int(name[1:]) for name, found in match.groupdict().items() if found),
        )
        for match in _ORDINAL_WORD.finditer(text)
    ]
    ranks += [
        (match, _CHINESE_DIGITS.index(match.group(1)) + 1)
        for match in _CHINESE_ORDINAL.finditer(text)
    ]
    for match, rank in ranks:
        numbers.append(
            Number(
                text=match.group(0),
                readings=((Decimal(rank), Decimal(1)),),
                ordinal=True,
            )
        )
    if language == "fr":
        for match in _FRENCH_CARDINAL.finditer(text):
            value = Decimal(_FRENCH_CARDINALS[match.group(0).lower()])
            numbers.append(
                Number(
                    text=match.group(0),
                    readings=((value, Decimal(1)),),
                    multiplier=_multiplier(
                        text[match.end() : match.end() + 40], language
                    ),
                )
            )
    return numbers


def states(number: Number, value: Decimal, scale: int, *, rounded=False) -> bool:
    """Whether ``number`` writes ``value`` (counted in 10^``scale``): exactly
    (« 410.2亿 » for 41,02 milliards, « 8.4% » for −8,4), or, with ``rounded``,
    as a rounding to its last digit (« 43,8 » for 43,82, « 1 800 » for
    1 782,75; not « 1 700 »)."""
    whole = Decimal(value).scaleb(scale)
    power = number.multiplier if number.multiplier is not None else _TEN**scale
    for reading, unit in number.readings:
        written = reading * power
        for target in {whole, abs(whole)}:
            if rounded:
                if abs(written - target) * 2 <= unit * power:
                    return True
            elif written == target:
                return True
    return False
