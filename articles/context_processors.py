from django.conf import settings
from django.db.models import Exists, OuterRef

from .models import Article, Topic


def site(request):
    """Site name and address, the navigation's topics (lazy: queried only if shown)."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        # EXISTS stops at a topic's first published story; a join over every
        # published story took 0.15 s with 100,000 of them.
        "nav_topics": Topic.objects.filter(
            Exists(Article.objects.published().filter(topics=OuterRef("pk")))
        ).order_by("name"),
    }
