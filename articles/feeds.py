"""RSS 2.0 and Atom 1.0 feeds of published stories.

Every feed is a ``StoryFeed``: its items come from ``stories(obj)``, a
queryset of published stories, so a feed for any set of stories (a topic, a
country, a filtered listing) only says which set, its title and its page.
Each feed class serves both formats: the URLconf instantiates it with the
generator (``TopicFeed(RSS)``, ``TopicFeed(ATOM)``).
"""

import copy
from dataclasses import dataclass
from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest, ObjectDoesNotExist
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape

import frontcache
from .conditional import conditional_response, feed_validators
from .filters import ArticleFilter, TopicArticleFilter, day_start, filter_query
from .markdown_fr import french_typography
from .models import Article, FacetEntry, Kind, Topic
from .rendering import sanitize_html
from .seo import absolute_url, paris_time, site_root, story_picture
from .templatetags.gazette import french_date
from .text import xml_safe

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DCTERMS_NS = "http://purl.org/dc/terms/"


class RssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the full body (content:encoded) and the last edit (dcterms)."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:dcterms": DCTERMS_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])
        handler.addQuickElement(
            "dcterms:modified", feedgenerator.rfc3339_date(item["updateddate"])
        )


class AtomFeed(feedgenerator.Atom1Feed):
    """Atom 1.0 with the full body as HTML content."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


RSS = RssFeed
ATOM = AtomFeed


# What no feed shows: the Markdown source and the search copies.
UNREAD_FIELDS = (
    "body",
    "search_title",
    "search_text",
    "search_document",
    "search_title_document",
)


class StoryFeed(Feed):
    """Published stories, newest first; subclasses say which ones."""

    limit = 30
    language = "fr"

    def __init__(self, feed_type=RSS):
        self.feed_type = feed_type

    def __call__(self, request, *args, **kwargs):
        # The URLconf holds one instance for every request: each request gets
        # a copy that knows it, for the item methods to write the site's
        # address (articles.seo), which Django calls without the request.
        feed = copy.copy(self)
        feed.request = request
        return feed.respond(request, *args, **kwargs)

    def respond(self, request, *args, **kwargs):
        try:
            obj = self.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist:
            raise Http404("Ce flux n’existe pas.")

        def respond():
            feed = self.get_feed(obj, request)
            # One string, not thousands of small writes to the response.
            return HttpResponse(
                feed.writeString("utf-8"), content_type=feed.content_type
            )

        validators = feed_validators(self.newest(obj), self.limit)
        response = conditional_response(request, validators, respond)
        return frontcache.keys(request, response, *self.cache_keys(obj))

    def cache_keys(self, obj):
        """The surrogate keys of what the feed shows (``frontcache``): a
        topic's or a country's feed, only its subject's stories."""
        subject = getattr(obj, "subject", None)
        return ["feed"] if subject is None else [frontcache.key_for(subject)]

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # The self link and the Atom id name the public address, and a feed's
        # id must differ from its siblings' (they share the page they link to).
        self_url = absolute_url(request, request.get_full_path())
        feed.feed["feed_url"] = self_url
        feed.feed["id"] = self_url
        feed.feed["title"] = french_typography(feed.feed["title"])
        # Saving strips what XML cannot carry (articles.text), but rows written
        # around save() (older rows, update(), bulk_create()) may still hold
        # it, and one such character would fail the whole feed.
        for values in (feed.feed, *feed.items):
            values.update({name: xml_safe(value) for name, value in values.items()})
        return feed

    def stories(self, obj):
        """The published stories this feed follows (override in subclasses)."""
        return Article.objects.published()

    def newest(self, obj):
        return self.stories(obj).order_by("-published_at", "-pk")

    def items(self, obj):
        # The Markdown source and the search copies are as long as the story.
        newest = self.newest(obj).defer(*UNREAD_FIELDS)
        return newest.prefetch_related("topics")[: self.limit]

    def link(self, obj):
        return absolute_url(self.request, reverse("articles:home"))

    def description(self, obj):
        return f"Les derniers articles et brèves publiés par {settings.SITE_NAME}."

    def subtitle(self, obj):
        # Atom's counterpart of the RSS channel description.
        return self.description(obj)

    def item_title(self, item):
        # Titles are text (RSS 2.0, Atom type="text"): the XML writer escapes
        # them once; Django's default escapes twice and "&" would show "&amp;".
        return item.title

    def item_link(self, item):
        return absolute_url(self.request, item.get_absolute_url())

    def item_description(self, item):
        # The standfirst is plain text; summaries are read as HTML.
        return escape(item.standfirst) if item.standfirst else None

    def item_guid(self, item):
        """A tag: URI from the row's identity and creation day: a new slug keeps it."""
        host = urlsplit(site_root(self.request)).hostname
        created = item.created_at.astimezone(UTC)
        return f"tag:{host},{created:%Y-%m-%d}:article:{item.pk}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return paris_time(item.published_at)

    def item_updateddate(self, item):
        return paris_time(item.modified_at)

    def item_author_name(self, item):
        return item.credit or settings.SITE_NAME

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]

    def item_enclosures(self, item):
        picture = story_picture(self.request, item)
        if picture is None:
            return []
        return [
            feedgenerator.Enclosure(picture.url, str(picture.length), picture.mime_type)
        ]

    def item_extra_kwargs(self, item):
        base = absolute_url(self.request, item.get_absolute_url())
        return {"content": sanitize_html(item.body_html, base_url=base)}


class LatestStoriesFeed(StoryFeed):
    title = f"{settings.SITE_NAME} : tous les articles et brèves"


class LatestArticlesFeed(StoryFeed):
    title = f"{settings.SITE_NAME} : articles"

    def description(self, obj):
        return f"Les derniers articles publiés par {settings.SITE_NAME}."

    def stories(self, obj):
        return Article.objects.published().articles()


class LatestBriefsFeed(StoryFeed):
    title = f"{settings.SITE_NAME} : brèves"

    def description(self, obj):
        return f"Les dernières brèves publiées par {settings.SITE_NAME}."

    def stories(self, obj):
        return Article.objects.published().briefs()


class ListingFeed(StoryFeed):
    """A filtered listing as a feed: the listing's FilterSet on the same query.

    ``/articles/rss/?topic=chine&kind=brief`` follows exactly the stories that
    ``/articles/?topic=chine&kind=brief`` lists. Subclasses narrow the listing
    to a subject (a topic, a country) named by the address.
    """

    filterset_class = ArticleFilter
    list_url_name = "articles:list"
    facet = None  # Article's relation whose value is the subject: "topics"

    def get_object(self, request, **kwargs):
        subject = self.get_subject(**kwargs)
        stories = self.subject_stories(subject)
        query = filter_query(request)
        if not query:
            # No filter: no FilterSet, whose choices cost a query each.
            newest = self.subject_newest(subject)
            stories = stories if newest is None else newest
            return Selection(subject=subject, stories=stories, label="", query="")
        filterset = self.filterset_class(request.GET, queryset=stories, request=request)
        if filterset.unknown_slugs():
            raise Http404("Un des choix ne nomme rien qui existe.")
        if not filterset.is_valid():
            raise BadRequest(f"Filtres invalides : {selection_errors(filterset)}")
        return Selection(
            subject=subject,
            stories=filterset.qs,
            label=selection_label(filterset),
            query=query,
        )

    def get_subject(self, **kwargs):
        return None

    def subject_newest(self, subject):
        """Without filters, the subject's newest stories, as many as the feed
        shows: their ids from the listings' index when the subject is a
        facet value (``facet``), as its page reads them, since the date
        index with the link table walks past the other values' stories."""
        if self.facet is None:
            return None
        newest = FacetEntry.objects.listing(self.facet, subject.pk)[: self.limit]
        return Article.objects.published().filter(pk__in=newest)

    def subject_stories(self, subject):
        return Article.objects.published()

    def stories(self, obj):
        return obj.stories

    def subject_title(self, subject):
        return "tous les articles et brèves"

    def title(self, obj):
        name = self.subject_title(obj.subject)
        return f"{settings.SITE_NAME} : {name}{f' — {obj.label}' if obj.label else ''}"

    def description(self, obj):
        return f"{self.title(obj)} : les derniers articles publiés correspondants."

    def subject_link(self, subject):
        return reverse(self.list_url_name)

    def link(self, obj):
        url = self.subject_link(obj.subject)
        return absolute_url(self.request, f"{url}?{obj.query}" if obj.query else url)


class TopicFeed(ListingFeed):
    filterset_class = TopicArticleFilter
    facet = "topics"

    def get_subject(self, slug):
        return get_object_or_404(Topic, slug=slug)

    def subject_stories(self, subject):
        return Article.objects.published().filter(topics=subject)

    def subject_title(self, subject):
        return subject.name

    def description(self, obj):
        if obj.query:
            return super().description(obj)
        topic = obj.subject
        return topic.description or f"Les derniers articles sur le thème {topic.name}."

    def subject_link(self, subject):
        return subject.get_absolute_url()


@dataclass(frozen=True)
class Selection:
    """What a listing feed follows: its subject, its stories, its filters (in
    words and as a query string)."""

    subject: object
    stories: models.QuerySet
    label: str
    query: str


def selection_errors(filterset):
    return " ; ".join(
        f"{filterset.form.fields[name].label} : {' '.join(errors)}"
        if name in filterset.form.fields
        else " ".join(errors)
        for name, errors in filterset.errors.items()
    )


def selection_label(filterset):
    """The active filters in words: « brèves, « échanges », depuis le 1er août 2025 »."""
    data = filterset.form.cleaned_data
    parts = []
    for name, facet in filterset.facets().items():
        parts.extend(facet.names[slug] for slug in data.get(name) or ())
    if data.get("kind"):
        parts.append(dict(Kind.choices)[data["kind"]].lower() + "s")
    if data.get("q"):
        parts.append(f"« {data['q']} »")
    if data.get("after"):
        parts.append(f"depuis le {french_date(day_start(data['after']), with_time=False)}")
    if data.get("before"):
        parts.append(f"jusqu’au {french_date(day_start(data['before']), with_time=False)}")
    return ", ".join(parts)
