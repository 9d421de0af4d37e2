from django.core.management.base import BaseCommand, CommandError

from gazette.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Charge une sauvegarde écrite par « manage.py backup » (et ses fichiers "
        "média) dans une base vide ; refuse une base qui a du contenu, sauf avec "
        "--force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier de sauvegarde (.sqlite3 ou .pgdump).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Remplace le contenu d’une base qui n’est pas vide.",
        )

    def handle(self, *args, path, force, **options):
        try:
            notes = backup_restore(path=path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde restaurée : {path}"))
        for note in notes:
            self.stderr.write(self.style.WARNING(note))
