from django.core.management.base import BaseCommand, CommandError

from articles.models import Kind, Status
from articles.services import ImportConflict, story_import
from articles.wire import WireError, read_wire_file


class Command(BaseCommand):
    help = (
        "Importe une dépêche (texte au format du fil) comme article ou brève ; "
        "relancé sur la même dépêche, il met à jour le même article."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier texte de la dépêche (UTF-8).")
        parser.add_argument("--title", help="Titre à utiliser à la place de celui de la dépêche.")
        parser.add_argument(
            "--kind", choices=Kind.values, default=Kind.ARTICLE, help="article ou brief."
        )
        parser.add_argument(
            "--topics", default=None, help="Thèmes séparés par des virgules, créés au besoin."
        )
        parser.add_argument(
            "--status",
            choices=Status.values,
            default=None,
            help="État (par défaut : brouillon pour un nouvel article, inchangé sinon).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Écrase aussi ce qui a été modifié depuis le dernier import "
            "(la version remplacée reste dans l’historique, d’où on peut la rétablir).",
        )

    def handle(self, *args, path, title, kind, topics, status, force, **options):
        try:
            wire = read_wire_file(path)
        except WireError as error:
            raise CommandError(f"{path} : {error}") from None
        if title is not None and not title.strip():
            raise CommandError("--title ne peut pas être vide.")
        if not title and wire.headline_in_capitals:
            self.stderr.write(
                self.style.WARNING(
                    "Titre en capitales remis en minuscules : « "
                    f"{wire.sentence_case_headline()} ». Vérifiez les noms propres "
                    "(ou passez --title)."
                )
            )
        topic_names = topics.split(",") if topics is not None else None
        try:
            article, outcome = story_import(
                wire=wire,
                title=title,
                kind=kind,
                topic_names=topic_names,
                status=status,
                force=force,
            )
        except ImportConflict as conflict:
            raise CommandError(str(conflict)) from None
        verb = {"created": "Créé", "updated": "Mis à jour", "unchanged": "Déjà à jour"}[outcome]
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} : « {article.title} » ({article.get_status_display().lower()}, "
                f"{article.get_absolute_url()})"
            )
        )
