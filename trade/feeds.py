"""The feeds of a country's stories (RSS and Atom), filterable like its page."""

from django.shortcuts import get_object_or_404

from articles.feeds import ListingFeed
from articles.models import Article

from .models import Country
from .views import CountryArticleFilter


class CountryFeed(ListingFeed):
    filterset_class = CountryArticleFilter
    facet = "countries"

    def get_subject(self, slug):
        return get_object_or_404(Country, slug=slug)

    def subject_stories(self, subject):
        return Article.objects.published().filter(countries=subject)

    def subject_title(self, subject):
        return subject.name

    def description(self, obj):
        if obj.query:
            return super().description(obj)
        return f"Les derniers articles et brèves sur le pays\u202f: {obj.subject.name}."

    def subject_link(self, subject):
        return subject.get_absolute_url()
