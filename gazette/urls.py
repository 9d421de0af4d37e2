from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from . import sitemaps, views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path(
        "sitemap-actualites.xml",
        sitemaps.sitemap,
        {"sitemaps": sitemaps.NEWS, "template_name": "sitemaps/news.xml"},
        name="sitemap_news",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": sitemaps.SITEMAPS, "template_name": "sitemaps/urlset.xml"},
        name="sitemap_section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(
            template_name="robots.txt", content_type="text/plain; charset=utf-8"
        ),
        name="robots",
    ),
    path("", include("trade.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("", include("articles.urls")),
]
