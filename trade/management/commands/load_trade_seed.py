from django.core.management.base import BaseCommand, CommandError

from trade.services import SeedError, trade_seed_load


class Command(BaseCommand):
    help = (
        "Crée ce qui manque des chiffres sourcés du commerce Kazakhstan–Chine ; "
        "ne modifie jamais ce qui est déjà là."
    )

    def handle(self, *args, **options):
        try:
            created = trade_seed_load()
        except SeedError as error:
            raise CommandError(str(error)) from error
        if any(created.values()):
            message = (
                f"Chiffres créés : {created['figures']} chiffres, "
                f"{created['sources']} sources, {created['targets']} objectif(s), "
                f"{created['countries']} pays, {created['acknowledgements']} "
                "incohérence(s) reconnue(s)."
            )
        else:
            message = "Chiffres déjà là : rien à créer, rien n’a été modifié."
        self.stdout.write(self.style.SUCCESS(message))
