"""What every page shows of trade: the footer's links to the country pages."""

from django.db.models import Exists, OuterRef
from django.utils.html import format_html_join

from articles.models import Article
from pagecache import versioned

from .models import Country

# Its name among the values kept per content version; settings list it in
# GAZETTE_SITE_VALUES, so that pages read it with the navigation's.
NAV_COUNTRIES = "nav_countries"


def nav_countries():
    """The links to every country page with a published story, by name."""
    countries = Country.objects.filter(
        Exists(Article.objects.published().filter(countries=OuterRef("pk")))
    ).order_by("name")
    return format_html_join(
        " · ",
        '<a href="{}">{}</a>',
        ((country.get_absolute_url(), country.name) for country in countries),
    )


def countries(request):
    """The footer's country links, kept as HTML until the content changes
    (``versioned``); a callable, so that pages without the footer never ask
    for them."""
    return {"nav_country_links": lambda: versioned(NAV_COUNTRIES, nav_countries)}
