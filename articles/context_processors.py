from django.conf import settings

from .models import Article, Topic


def site(request):
    """Site name and address, the navigation's topics (lazy: queried only if shown)."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "nav_topics": Topic.objects.filter(articles__in=Article.objects.published())
        .distinct()
        .order_by("name"),
    }
