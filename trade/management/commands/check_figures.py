from django.core.management.base import BaseCommand, CommandError

from trade.checks import open_inconsistencies


class Command(BaseCommand):
    help = (
        "Liste les incohérences des chiffres qu’aucun éditeur n’a reconnues ; "
        "échoue s’il en reste."
    )

    def handle(self, *args, **options):
        found = open_inconsistencies()
        for inconsistency in found:
            self.stdout.write(str(inconsistency))
        if found:
            raise CommandError(
                f"{len(found)} incohérence(s) ouverte(s). Corrigez le chiffre ou "
                "reconnaissez-la avec une note publique (admin, « Incohérences "
                "reconnues », avec la clé entre crochets)."
            )
        self.stdout.write(self.style.SUCCESS("Aucune incohérence ouverte."))
