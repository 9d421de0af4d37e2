from django.conf import settings
from django.db.models import Exists, OuterRef

from .models import Article, Topic


def site(request):
    """Site name and address, the navigation's topics (lazy: queried only if shown)."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        # EXISTS per topic stops at its first published story, where a join
        # with DISTINCT would read every story of the archive.
        "nav_topics": Topic.objects.filter(
            Exists(Article.objects.published().filter(topics=OuterRef("pk")))
        ).order_by("name"),
    }
