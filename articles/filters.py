"""The filters of the story listings: facets, kind, dates, text and order.

``ArticleFilter`` always receives ``Article.objects.published()`` (or a
narrowing of it) as its queryset. Facets are relations from Article to a
model with ``name`` and ``slug``: the topics, and those other apps name in
``GAZETTE_LISTING_FACETS`` (trade: the countries).
"""
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator, slug_re
from django.db.models import Count
from django.utils import timezone

from .models import Article, FacetEntry, Kind
from .search import fold, search, search_terms

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
MAX_FACET_VALUES = 20


class InUse(NamedTuple):
    """An object with published stories, as listings and the index show it."""

    pk: int
    slug: str
    name: str
    url: str
    story_count: int


def in_use(relation, version):
    """Objects at the other end of Article's ``relation`` that have published
    stories (``InUse``: light to keep and read back), with their number of
    stories, in French name order.

    Kept under the content ``version`` (None: computed, not kept): counting
    the published stories of every value is the one query of a listing that
    grows with the archive. It counts the listings' index (``FacetEntry``),
    the entries that the pages of a listing narrowed to one value read,
    whose number of stories the counts give (``ArticleFilter.narrowed_to``).
    """

    def count():
        counts = dict(
            FacetEntry.objects.published()
            .filter(facet=relation)
            .order_by()
            .values_list("value")
            .annotate(Count("pk"))
        )
        model = Article._meta.get_field(relation).related_model
        items = model.objects.filter(pk__in=list(counts))
        # Databases compare bytes: « Économie » would follow « Zone euro ».
        return [
            InUse(item.pk, item.slug, item.name, item.get_absolute_url(), counts[item.pk])
            for item in sorted(items, key=lambda item: (fold(item.name), item.name))
        ]

    if version is None:
        return count()
    return cache.get_or_set(
        f"in-use:{relation}", count, settings.GAZETTE_KEPT_SECONDS, version=version
    )


def at_most_facet_values(values):
    if len(values) > MAX_FACET_VALUES:
        raise forms.ValidationError(
            f"Choisissez au plus {MAX_FACET_VALUES} valeurs."
        )


class FacetCheckboxes(forms.CheckboxSelectMultiple):
    """Django's checkboxes, the same HTML, from one template rather than
    three per box: a facet may offer hundreds of values."""

    template_name = "articles/widgets/facet_checkboxes.html"


class FacetFilter(django_filters.MultipleChoiceFilter):
    """Stories linked to any of the chosen objects (by slug) through ``relation``.

    The choices are the objects in use, with their counts, loaded in one query
    when the filter set is built; a slug naming no object at all is reported
    by ``unknown_slugs()`` so that the page can answer 404.
    """

    def __init__(self, relation, **kwargs):
        kwargs.setdefault("widget", FacetCheckboxes)
        kwargs.setdefault("validators", [at_most_facet_values])
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": "Rien n’est publié sous « %(value)s »."},
        )
        super().__init__(field_name=relation, **kwargs)

    def load_choices(self, items):
        """The values in use (``in_use``): their names, ids, and the choices
        the form's field gets (``ArticleFilterForm.facet_choices``)."""
        self.names = {item.slug: item.name for item in items}
        self.ids = {item.slug: item.pk for item in items}
        self.choices = [(item.slug, f"{item.name} ({item.story_count})") for item in items]

    def unknown_slugs(self, slugs):
        # What is not even a slug (a NUL byte, which PostgreSQL refuses in a
        # query) names nothing, and need not be looked for.
        slugs = set(slugs)
        candidates = {slug for slug in slugs if slug_re.fullmatch(slug)}
        model = Article._meta.get_field(self.field_name).related_model
        found = model.objects.filter(slug__in=candidates).values_list("slug", flat=True)
        return slugs - set(found)

    def filter(self, qs, value):
        if not value:
            return qs
        # A subquery, not a join: a story in two chosen topics is listed once
        # without a DISTINCT over the whole result. It reads the link table
        # alone, by its index on the other end (the choices hold the ids).
        through, story, other = link_table(self.field_name)
        ids = [self.ids[slug] for slug in value]
        linked = through.objects.filter(**{f"{other}__in": ids})
        return qs.filter(pk__in=linked.values(story))


def facet_relations():
    """Article's relations the listings offer as facets, e.g. "topics"."""
    facets = ArticleFilter.base_filters.values()
    return [f.field_name for f in facets if isinstance(f, FacetFilter)]


def link_table(relation):
    """Article's many-to-many ``relation`` (declared on either side) as its
    link model, the name of its key to the story and of its key to the other end."""
    field = Article._meta.get_field(relation)
    if field.concrete:
        through = field.remote_field.through
        return through, field.m2m_field_name(), field.m2m_reverse_field_name()
    return field.through, field.field.m2m_reverse_field_name(), field.field.m2m_field_name()


def filter_query(request):
    """The filters of a request as a query string, without the page number."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def day_start(day):
    """Midnight at the start of ``day``, Paris time (the site's time zone)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})
    default_validators = [
        MinValueValidator(EARLIEST, "Choisissez une date après le 1er janvier 1900."),
        MaxValueValidator(LATEST, "Choisissez une date avant l’an 3000."),
    ]


class DayFilter(django_filters.Filter):
    """A calendar day, compared with publication instants in Paris time."""

    field_class = DateField


class ArticleFilterForm(forms.Form):
    # {field name: choices} of the facets, set for each filter set's own form
    # class (``ArticleFilter.get_form_class``) and given to the form's copy
    # of its fields: choices declared on the fields would be copied deep,
    # tuple by tuple, for every form.
    facet_choices = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in self.facet_choices.items():
            self.fields[name].choices = choices

    def clean_q(self):
        # Control characters mean nothing in a search and cannot be written
        # in XML: a feed titled with them would not serialise.
        words = "".join(
            " " if unicodedata.category(c) == "Cc" else c
            for c in self.cleaned_data["q"]
        ).strip()
        if words and not search_terms(words):
            raise forms.ValidationError("Cherchez au moins un mot de deux lettres.")
        return words

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("after"), cleaned.get("before")
        if after and before and after > before:
            # Both dates are set aside: neither alone says what the reader meant.
            message = "La date de début doit précéder la date de fin."
            self.add_error("after", message)
            self.add_error("before", message)
        return cleaned


class ArticleFilter(django_filters.FilterSet):
    """The filters of the listings. Besides the topics, other apps add
    facets in ``GAZETTE_LISTING_FACETS`` (``get_filters``); a page whose
    address fixes a facet declares it None (``TopicArticleFilter``)."""

    q = django_filters.CharFilter(
        label="Mots cherchés", max_length=200, method="filter_search"
    )
    topic = FacetFilter("topics", label="Thèmes")
    kind = django_filters.ChoiceFilter(
        label="Type", choices=Kind.choices, empty_label="Articles et brèves"
    )
    after = DayFilter(label="Depuis le", method="filter_after")
    before = DayFilter(label="Jusqu’au", method="filter_before")
    ordering = django_filters.ChoiceFilter(
        label="Ordre",
        choices=[
            ("recent", "Les plus récents d’abord"),
            ("ancien", "Les plus anciens d’abord"),
        ],
        method="filter_ordering",
    )

    class Meta:
        model = Article
        fields = []
        form = ArticleFilterForm

    @classmethod
    def get_filters(cls):
        """The declared filters, with the facets ``GAZETTE_LISTING_FACETS``
        names (name: (Article's relation, label)) after the declared ones."""
        filters = list(super().get_filters().items())
        added = [
            (name, FacetFilter(relation, label=label))
            for name, (relation, label) in settings.GAZETTE_LISTING_FACETS.items()
            if getattr(cls, name, "") is not None
        ]
        at = max(
            (i + 1 for i, (_, f) in enumerate(filters) if isinstance(f, FacetFilter)),
            default=len(filters),
        )
        return dict(filters[:at] + added + filters[at:])

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.read_in_use = {}
        for facet in self.facets().values():
            facet.load_choices(self.values_in_use(facet.field_name))
        self.filters["ordering"].extra["empty_label"] = (
            "Pertinence" if self.data.get("q") else "Les plus récents d’abord"
        )

    def facets(self):
        return {n: f for n, f in self.filters.items() if isinstance(f, FacetFilter)}

    def values_in_use(self, relation):
        """``in_use(relation)`` under the request's content version, read
        once for the filters and the page they narrow the listing to."""
        if relation not in self.read_in_use:
            version = getattr(self.request, "content_version", None)
            self.read_in_use[relation] = in_use(relation, version)
        return self.read_in_use[relation]

    def get_form_class(self):
        form_class = super().get_form_class()  # a class of its own
        form_class.facet_choices = {n: f.choices for n, f in self.facets().items()}
        return form_class

    def unknown_slugs(self):
        """Slugs asked for in a facet that name no object at all (a 404)."""
        unknown = set()
        for name, facet in self.facets().items():
            if self.is_bound and name in self.errors:
                slugs = self.data.getlist(name)[:MAX_FACET_VALUES]
                unknown |= facet.unknown_slugs(slugs)
        return unknown

    def narrowed_to(self, fixed=None):
        """(relation, slug) when the stories listed are exactly those of one
        facet value, whose number ``in_use()`` already holds: the value
        ``fixed`` by the page's address with no filter chosen, or else one
        value chosen in one facet and nothing more. None otherwise."""
        chosen = []
        if self.is_bound:
            if not self.form.is_valid():
                return None
            chosen = [
                (name, value)
                for name, value in self.form.cleaned_data.items()
                if value and name != "ordering"
            ]
        if fixed is not None:
            return None if chosen else fixed
        if len(chosen) != 1:
            return None
        name, value = chosen[0]
        facet = self.facets().get(name)
        if facet is None or len(value) != 1:
            return None
        return facet.field_name, value[0]

    @property
    def oldest_first(self):
        """Whether the reader asked for the oldest stories first."""
        return self.is_bound and self.form.is_valid() and (
            self.form.cleaned_data.get("ordering") == "ancien"
        )

    @property
    def terms(self):
        """The words searched for, folded, for highlighting."""
        if not self.is_bound or "q" in self.errors:
            return []
        return search_terms(self.form.cleaned_data.get("q") or "")

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_after(self, queryset, name, value):
        return queryset.filter(published_at__gte=day_start(value))

    def filter_before(self, queryset, name, value):
        return queryset.filter(published_at__lt=day_start(value + timedelta(days=1)))

    def filter_ordering(self, queryset, name, value):
        if value == "ancien":
            return queryset.order_by("published_at", "pk")
        return queryset.order_by("-published_at", "-pk")


class TopicArticleFilter(ArticleFilter):
    """The filters of a topic page: the topic is fixed by the address."""

    topic = None
