from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gazette.backups import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Écrit une copie cohérente de la base, site en marche, dans un fichier "
        "daté (UTC) du dossier des sauvegardes (DJANGO_BACKUP_DIR, backups/ par "
        "défaut), avec une archive des fichiers média s’il y en a."
    )

    def handle(self, *args, **options):
        try:
            paths = backup_write(directory=settings.GAZETTE_BACKUP_DIR)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for path in paths:
            self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {path}"))
