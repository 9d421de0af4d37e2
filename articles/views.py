from datetime import timedelta
from html import unescape
from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from django.views.generic import DetailView, ListView, TemplateView

import frontcache

from .conditional import conditional_response, page_validators
from .filters import ArticleFilter, TopicArticleFilter, filter_query, in_use
from .models import Article, Correction, FacetEntry, Topic
from .search import SearchPaginator, excerpt, fold, mentions
from .seo import site_root, story_metadata

CARD_FIELDS = ("title", "slug", "kind", "standfirst", "published_at", "dateline")
# What a story page never shows: the Markdown source and the search copies
# (the folded text and its tsvector are as long as the story).
UNSHOWN_FIELDS = ("body", "search_title", "search_text", "search_document")
PREVIEW_SALT = "articles.preview"
PREVIEW_MAX_AGE = timedelta(hours=48)


def has_public_correction():
    """Annotation: the story carries a public correction (no query per row)."""
    return Exists(Correction.objects.filter(article=OuterRef("pk"), public=True))


def first_topic_name():
    """Annotation: the name of a story's first topic by name, the kicker of
    its card (no query for the topics, nor a Topic built per story)."""
    topics = Topic.objects.filter(articles=OuterRef("pk")).order_by("name")
    return Subquery(topics.values("name")[:1])


def cards(queryset):
    """Stories as cards (articles/includes/card.html): only the columns a card
    shows, with its kicker and whether it carries a public correction."""
    return queryset.only(*CARD_FIELDS).annotate(
        is_corrected=has_public_correction(), kicker=first_topic_name()
    )


def related_stories(story):
    """A story's published related stories as cards, full articles and
    briefs apart (one query)."""
    related = list(cards(story.related.published()).order_by("-published_at"))
    return {
        "articles": [r for r in related if not r.is_brief],
        "briefs": [r for r in related if r.is_brief],
    }


CARD_TEMPLATE = "articles/includes/card.html"


def listing_cards(request, stories, terms):
    """The cards of a listing's page as HTML. Without search terms, the page
    holds ids (``StoryIds``) and each card is kept under the content version
    as ``card:<id>``, for every listing it shows on; only the missing ones
    are built, from their rows alone (``cards()``)."""

    def build(stories):
        return {
            f"card:{story.pk}": render_to_string(
                CARD_TEMPLATE, {"story": story, "search_terms": terms}
            )
            for story in stories
        }

    if terms:
        return list(build(stories).values())
    version = request.content_version
    names = {f"card:{pk}": pk for pk in stories.ids}
    found = cache.get_many(names, version=version)
    missing = [pk for name, pk in names.items() if name not in found]
    if missing:
        built = build(stories.rows(missing))
        cache.set_many(built, settings.GAZETTE_KEPT_SECONDS, version=version)
        found.update(built)
    # A story unpublished since its id was read has no row, and no card.
    return [found[name] for name in names if name in found]


def preview_url(article):
    """A link that shows the story as readers will see it, for PREVIEW_MAX_AGE,
    until its preview nonce changes (unpublished, or links revoked)."""
    token = signing.dumps([article.pk, article.preview_nonce], salt=PREVIEW_SALT)
    return reverse("articles:preview", kwargs={"token": token})


@method_decorator(frontcache.tagged("home", "nav"), name="dispatch")
class HomeView(TemplateView):
    """The front page: the latest story as the lead, the next articles, the
    latest briefs. Read (``front_page``) only when the template's fragment is
    not kept under the content version."""

    template_name = "articles/home.html"
    latest_count = 6
    briefs_count = 8

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = SimpleLazyObject(self.front_page)
        return context

    def front_page(self):
        published = Article.objects.published()
        articles = list(cards(published.articles())[: self.latest_count + 1])
        return {
            "lead": articles[0] if articles else None,
            "latest_articles": articles[1:],
            "latest_briefs": list(cards(published.briefs())[: self.briefs_count]),
        }


class ArticleDetailView(DetailView):
    """A story page; staff who may edit stories also see drafts, never cached.

    For readers, the published story at an address is read once per content
    version and kept (``story:<site>:<slug>``) with its topics and sharing
    metadata; the page's body is a fragment kept under the same version
    (``articles/article_detail.html``), so a page asked again reads nothing
    from the database.
    """

    model = Article
    context_object_name = "story"

    def can_preview(self):
        return self.request.user.has_perm("articles.change_article")

    def visible(self):
        if self.can_preview():
            return Article.objects.all()
        return Article.objects.published()

    def get_queryset(self):
        queryset = self.visible().defer(*UNSHOWN_FIELDS)
        return queryset.annotate(is_corrected=has_public_correction())

    def get_object(self, queryset=None):
        fetch = super().get_object
        if self.can_preview():
            return self.read(fetch(queryset))
        # The site's address is in the key: the metadata's links name it.
        # No story there (Http404) keeps nothing.
        return cache.get_or_set(
            f"story:{site_root(self.request)}:{self.kwargs['slug']}",
            lambda: self.read(fetch(queryset)),
            settings.GAZETTE_KEPT_SECONDS,
            version=self.request.content_version,
        )

    def read(self, story):
        """``story`` with what its page shows besides its row: its topics
        (``topic_list``) and its sharing metadata (``metadata``)."""
        story.topic_list = list(story.topics.all())
        story.metadata = story_metadata(self.request, story, story.topic_list)
        return story

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            # A published story whose slug changed keeps its old address alive.
            slug = kwargs["slug"]
            moved = self.visible().filter(slug_redirects__old_slug=slug).first()
            if moved is None:
                raise
            return redirect(moved, permanent=True)

        def respond():
            return self.render_to_response(self.get_context_data(object=self.object))

        if not self.object.is_published():
            return respond()
        # The page also shows related briefs, figures and the topics in the
        # navigation: any change to the content may change it.
        return conditional_response(request, page_validators(request), respond)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        story = self.object
        context["topics"] = story.topic_list
        context["metadata"] = story.metadata
        # Called by the template only when its fragment is not kept ({% cache %}).
        context["public_corrections"] = lambda: (
            list(story.corrections.filter(public=True)) if story.is_corrected else []
        )
        context["related_stories"] = lambda: related_stories(story)
        context["is_preview"] = not story.is_published()
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        topics = map(frontcache.key_for, context["topics"])
        story = f"story:{self.object.pk}"
        return frontcache.keys(self.request, response, story, *topics, "nav")


class ArticlePreviewView(ArticleDetailView):
    """The story page reached through a signed, expiring link: no account needed."""

    def get_object(self, queryset=None):
        try:
            pk, nonce = signing.loads(
                self.kwargs["token"], salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE
            )
        except (signing.BadSignature, TypeError, ValueError):
            # Also a link signed before links carried a nonce (a bare id).
            raise Http404("Lien de prévisualisation invalide, expiré ou révoqué.")
        # A revoked link names a nonce the story no longer has.
        return self.read(get_object_or_404(self.get_queryset(), pk=pk, preview_nonce=nonce))

    def get(self, request, *args, **kwargs):
        # A token is no slug: there is no former address to redirect from.
        return DetailView.get(self, request, *args, **kwargs)

    def visible(self):
        return Article.objects.all()

    def render_to_response(self, context, **response_kwargs):
        # Not the story page's: a preview names no key for the proxy.
        response = DetailView.render_to_response(self, context, **response_kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


def page_links(request, page):
    """The pagination's links, each to this address with another page number:
    ``page_links`` (kind, number, address) with kind "current", "gap" or
    "link", and ``previous_url``, ``next_url`` (None at either end)."""
    query = request.GET.copy()

    def address(number):
        query["page"] = number
        return f"?{query.urlencode()}"

    links = []
    paginator = page.paginator
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == page.number:
            links.append(("current", number, None))
        elif number == paginator.ELLIPSIS:
            links.append(("gap", number, None))
        else:
            links.append(("link", number, address(number)))
    return {
        "page_links": links,
        "previous_url": address(page.previous_page_number()) if page.has_previous() else None,
        "next_url": address(page.next_page_number()) if page.has_next() else None,
    }


def without_empty_values(query):
    """``query`` re-encoded without its empty parameters, or None if it has none."""
    pairs = [(key, value) for key, values in query.lists() for value in values]
    kept = [(key, value) for key, value in pairs if value.strip()]
    return None if len(kept) == len(pairs) else urlencode(kept)


def by_slug_or_404(model, slug):
    """The object of ``model`` (a topic, a country) that an address names
    by its slug; 404 if none."""
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise Http404("Rien n’est publié à cette adresse.")
    return found


class ArticleListView(ListView):
    """Published stories, filtered by the reader: facets, kind, dates, words."""

    template_name = "articles/article_list.html"
    context_object_name = "stories"
    paginate_by = 20
    paginator_class = SearchPaginator
    filterset_class = ArticleFilter

    def get(self, request, *args, **kwargs):
        # One bookmarkable address per result: an empty form field (GET forms
        # send every field) is dropped by a redirect rather than kept in links.
        cleaned = without_empty_values(request.GET)
        if cleaned is not None:
            return redirect(f"{request.path}?{cleaned}" if cleaned else request.path)
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return Article.objects.published()

    def page_facet(self):
        """(relation, slug) of the facet value the address narrows the page
        to (a topic page's topic), or None."""
        return None

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, shown=self.shown, **kwargs)
        if self.narrowed is not None:
            # The facets' counts are exact (kept per content version): no
            # COUNT; the ids of a page come from the value's own index.
            relation, slug = self.narrowed
            items = self.filterset.values_in_use(relation)
            item = next((item for item in items if item.slug == slug), None)
            if item is None:  # no published story under it
                paginator.count, paginator.ids = 0, []
            else:
                paginator.count = item.story_count
                paginator.ids = FacetEntry.objects.listing(
                    relation, item.pk, self.filterset.oldest_first
                )
        return paginator

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None,
            queryset=self.get_base_queryset(),
            request=self.request,
        )
        if self.filterset.unknown_slugs():
            raise Http404("Un des choix ne nomme rien qui existe.")
        self.narrowed = self.filterset.narrowed_to(self.page_facet())
        if self.narrowed is not None:
            # The page's ids come from the index of the one facet value
            # (``get_paginator``): its rows are read by id among the
            # published stories, with no filter to build.
            return Article.objects.published()
        return self.filterset.qs

    def shown(self, stories):
        """What a page reads of its stories, once it knows which (the
        paginator's ``shown``): cards, and bodies for search excerpts."""
        stories = cards(stories)
        if self.filterset.terms:
            stories = stories.only(*CARD_FIELDS, "body_html")
        return stories

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filterset=self.filterset, **kwargs)
        context.update(page_links(self.request, context["page_obj"]))
        context["search_terms"] = terms = self.filterset.terms
        for story in context["stories"] if terms else []:
            # A story found by its body shows the passage that matched.
            if not mentions(f"{story.title} {story.standfirst}", terms):
                body = unescape(strip_tags(story.body_html))
                story.search_excerpt = excerpt(" ".join(body.split()), terms)
        context["cards"] = listing_cards(self.request, context["stories"], terms)
        # Filtered views repeat the pages search engines already reach.
        context["is_filtered"] = any(key != "page" for key in self.request.GET)
        # The feeds of exactly this selection: the same filters, as a query.
        query = filter_query(self.request)
        context["feed_urls"] = [
            (fmt, f"{url}?{query}" if query else url)
            for fmt, url in zip(("RSS", "Atom"), self.feed_urls())
        ]
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return frontcache.keys(self.request, response, *self.cache_keys(), "nav")

    def cache_keys(self):
        """The surrogate keys of what the page lists (``frontcache``)."""
        return ["listing"]

    def feed_urls(self):
        """The RSS and Atom addresses of this listing's feed, before filters."""
        return reverse("articles:list_feed_rss"), reverse("articles:list_feed_atom")


class TopicDetailView(ArticleListView):
    """The listing narrowed to one topic, under its name and description."""

    template_name = "articles/topic_detail.html"
    filterset_class = TopicArticleFilter

    def get_base_queryset(self):
        self.topic = by_slug_or_404(Topic, self.kwargs["slug"])
        return super().get_base_queryset().filter(topics=self.topic)

    def page_facet(self):
        return "topics", self.topic.slug

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)

    def cache_keys(self):
        return [frontcache.key_for(self.topic)]

    def feed_urls(self):
        slug = self.topic.slug
        return (
            reverse("articles:topic_feed_rss", args=[slug]),
            reverse("articles:topic_feed_atom", args=[slug]),
        )


def initial(name):
    """The index letter of a name: « É » files under E, a digit under « 0-9 »."""
    letter = fold(name)[:1].upper()
    return letter if "A" <= letter <= "Z" else "0-9" if letter.isdigit() else "#"


@method_decorator(frontcache.tagged("listing", "nav"), name="dispatch")
class TopicIndexView(TemplateView):
    """« L’info de A à Z »: the topics with published stories, by initial."""

    template_name = "articles/topic_index.html"

    def get_context_data(self, **kwargs):
        in_use_topics = in_use("topics", self.request.content_version)
        topics = sorted(in_use_topics, key=lambda topic: initial(topic.name))
        by_letter = groupby(topics, key=lambda topic: initial(topic.name))
        letters = [(letter, list(group)) for letter, group in by_letter]
        return super().get_context_data(letters=letters, **kwargs)
