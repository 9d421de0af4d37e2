"""French number typography wherever readers read figures: no line break
before « : ; ! ? % » (the site writes a narrow no-break space, U+202F; Django's
French forms write U+00A0 before a label's colon), and none between a number
and its unit (« 43,8 milliards de dollars »: U+00A0 or U+202F, never a space)."""

import re
from html import escape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import make_article, make_figure
from tests.feeds import fetch_feed
from trade.models import Figure
from trade.templatetags.trade import french_text

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"
NO_BREAK = (NNBSP, NBSP)
PAIR_URL = "/chiffres/kazakhstan-chine/"
# Where a block of text starts or ends: a mark alone in a cell (« % »)
# follows no word.
EDGE = "\x00"
SKIPPED = {"script", "style", "template"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr",
}  # fmt: skip
# Elements whose edges separate pieces of text; inline ones (a, data, span,
# strong…) do not: « <data>+6,8</data> % » reads as one piece.
BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd",
    "desc", "div", "dl", "dt", "figcaption", "figure", "footer", "form", "g",
    "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "li", "main",
    "nav", "ol", "option", "p", "section", "select", "svg", "table", "tbody",
    "td", "text", "tfoot", "th", "thead", "title", "tr", "ul",
}  # fmt: skip


class FrenchText(HTMLParser):
    """The French text a reader reads: no attribute values, no scripts or
    styles, and nothing marked in another language (a source's own sentence
    keeps its typography: « 8.4% » in English); nor elements of the classes
    ``left_out``."""

    def __init__(self, left_out=()):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.open = []  # (tag, whether it is left out)
        self.left_out = set(left_out)

    def skipping(self):
        return bool(self.open) and self.open[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        foreign = lang is not None and not lang.lower().startswith("fr")
        classes = set((attrs.get("class") or "").split())
        unread = foreign or bool(self.left_out & classes)
        if tag in BLOCKS:
            self.parts.append(EDGE)
        if tag not in VOID:
            self.open.append((tag, self.skipping() or tag in SKIPPED or unread))

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append(EDGE)

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append(EDGE)
        tags = [name for name, _ in self.open]
        if tag in tags:
            del self.open[len(tags) - 1 - tags[::-1].index(tag) :]

    def handle_data(self, data):
        if not self.skipping():
            self.parts.append(data)


def french_text_of(html, left_out=()):
    parser = FrenchText(left_out)
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


URL = re.compile(r"\b(?:https?|mailto):\S+|\bwww\.\S+")
TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
MARK = re.compile(r"(.)([:;!?%])", re.S)
# Ordinary white space (which may break a line) between a number and a unit.
UNIT = re.compile(
    r"\d[ \t\r\n]+(?:milliards?|millions?|dollars|yuans|kilomètres?|pour cent|%)"
    r"(?!\w)"
)


def typography_faults(html, left_out=()):
    """Each place French number typography breaks, with its surroundings
    (outside elements of the classes ``left_out``)."""
    text = TIME.sub("", URL.sub("", french_text_of(html, left_out)))

    def around(match):
        return text[max(0, match.start() - 40) : match.end() + 20].replace(EDGE, "|")

    faults = [
        around(m) for m in MARK.finditer(text) if m.group(1) not in (*NO_BREAK, EDGE)
    ]
    return faults + [around(m) for m in UNIT.finditer(text)]


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "html",
    [
        "<p>Total : 12</p>",
        "<p>Total: 12</p>",
        "<p>Soit 12 ; ou 13</p>",
        "<p>Vraiment ?</p>",
        "<p>En hausse de 6,8 %</p>",
        "<p>En hausse de 6,8%</p>",
        "<p>Soit 43,8 milliards de dollars</p>",
        "<p>Soit 9,2 pour cent</p>",
        "<p>Une frontière de 1\u202f700\nkilomètres</p>",
        "<p><data value=\"6.8\">+6,8</data> %</p>",
        "<p><span>Note</span>: 12</p>",
        '<svg><text x="1">2023 : 41</text></svg>',
        '<p lang="fr-FR">Total : 12</p>',
    ],
)
def test_the_check_finds_a_fault(html):
    assert typography_faults(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>Total\u202f: 43,8\u00a0milliards de dollars, +6,8\u202f%\u202f!</p>",
        "<p>1\u202f700\u202fkilomètres</p>",
        "<label>Type\u00a0:</label>",
        "<p>Mis à jour à 10:00</p>",
        "<p>Voir https://example.org/a?b=1&amp;c=2;d</p>",
        '<p><q lang="en">up 8.4%: $43.8 billion</q></p>',
        '<p><q lang="zh">同比增长32.2%。</q></p>',
        '<p title="Total : 12 %">Total</p>',
        "<table><tr><th>Unité</th><td>%</td></tr></table>",
        "<script>var a = {b: 1};</script><style>a:hover{}</style>",
        "<p>Total</p><p>: suite</p>",
    ],
)
def test_the_check_leaves_the_rest_alone(html):
    assert typography_faults(html) == []


def test_editors_notes_are_spaced_as_french_prints_them():
    note = (
        "Les douanes (41,02 milliards de dollars en 2023, 43,82 en 2024) donnent "
        "6,8 % ; la frontière : « 1 700 kilomètres » !"
    )
    assert french_text(note) == (
        f"Les douanes (41,02{NBSP}milliards de dollars en 2023, 43,82 en 2024) "
        f"donnent 6,8{NNBSP}%{NNBSP}; la frontière{NNBSP}: «{NNBSP}1{NNBSP}700"
        f"{NBSP}kilomètres{NNBSP}»{NNBSP}!"
    )
    assert typography_faults(f"<p>{french_text(note)}</p>") == []


def test_the_key_figures_box_and_the_pair_tables_are_typeset(client, trade_seeded):
    """The parts the figures' own templates write (the box, the figures'
    notes, sources and computations) hold no fault of their own."""
    story = html_of(client, trade_seeded.get_absolute_url())
    [box] = re.findall(r'<aside class="key-figures".*?</aside>', story, re.S)
    assert "+6,8" in box and "Note de la rédaction" in box
    assert typography_faults(box) == []
    pair = html_of(client, PAIR_URL)
    cells = re.findall(r"<td>(<span class=\"figure-meta\">.*?)</td>", pair, re.S)
    assert len(cells) == Figure.objects.published().count()
    assert typography_faults("".join(f"<td>{c}</td>" for c in cells)) == []


def test_a_note_typed_with_plain_spaces_reads_in_french(client):
    story = make_article()
    make_figure(
        stories=[story], note="Soit 43,82 milliards : +6,8 % sur un an ; exact ?"
    )
    html = html_of(client, story.get_absolute_url())
    assert (
        f"43,82{NBSP}milliards{NNBSP}: +6,8{NNBSP}% sur un an{NNBSP}; exact{NNBSP}?"
        in html
    )


PAGES = ["story", "pair", "index", "country"]


def url_of(page, story):
    return {
        "story": story.get_absolute_url(),
        "pair": PAIR_URL,
        "index": reverse("trade:index"),
        "country": reverse("trade:country", args=["kazakhstan"]),
    }[page]


@pytest.mark.parametrize("page", ["story", "pair", "index", "country"])
def test_pages_with_figures_are_typeset_apart_from_story_cards(
    client, trade_seeded, page
):
    html = html_of(client, url_of(page, trade_seeded))
    assert typography_faults(html, left_out={"card"}) == []
    if page != "index":
        assert '<article class="card' in html  # what is left out is there


@pytest.mark.parametrize("page", PAGES)
def test_pages_with_figures_follow_french_number_typography(
    client, trade_seeded, page
):
    html = html_of(client, url_of(page, trade_seeded))
    assert typography_faults(html) == []


def test_the_country_feed_follows_french_number_typography(client, trade_seeded):
    url = reverse("trade:country_feed_rss", args=["kazakhstan"])
    _, feed, _ = fetch_feed(client, url)
    assert feed.entries
    # Titles and descriptions are text, the content is HTML.
    texts = [escape(feed.feed.title), escape(feed.feed.subtitle)]
    for entry in feed.entries:
        texts += [escape(entry.title), escape(entry.summary)]
        texts += [content.value for content in entry.content]
    faults = [f for text in texts for f in typography_faults(f"<p>{text}</p>")]
    assert faults == []
