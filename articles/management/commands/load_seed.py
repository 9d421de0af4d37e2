from django.core.management.base import BaseCommand

from articles.services import seed_load


class Command(BaseCommand):
    help = (
        "Crée ce qui manque du contenu de départ (article, brèves, thèmes) ; "
        "ne modifie jamais ce qui est déjà là."
    )

    def handle(self, *args, **options):
        loaded = seed_load()
        if loaded.created or loaded.topics:
            message = (
                f"Contenu de départ : {len(loaded.created)} article(s) et "
                f"{loaded.topics} thème(s) créés ; rien d’existant n’a été modifié."
            )
        else:
            message = "Contenu de départ déjà là : rien à créer, rien n’a été modifié."
        self.stdout.write(self.style.SUCCESS(message))
