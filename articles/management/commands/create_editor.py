import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.services import EDITORS, WRITERS, staff_member_create


class Command(BaseCommand):
    help = (
        "Crée en une fois un compte d’éditeur (ou de rédacteur avec --writer) "
        "qui peut se connecter à l’administration."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="Identifiant de connexion.")
        parser.add_argument("--email", default="", help="Adresse électronique.")
        parser.add_argument(
            "--writer", action="store_true", help="Rédacteur plutôt qu’éditeur."
        )
        parser.add_argument(
            "--password",
            help="Mot de passe (sinon demandé deux fois, sans écho).",
        )

    def handle(self, *args, username, email, writer, password, **options):
        if password is None:
            password = getpass.getpass("Mot de passe : ")
            if password != getpass.getpass("Mot de passe (encore) : "):
                raise CommandError("Les deux mots de passe diffèrent.")
        role = WRITERS if writer else EDITORS
        try:
            user = staff_member_create(
                username=username, password=password, email=email, role=role
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Compte « {user.username} » créé ({role}).")
        )
