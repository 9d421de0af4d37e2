from django.core.management.base import BaseCommand

from articles.services import seed_load


class Command(BaseCommand):
    help = "Charge le contenu de départ (article, brèves, thèmes) ; sans effet s’il est déjà là."

    def handle(self, *args, **options):
        article = seed_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Contenu de départ chargé : « {article.title} » et "
                f"{article.related.count()} brèves."
            )
        )
