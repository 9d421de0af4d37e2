"""The sitemap index: one section per kind of public page, dated by its newest."""

from django.contrib.sitemaps import views
from django.template.response import TemplateResponse
from django.urls import reverse

import frontcache
from articles.seo import absolute_url, site_root
from articles.sitemaps import NewsSitemap, StorySitemap, TopicSitemap
from trade.sitemaps import PairSitemap

SITEMAPS = {
    "articles": StorySitemap,
    "themes": TopicSitemap,
    "chiffres": PairSitemap,
}


NEWS = {"actualites": NewsSitemap}


@frontcache.tagged("sitemap")
def sitemap(request, sitemaps, **kwargs):
    """Django's sitemap view, on the site's own address (``site_root``)."""
    root = site_root(request)
    return views.sitemap(
        request, {name: cls(root) for name, cls in sitemaps.items()}, **kwargs
    )


@frontcache.tagged("sitemap")
@views.x_robots_tag
def index(request):
    """Like Django's index view, on the site's own address (``site_root``)."""
    sections = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class(site_root(request))
        url = absolute_url(request, reverse("sitemap_section", kwargs={"section": section}))
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
