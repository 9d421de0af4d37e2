from django.conf import settings

from .models import Article, Topic


def site(request):
    """Site name and the navigation's topics (lazy: queried only if a page shows them)."""
    return {
        "site_name": settings.SITE_NAME,
        "nav_topics": Topic.objects.filter(articles__in=Article.objects.published())
        .distinct()
        .order_by("name"),
    }
