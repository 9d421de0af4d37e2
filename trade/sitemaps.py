from django.contrib.sitemaps import Sitemap

from .views import published_pairs


class PairSitemap(Sitemap):
    """The country-pair pages that have published figures."""

    changefreq = "monthly"

    def items(self):
        return published_pairs()
