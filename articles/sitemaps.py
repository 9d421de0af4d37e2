"""Sitemaps of published stories and topics, and the Google News sitemap."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.utils import timezone

from .models import Article, Topic
from .seo import paris_time

NEWS_WINDOW = timedelta(hours=48)


def latest_change(*dates):
    """The newest of the dates given, in Paris time, or None."""
    dates = [d for d in dates if d is not None]
    return paris_time(max(dates)) if dates else None


class GazetteSitemap(Sitemap):
    """Locations on the site's own address: ``root``, the request's
    ``articles.seo.site_root()``, which the sitemap views pass."""

    def __init__(self, root=""):
        self.root = urlsplit(root)

    def get_protocol(self, protocol=None):
        return self.root.scheme

    def get_domain(self, site=None):
        return self.root.netloc


class StorySitemap(GazetteSitemap):
    fields = ("slug", "published_at", "updated_at")

    def items(self):
        return (
            Article.objects.published()
            .only(*self.fields)
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return paris_time(item.modified_at)

    def get_latest_lastmod(self):
        facts = self.items().aggregate(
            edited=Max("updated_at"), latest=Max("published_at")
        )
        return latest_change(facts["edited"], facts["latest"])


class TopicSitemap(GazetteSitemap):
    """Topics that have published stories, dated by their latest story."""

    def items(self):
        in_published = Q(articles__in=Article.objects.published())
        return (
            Topic.objects.annotate(
                edited=Max("articles__updated_at", filter=in_published),
                latest=Max("articles__published_at", filter=in_published),
            )
            .filter(latest__isnull=False)
            .order_by("name")
        )

    def lastmod(self, item):
        return latest_change(item.edited, item.latest)


class NewsSitemap(StorySitemap):
    """Stories published in the last 48 hours, for Google News."""

    limit = 1000
    fields = (*StorySitemap.fields, "title")

    def items(self):
        return super().items().filter(published_at__gte=timezone.now() - NEWS_WINDOW)
