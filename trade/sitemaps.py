from articles.seo import paris_time
from articles.sitemaps import GazetteSitemap

from .views import published_pairs


class PairSitemap(GazetteSitemap):
    """The country-pair pages that have published figures."""

    changefreq = "monthly"

    def items(self):
        return published_pairs()

    def lastmod(self, pair):
        return paris_time(pair.modified_at)
