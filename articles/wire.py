"""Parse wire copy (the scraped text files the agency sends) into a story.

The format, as in the seed file: page chrome, the headline in capitals
(repeated), a French date line such as ``23 Août 2025 08:40 (UTC+01:00)``, a
``Paris / La Gazette`` byline, then paragraphs separated by blank lines.
Parsing is pure: it reads text and returns a ``WireStory`` or raises
``WireError`` naming the line, so nothing is written when the input is bad.

Wire copy is untrusted: a file is read only if it is a regular file (not a
link, a FIFO, a device or a folder) of at most 1 Mo, and a dispatch holding a
character a feed cannot carry (NUL, ESC, U+000B…, see ``articles.text``) or a
headline longer than the title column is refused, not cleaned: it is the sign
of a broken file.
"""
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone as dt_timezone

from .markdown_fr import french_typography
from .models import Article
from .text import codepoint, find_forbidden

# A dispatch is a few thousand words; anything much bigger is not one.
MAX_BYTES = 1024 * 1024
TITLE_LENGTH = Article._meta.get_field("title").max_length

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
# At most 80 characters each: within the dateline and credit columns.
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


def _excerpt(text, limit=60):
    """Wire text quoted in a message, cut short: a line may be 1 Mo long."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_french_datetime(text, line=None):
    """``23 Août 2025 08:40 (UTC+01:00)`` to an aware datetime (exact instant)."""
    match = DATE_RE.match(text.strip())
    if not match:
        raise WireError(
            f"date illisible « {_excerpt(text)} » (attendu par exemple « 23 août 2025 08:40 (UTC+01:00) »)",
            line,
        )
    month_name = _strip_accents(match["month"]).casefold()
    month = MONTHS.get(month_name)
    if month is None:
        raise WireError(f"date illisible : mois inconnu « {_excerpt(match['month'])} »", line)
    sign = -1 if match["sign"] in "-\u2212" else 1
    offset_hours, offset_minutes = int(match["oh"]), int(match["om"] or 0)
    if offset_hours > 14 or offset_minutes > 59:
        raise WireError(f"date illisible : décalage horaire impossible dans « {_excerpt(text)} »", line)
    offset = sign * timedelta(hours=offset_hours, minutes=offset_minutes)
    try:
        return datetime(
            int(match["year"]), month, int(match["day"]),
            int(match["hour"]), int(match["minute"]),
            tzinfo=dt_timezone(offset),
        )
    except ValueError as error:
        raise WireError(f"date impossible « {_excerpt(text)} » ({error})", line) from None


def _french_count(number):
    return f"{number:,}".replace(",", "\u202f")


def _check_characters(text):
    forbidden = find_forbidden(text)
    if forbidden is None:
        return
    char = forbidden.group()
    # Numbered as parse_wire numbers lines (str.splitlines); the text before
    # the character holds no other forbidden one, U+000B and U+000C included.
    line = len((text[: forbidden.start()] + "x").splitlines())
    what = "caractère de contrôle" if char < " " else "caractère non valide"
    raise WireError(
        f"{what} {codepoint(char)} interdit dans une dépêche (fichier abîmé ou "
        "mal exporté ?)",
        line,
    )


def parse_wire(text):
    """Parse the text of a wire dispatch; raise WireError on bad input."""
    text = text.lstrip("\ufeff")
    _check_characters(text)
    lines = text.splitlines()
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
            f"pas de ligne de date après le titre : trouvé « {_excerpt(date_text)} » "
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

    story = WireStory(
        headline=headline,
        published_at=published_at,
        dateline=dateline,
        credit=credit,
        paragraphs=paragraphs,
    )
    # The title as the story stores it: lower case and French spacing may
    # lengthen the headline.
    title = french_typography(story.sentence_case_headline())
    if len(title) > TITLE_LENGTH:
        raise WireError(_title_too_long(len(title)), headline_line)
    return story


def _title_too_long(length):
    return (
        f"titre trop long : {_french_count(length)} caractères, pour "
        f"{TITLE_LENGTH} au plus"
    )


NOT_REGULAR = [
    (stat.S_ISLNK, "c’est un lien symbolique : donnez le fichier lui-même"),
    (stat.S_ISDIR, "c’est un dossier, pas un fichier"),
    (stat.S_ISFIFO, "c’est un tube nommé (FIFO), pas un fichier ordinaire"),
    (stat.S_ISCHR, "c’est un périphérique, pas un fichier ordinaire"),
    (stat.S_ISBLK, "c’est un périphérique, pas un fichier ordinaire"),
    (stat.S_ISSOCK, "c’est une socket, pas un fichier ordinaire"),
]


def _check_regular(mode):
    for test, message in NOT_REGULAR:
        if test(mode):
            raise WireError(message)
    if not stat.S_ISREG(mode):
        raise WireError("pas un fichier ordinaire")


def _check_size(size):
    if size > MAX_BYTES:
        raise WireError(
            f"fichier trop gros : {_french_count(size)} octets, pour 1 Mo "
            f"({_french_count(MAX_BYTES)} octets) au plus"
        )


def read_wire_file(path):
    """Read and parse a wire file: a regular file of at most 1 Mo, in UTF-8.

    Anything else is a WireError. The file is examined before it is opened,
    without following a link (whose target the message never names) and
    without opening a FIFO, which would wait for a writer.
    """
    try:
        _check_regular(os.lstat(path).st_mode)
        # O_NOFOLLOW and O_NONBLOCK, and the checks again on what was opened,
        # in case the path was replaced since: still no link, no waiting.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with open(fd, "rb") as file:
            info = os.fstat(file.fileno())
            _check_regular(info.st_mode)
            _check_size(info.st_size)
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise WireError("fichier introuvable") from None
    except PermissionError:
        raise WireError("lecture refusée : droits insuffisants") from None
    except OSError as error:
        raise WireError(f"lecture impossible ({error.strerror})") from None
    _check_size(len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise WireError(
            f"le fichier n’est pas en UTF-8 (octet 0x{data[error.start]:02x} illisible)", line
        ) from None
    return parse_wire(text)
