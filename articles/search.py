"""Search that French readers can use: case, accents and ligatures ignored.

Both sides of a comparison go through ``fold()``: a story keeps folded copies
of its text (``search_title``, ``search_text``, filled on save) and the query
is folded the same way, so « ÉCHANGES », « echanges » and « échanges » meet.
Each database engine then gets one code path, chosen in ``search()``:
PostgreSQL runs full-text search (French configuration: stemming, stop
words) on ``search_document``, a tsvector of the folded columns, and
``search_title_document``, the title's, that a trigger keeps up to date
(migrations 0003 and 0006); anything else matches substrings of the folded
columns. Both engines order the results the same way (title matches first,
then newest first), page them with ``relevance_page()`` and count them up
to ``SEARCH_COUNT_CAP`` (``SearchPaginator``).
"""
import re
import unicodedata
from collections.abc import Sequence
from functools import cached_property, reduce
from operator import and_

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Q

# NFKD leaves these letters whole; French writes œ in everyday words (cœur).
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_WORD = re.compile(r"\w+")
MIN_TERM_LENGTH = 2
MAX_TERMS = 10
EXCERPT_WIDTH = 200
SEARCH_CONFIG = "french"
# Results counted and paged at most: past it, the page says « plus de … ».
SEARCH_COUNT_CAP = 1000
TITLE_MATCH = "title_match"
RELEVANCE = ("-" + TITLE_MATCH, "-published_at", "-pk")


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
    """Stories of ``queryset`` matching every word of ``text``, in relevance
    order: those whose title holds every word first, newest first in each
    group. ``title_match`` (annotated) says which group a story is in."""
    terms = search_terms(text)
    if not terms:
        return queryset
    vendor = connections[queryset.db].vendor
    backend = _search_postgresql if vendor == "postgresql" else _search_folded
    matches, in_title = backend(queryset, terms)
    title_match = ExpressionWrapper(in_title, output_field=BooleanField())
    return matches.annotate(**{TITLE_MATCH: title_match}).order_by(*RELEVANCE)


def _search_folded(queryset, terms):
    """Every term somewhere in the folded columns; a title match has them all
    in the title."""
    for term in terms:
        queryset = queryset.filter(
            Q(search_title__contains=term) | Q(search_text__contains=term)
        )
    in_title = reduce(and_, (Q(search_title__contains=term) for term in terms))
    return queryset, in_title


def _search_postgresql(queryset, terms):
    """French full-text search (stems match: échange, échanges) on the stored
    ``search_document``; a title match is a match of the title alone
    (``search_title_document``). Both are GIN-indexed."""
    from django.contrib.postgres.search import SearchQuery

    query = SearchQuery(" ".join(terms), config=SEARCH_CONFIG)
    in_title = Q(search_title_document=query)
    return queryset.filter(search_document=query), in_title


def relevance_page(queryset, bottom, top, *, depth=None):
    """Results ``bottom`` to ``top`` of a search in relevance order, reading
    ``depth`` (at least ``top``) matches twice, newest first, and sorting
    nothing more.

    The page's title matches are among the first ``top`` title matches. The
    other matches come after all T title matches, so the page's are among
    the first ``top`` of all matches (at most T of them are in the title):
    no query asks for "not in the title", which PostgreSQL would estimate as
    independent of the match and read the whole date index for a word found
    only in titles.
    """
    newest = RELEVANCE[1:]
    depth = max(top, depth or 0)

    def first(matches):
        firsts = matches.order_by(*newest).values("pk")[:depth]
        return queryset.filter(pk__in=firsts).order_by()

    in_title = first(queryset.filter(**{TITLE_MATCH: True}))
    others = first(queryset).filter(**{TITLE_MATCH: False})
    return in_title.union(others, all=True).order_by(*RELEVANCE)[bottom:top]


class SearchPaginator(Paginator):
    """The listings' paginator: Django's, each page read ids first
    (``ids_first``); a search result (annotated by ``search()``) is
    counted up to SEARCH_COUNT_CAP only, its pages stop there, and a page in
    relevance order is read with ``relevance_page()``.

    Counting every match of a common word reads every matching row, a cost
    that grows with the archive; nobody pages past the first thousand
    results of a search.

    ``shown(queryset)`` narrows the queryset to what a page shows of its
    stories (columns, annotations), applied only when rows are read.
    ``ids``, when given, are the ids of the stories listed, in their order
    (values of a queryset), which pages read in place of the list's own.
    """

    def __init__(self, *args, shown=None, ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = shown or (lambda queryset: queryset)
        self.ids = ids

    @property
    def is_search(self):
        return TITLE_MATCH in self.object_list.query.annotations

    @cached_property
    def found(self):
        """Results of a search, counted no further than one past the cap."""
        capped = self.object_list.order_by().values("pk")[: SEARCH_COUNT_CAP + 1]
        return capped.count()

    @cached_property
    def count(self):
        if not self.is_search:
            return super().count
        return min(self.found, SEARCH_COUNT_CAP)

    @property
    def more(self):
        """Whether a search found more results than it counts and pages."""
        return self.is_search and self.found > SEARCH_COUNT_CAP

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        # A whole page deep even on the last one: asked for the first match
        # or two, PostgreSQL walks the date index in search of them rather
        # than read the few stories a rare word is in from its own index.
        depth = top + self.orphans
        if top + self.orphans >= self.count:
            top = self.count
        if self.object_list.query.order_by == RELEVANCE:
            stories = relevance_page(self.shown(self.object_list), bottom, top, depth=depth)
        else:
            stories = ids_first(self.object_list, bottom, top, self.shown, self.ids)
        return self._get_page(stories, number, self)


def ids_first(queryset, bottom, top, shown, ids=None):
    """Stories ``bottom`` to ``top`` of ``queryset``, in its order, as
    ``StoryIds``: their ids, which the indexes on (status, publication, id)
    give without reading a row, or taken from ``ids`` (the same stories'
    ids, in the same order, from an index of their own: ``FacetEntry``);
    the rows are read when asked for, from ``shown(queryset)``.
    """
    if ids is None:
        ids = queryset.values_list("pk", flat=True)
    return StoryIds(queryset, list(ids[bottom:top]), shown)


class StoryIds(Sequence):
    """A page of stories known by their ids (``ids``), in order. Its rows
    are read in one query the first time they are needed; ``rows(ids)``
    reads some of them, for what is not already kept (listing cards). Both
    read ``shown(queryset)``, built then (annotations cost to build)."""

    def __init__(self, queryset, ids, shown):
        self.queryset = queryset
        self.ids = ids
        self.shown = shown

    def rows(self, ids):
        found = self.shown(self.queryset).in_bulk(ids)
        # A story unpublished since its id was read is simply left out.
        return [found[pk] for pk in ids if pk in found]

    @cached_property
    def stories(self):
        return self.rows(self.ids)

    def __getitem__(self, index):
        return self.stories[index]

    def __len__(self):
        return len(self.stories)

    def __bool__(self):
        return bool(self.ids)


# Highlighting folds every character of every card shown: a few hundred
# distinct characters, each folded once, by code point, for str.translate.
_FOLDED = {}


def _folded_positions(text):
    """``text`` folded, and for each folded character the index of the one
    of ``text`` it comes from."""
    points = set(map(ord, text))
    for point in points - _FOLDED.keys():
        _FOLDED[point] = fold(chr(point))
    folded = text.translate(_FOLDED)
    if len(folded) == len(text) and all(len(_FOLDED[p]) == 1 for p in points):
        return folded, range(len(text))  # one for one: the usual case
    origin = []
    for index, char in enumerate(text):
        origin.extend([index] * len(_FOLDED[ord(char)]))  # « œ » gives two
    return folded, origin


def _term_spans(text, terms):
    """Sorted (start, end) of the words of ``text`` that hold a search term."""
    folded, origin = _folded_positions(text)
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
    """``text`` as (text, word) pairs, where word is a word holding a search
    term ("" at the end): ``articles/includes/highlight.html`` prints them
    escaped, the words in <mark>."""
    text = str(text or "")
    pairs, position = [], 0
    for start, end in _term_spans(text, terms) if terms else []:
        if end <= position:
            continue
        start = max(start, position)
        pairs.append((text[position:start], text[start:end]))
        position = end
    if position < len(text):
        pairs.append((text[position:], ""))
    return pairs


def excerpt(text, terms, width=EXCERPT_WIDTH):
    """About ``width`` characters of ``text`` around its first search term,
    as ``highlight()`` pairs, or [] when no term is in it."""
    spans = _term_spans(text, terms) if terms else []
    if not spans:
        return []
    first = spans[0][0]
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    # Cut between words, and say where text was left out.
    if start > 0:
        start = text.find(" ", start, first) + 1 or start
    if end < len(text):
        space = text.rfind(" ", first, end)
        end = space if space > first else end
    before = [("… ", "")] if start > 0 else []
    after = [(" …", "")] if end < len(text) else []
    return [*before, *highlight(text[start:end].strip(), terms), *after]
