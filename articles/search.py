"""Search that French readers can use: case, accents and ligatures ignored.

Both sides of a comparison go through ``fold()``: a story keeps folded copies
of its text (``search_title``, ``search_text``, filled on save) and the query
is folded the same way, so « ÉCHANGES », « echanges » and « échanges » meet.
Each database engine then gets one code path, chosen in ``search()``:
PostgreSQL runs full-text search (French configuration: stemming, stop
words) over the folded columns, anything else substring matching on them.
"""
import re
import unicodedata
from functools import reduce
from operator import add

from django.db import connections
from django.db.models import Case, Q, Value, When
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

# NFKD leaves these letters whole; French writes œ in everyday words (cœur).
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_WORD = re.compile(r"\w+")
MIN_TERM_LENGTH = 2
MAX_TERMS = 10
SEARCH_CONFIG = "french"


def fold(text):
    """Lower case, without accents or ligatures: the form search compares."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_terms(text):
    """The folded words of a query worth looking for (elided « l’ », « d’ » dropped)."""
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


def search_document():
    """The weighted tsvector PostgreSQL searches, and its GIN index is built on.

    The migration builds the index from this very expression: a query only
    uses an expression index when it repeats the expression exactly.
    """
    from django.contrib.postgres.search import SearchVector

    return SearchVector(
        "search_title", weight="A", config=SEARCH_CONFIG
    ) + SearchVector("search_text", weight="B", config=SEARCH_CONFIG)


def _search_postgresql(queryset, terms):
    """French full-text search: stems match (échange, échanges), title first."""
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
        SearchVectorExact,
    )

    query = SearchQuery(" ".join(terms), config=SEARCH_CONFIG)
    document = search_document()
    title = SearchVector("search_title", config=SEARCH_CONFIG)
    return (
        queryset.annotate(document=document)
        .filter(document=query)
        .annotate(in_title=SearchVectorExact(title, query), rank=SearchRank(document, query))
        .order_by("-in_title", "-rank", "-published_at", "-pk")
    )


def highlight(text, terms):
    """``text`` escaped, the words holding a search term wrapped in <mark>."""
    text = str(text or "")
    if not terms:
        return conditional_escape(text)
    folded, origin = [], []
    for index, char in enumerate(text):
        piece = fold(char)
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
    pieces, position = [], 0
    for start, end in sorted(spans):
        if end <= position:
            continue
        start = max(start, position)
        pieces.append(conditional_escape(text[position:start]))
        pieces.append(f"<mark>{conditional_escape(text[start:end])}</mark>")
        position = end
    pieces.append(conditional_escape(text[position:]))
    return mark_safe("".join(pieces))

