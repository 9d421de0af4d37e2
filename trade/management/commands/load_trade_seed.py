from django.core.management.base import BaseCommand, CommandError

from trade.services import SeedError, trade_seed_load


class Command(BaseCommand):
    help = (
        "Charge les chiffres sourcés du commerce Kazakhstan–Chine ; "
        "sans effet s’ils sont déjà là."
    )

    def handle(self, *args, **options):
        try:
            counts = trade_seed_load()
        except SeedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Chiffres chargés : {counts['figures']} chiffres, {counts['sources']} "
                f"sources, {counts['targets']} objectif(s)."
            )
        )
