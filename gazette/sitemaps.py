"""The sitemap index: one section per kind of public page, dated by its newest."""

from django.contrib.sitemaps.views import x_robots_tag
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.seo import absolute_url
from articles.sitemaps import StorySitemap, TopicSitemap
from trade.sitemaps import PairSitemap

SITEMAPS = {
    "articles": StorySitemap,
    "themes": TopicSitemap,
    "chiffres": PairSitemap,
}


@x_robots_tag
def index(request):
    """Like Django's index view, but naming SITE_URL rather than the request's host."""
    sections = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        url = absolute_url(reverse("sitemap_section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        sections.append({"location": url, "lastmod": lastmod})
        for page in range(2, sitemap.paginator.num_pages + 1):
            sections.append({"location": f"{url}?p={page}", "lastmod": lastmod})
    return TemplateResponse(
        request,
        "sitemaps/index.xml",
        {"sitemaps": sections},
        content_type="application/xml",
    )
