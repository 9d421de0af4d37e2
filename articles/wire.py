"""Parse wire copy (the scraped text files the agency sends) into a story.

The format, as in the seed file: page chrome, the headline in capitals
(repeated), a French date line such as ``23 Août 2025 08:40 (UTC+01:00)``, a
``Paris / La Gazette`` byline, then paragraphs separated by blank lines.
Parsing is pure: it reads text and returns a ``WireStory`` or raises
``WireError`` naming the line, so nothing is written when the input is bad.
"""
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path

CHROME_LINES = {
    "lagazette",
    "loading...",
    "loading…",
    "l'info de a à z voir plus",
}

MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7,
    "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}

DATE_LIKE_RE = re.compile(r"^\d{1,2}(?:er)?\s+[^\W\d_]+\.?\s+\d{4}\b")
DATE_RE = re.compile(
    r"^(?P<day>\d{1,2})(?:er)?\s+(?P<month>[^\W\d_]+)\.?\s+(?P<year>\d{4})"
    r"\s*(?:,|à)?\s*(?P<hour>\d{1,2})\s*[:h]\s*(?P<minute>\d{2})"
    r"\s*\(\s*(?:UTC|GMT)\s*(?P<sign>[+\-\u2212])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?\s*\)$",
    re.IGNORECASE,
)
BYLINE_RE = re.compile(r"^(?P<dateline>[^/]{1,80}?)\s+/\s+(?P<credit>[^/]{1,80})$")
MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_\[\]])")
MARKDOWN_LINE_START_RE = re.compile(r"^(#|>|[-+*]\s|\d+[.)]\s)")
WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


class WireError(ValueError):
    """Bad wire copy; ``line`` is 1-based, or None when no line applies."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self):
        return f"ligne {self.line} : {self.message}" if self.line else self.message


@dataclass
class WireStory:
    headline: str
    published_at: datetime
    dateline: str = ""
    credit: str = ""
    paragraphs: list[str] = field(default_factory=list)

    @property
    def ref(self):
        """Stable identity of the dispatch: the same file imports to the same story."""
        key = f"{self.headline.casefold()}|{self.published_at.isoformat()}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    @property
    def headline_in_capitals(self):
        return any(c.isalpha() for c in self.headline) and self.headline == self.headline.upper()

    @property
    def standfirst(self):
        return self.paragraphs[0]

    @property
    def body_markdown(self):
        return "\n\n".join(escape_markdown(p) for p in self.paragraphs[1:])

    def sentence_case_headline(self):
        """The capitalised headline in sentence case, proper nouns taken from the text.

        A word keeps a capital when the text only ever writes it with one
        (« Chine », « Kazakhstan »); the rest is lower case.
        """
        text = " ".join(self.paragraphs)
        capitalised = set()
        lowercase = set()
        for word in WORD_RE.findall(text):
            (capitalised if word[0].isupper() else lowercase).add(word.casefold())
        proper = capitalised - lowercase

        def fix(match):
            word = match.group(0).lower()
            return word.capitalize() if word.casefold() in proper else word

        lowered = WORD_RE.sub(fix, self.headline)
        return lowered[:1].upper() + lowered[1:]


def _normalise(line):
    return line.strip().replace("\u2019", "'").casefold()


def _strip_accents(text):
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )


def escape_markdown(paragraph):
    """Keep wire text literal when it is read as Markdown."""
    paragraph = MARKDOWN_SPECIAL_RE.sub(r"\\\1", paragraph).replace("<", "&lt;")
    return MARKDOWN_LINE_START_RE.sub(r"\\\1", paragraph)


def parse_french_datetime(text, line=None):
    """``23 Août 2025 08:40 (UTC+01:00)`` to an aware datetime (exact instant)."""
    match = DATE_RE.match(text.strip())
    if not match:
        raise WireError(
            f"date illisible « {text.strip()} » (attendu par exemple « 23 août 2025 08:40 (UTC+01:00) »)",
            line,
        )
    month_name = _strip_accents(match["month"]).casefold()
    month = MONTHS.get(month_name)
    if month is None:
        raise WireError(f"date illisible : mois inconnu « {match['month']} »", line)
    sign = -1 if match["sign"] in "-\u2212" else 1
    offset_hours, offset_minutes = int(match["oh"]), int(match["om"] or 0)
    if offset_hours > 14 or offset_minutes > 59:
        raise WireError(f"date illisible : décalage horaire impossible dans « {text.strip()} »", line)
    offset = sign * timedelta(hours=offset_hours, minutes=offset_minutes)
    try:
        return datetime(
            int(match["year"]), month, int(match["day"]),
            int(match["hour"]), int(match["minute"]),
            tzinfo=dt_timezone(offset),
        )
    except ValueError as error:
        raise WireError(f"date impossible « {text.strip()} » ({error})", line) from None


def parse_wire(text):
    """Parse the text of a wire dispatch; raise WireError on bad input."""
    lines = text.lstrip("\ufeff").splitlines()
    numbered = [
        (number, line.strip())
        for number, line in enumerate(lines, start=1)
        if _normalise(line) not in CHROME_LINES
    ]
    content = [(n, line) for n, line in numbered if line]
    if not content:
        raise WireError("fichier vide : ni titre, ni date, ni texte")

    headline_line, headline = content[0]
    if DATE_LIKE_RE.match(headline):
        raise WireError("pas de titre avant la ligne de date", headline_line)

    def is_headline_repeat(line):
        return _normalise(line) == _normalise(headline)

    position = 1
    while position < len(content) and is_headline_repeat(content[position][1]):
        position += 1
    if position == len(content):
        raise WireError(
            "pas de ligne de date après le titre (attendu par exemple « 23 août 2025 08:40 (UTC+01:00) »)",
            headline_line + 1,
        )
    date_line, date_text = content[position]
    if not DATE_LIKE_RE.match(date_text):
        raise WireError(
            f"pas de ligne de date après le titre : trouvé « {date_text[:60]} » "
            "(attendu par exemple « 23 août 2025 08:40 (UTC+01:00) »)",
            date_line,
        )
    published_at = parse_french_datetime(date_text, date_line)

    dateline = credit = ""
    rest = [(n, line) for n, line in numbered if n > date_line]
    while rest and (not rest[0][1] or is_headline_repeat(rest[0][1])):
        rest.pop(0)
    if rest and (byline := BYLINE_RE.match(rest[0][1])):
        dateline, credit = byline["dateline"].strip(), byline["credit"].strip()
        rest.pop(0)

    paragraphs, current = [], []
    for _number, line in rest:
        if not line or is_headline_repeat(line):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    if not paragraphs:
        raise WireError("texte vide : aucun paragraphe après la date et la signature", date_line)

    return WireStory(
        headline=headline,
        published_at=published_at,
        dateline=dateline,
        credit=credit,
        paragraphs=paragraphs,
    )


def read_wire_file(path):
    """Read and parse a wire file; missing files and non-UTF-8 bytes are WireErrors."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise WireError(f"fichier introuvable : {path}") from None
    except IsADirectoryError:
        raise WireError(f"{path} est un dossier, pas un fichier") from None
    except OSError as error:
        raise WireError(f"lecture impossible de {path} : {error.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise WireError(
            f"le fichier n’est pas en UTF-8 (octet 0x{data[error.start]:02x} illisible)", line
        ) from None
    return parse_wire(text)
