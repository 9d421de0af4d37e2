from django.core.management.base import BaseCommand

import frontcache
from articles import facets
from articles.models import Article
from pagecache import content_refresh


class Command(BaseCommand):
    help = (
        "Réécrit l’index des listes (FacetEntry) d’après les articles publiés "
        "et leurs liens aux thèmes et aux pays, après des écritures qui "
        "n’envoient pas de signal (bulk_create, update()) ; relancée, elle "
        "écrit le même index."
    )

    def handle(self, *args, **options):
        written = facets.rebuild()
        # Listings, topic and country pages and their feeds read the index:
        # what Django and the HTTP cache in front keep of them goes stale.
        content_refresh()
        keys = ["listing", "feed"]
        for relation in facets.relations():
            model = Article._meta.get_field(relation).related_model
            keys += [frontcache.key_for(value) for value in model.objects.only("slug")]
        frontcache.purge(keys)
        self.stdout.write(
            self.style.SUCCESS(f"Index des listes réécrit : {written} entrée(s).")
        )
