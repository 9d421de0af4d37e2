from django.core.management.base import BaseCommand

from articles.services import roles_sync


class Command(BaseCommand):
    help = (
        "Crée ou met à jour les groupes « Rédacteurs » et « Éditeurs » ; "
        "sans effet s’ils sont à jour."
    )

    def handle(self, *args, **options):
        for name, group in roles_sync().items():
            self.stdout.write(f"{name} : {group.permissions.count()} permissions.")
