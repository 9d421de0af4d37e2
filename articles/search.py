"""Search that French readers can use: case, accents and ligatures ignored.

Both sides of a comparison go through ``fold()``: a story keeps folded copies
of its text (``search_title``, ``search_text``, filled on save) and the query
is folded the same way, so « ÉCHANGES », « echanges » and « échanges » meet.
Each database engine then gets one code path, chosen in ``search()``:
PostgreSQL runs full-text search (French configuration: stemming, stop
words) on ``search_document``, a tsvector of the folded columns that a
trigger keeps up to date (migration 0002); anything else matches substrings
of the folded columns.
"""
import re
import unicodedata
from functools import reduce
from operator import add

from django.db import connections
from django.db.models import Case, F, Q, Value, When
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

# NFKD leaves these letters whole; French writes œ in everyday words (cœur).
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_WORD = re.compile(r"\w+")
MIN_TERM_LENGTH = 2
MAX_TERMS = 10
EXCERPT_WIDTH = 200
SEARCH_CONFIG = "french"


def fold(text):
    """Lower case, without accents or ligatures: the form search compares."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_terms(text):
    """The folded words of a query worth looking for (« l’ », « d’ » dropped)."""
    terms = []
    for word in _WORD.findall(fold(text)):
        if len(word) >= MIN_TERM_LENGTH and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def search(queryset, text):
    """Stories of ``queryset`` matching every word of ``text``, title matches first."""
    terms = search_terms(text)
    if not terms:
        return queryset
    vendor = connections[queryset.db].vendor
    backend = _search_postgresql if vendor == "postgresql" else _search_folded
    return backend(queryset, terms)


def _search_folded(queryset, terms):
    """Every term somewhere in the folded columns; ranked by terms in the title."""
    for term in terms:
        queryset = queryset.filter(
            Q(search_title__contains=term) | Q(search_text__contains=term)
        )
    title_hits = reduce(
        add,
        (
            Case(When(search_title__contains=term, then=Value(1)), default=Value(0))
            for term in terms
        ),
    )
    return queryset.annotate(title_hits=title_hits).order_by(
        "-title_hits", "-published_at", "-pk"
    )


def _search_postgresql(queryset, terms):
    """French full-text search on the stored ``search_document`` (GIN-indexed):
    stems match (échange, échanges); title words (weight A) rank first."""
    from django.contrib.postgres.search import SearchQuery, SearchRank

    query = SearchQuery(" ".join(terms), config=SEARCH_CONFIG)
    document = F("search_document")  # a bare name would be re-vectorised as text
    return (
        queryset.filter(search_document=query)
        .annotate(
            # ts_rank weights are {D, C, B, A}: this rank counts title words only.
            title_rank=SearchRank(document, query, weights=[0, 0, 0, 1]),
            rank=SearchRank(document, query),
        )
        .order_by("-title_rank", "-rank", "-published_at", "-pk")
    )


def _term_spans(text, terms):
    """Sorted (start, end) of the words of ``text`` that hold a search term."""
    folded, origin = [], []
    for index, char in enumerate(text):
        piece = fold(char)  # « œ » gives two letters: map each back to its char
        folded.append(piece)
        origin.extend([index] * len(piece))
    folded = "".join(folded)
    spans = []
    for term in terms:
        # Stemmed search finds « échange » for « échanges »: mark the stem too.
        stem = term[:-1] if len(term) > 3 and term[-1] in "sx" else term
        for match in re.finditer(re.escape(stem), folded):
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            while start > 0 and text[start - 1].isalnum():
                start -= 1
            while end < len(text) and text[end].isalnum():
                end += 1
            spans.append((start, end))
    return sorted(spans)


def mentions(text, terms):
    """Whether a word of ``text`` holds one of the search ``terms``."""
    return bool(terms) and bool(_term_spans(str(text or ""), terms))


def highlight(text, terms):
    """``text`` escaped, the words holding a search term wrapped in <mark>."""
    text = str(text or "")
    pieces, position = [], 0
    for start, end in _term_spans(text, terms) if terms else []:
        if end <= position:
            continue
        start = max(start, position)
        pieces.append(conditional_escape(text[position:start]))
        pieces.append(f"<mark>{conditional_escape(text[start:end])}</mark>")
        position = end
    pieces.append(conditional_escape(text[position:]))
    return mark_safe("".join(pieces))


def excerpt(text, terms, width=EXCERPT_WIDTH):
    """About ``width`` characters of ``text`` around its first search term,
    highlighted, or "" when no term is in it."""
    spans = _term_spans(text, terms) if terms else []
    if not spans:
        return ""
    first = spans[0][0]
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    # Cut between words, and say where text was left out.
    if start > 0:
        start = text.find(" ", start, first) + 1 or start
    if end < len(text):
        space = text.rfind(" ", first, end)
        end = space if space > first else end
    before = "… " if start > 0 else ""
    after = " …" if end < len(text) else ""
    return mark_safe(f"{before}{highlight(text[start:end].strip(), terms)}{after}")
