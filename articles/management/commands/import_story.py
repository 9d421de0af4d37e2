from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from articles.markdown_fr import french_typography
from articles.models import Article, Kind, Status, Topic
from articles.services import ImportConflict, story_import
from articles.text import strip_controls
from articles.wire import WireError, read_wire_file


def shown(path):
    """The path as one line of text: a file name may hold a newline."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode() for c in path
    )


def check_options(title, topic_names):
    """The option values fit their columns as stories store them (typography
    may lengthen a title): a CommandError rather than a database error."""
    longest = Article._meta.get_field("title").max_length
    if title is not None and len(french_typography(title)) > longest:
        raise CommandError(
            f"--title trop long : {longest} caractères au plus, espaces fines "
            "de la typographie française comprises."
        )
    longest = Topic._meta.get_field("name").max_length
    for name in topic_names or ():
        name = " ".join(name.split())
        if max(len(name), len(slugify(name))) > longest:
            raise CommandError(
                f"--topics : le thème « {name[:40]}… » est trop long "
                f"({longest} caractères au plus)."
            )


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
            raise CommandError(f"{shown(path)} : {error}") from None
        if title is not None:
            title = strip_controls(title)
            if not title.strip():
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
        check_options(title, topic_names)
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
