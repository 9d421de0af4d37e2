from django.core.management.base import BaseCommand, CommandError

from trade.checks import ERROR, WARNING, find_everything
from trade.models import Acknowledgement

# How much of an acknowledgement's note the summary prints.
NOTE_WORDS = 12


class Command(BaseCommand):
    help = (
        "Liste les incohérences des chiffres, des articles et des téléchargements "
        "qu’aucun éditeur n’a reconnues, puis, à part, les avertissements "
        "éditoriaux et les incohérences reconnues. Échoue s’il reste une erreur "
        "(ou un avertissement, avec --strict)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Échoue aussi s’il reste un avertissement éditorial.",
        )

    def handle(self, *args, strict=False, **options):
        notes = dict(Acknowledgement.objects.values_list("check_key", "note"))
        found = find_everything()
        errors = [i for i in found if i.severity == ERROR and i.key not in notes]
        warnings = [i for i in found if i.severity == WARNING and i.key not in notes]
        acknowledged = [i for i in found if i.key in notes]
        for inconsistency in errors:
            self.stdout.write(str(inconsistency))
        if warnings:
            self.stdout.write(("\n" if errors else "") + "Avertissements éditoriaux")
            for inconsistency in warnings:
                self.stdout.write(str(inconsistency))
        self.stdout.write(
            ("\n" if errors or warnings else "")
            + f"{len(acknowledged)} incohérence(s) reconnue(s) par une note publique"
            + ("\u202f:" if acknowledged else ".")
        )
        for inconsistency in acknowledged:
            note = _first_words(notes[inconsistency.key])
            self.stdout.write(f"[{inconsistency.key}] {note}")
        current = {i.key for i in found}
        stale = sorted(key for key in notes if key not in current)
        if stale:
            self.stdout.write(
                "Notes dont l’incohérence n’est plus constatée (à relire ou "
                "supprimer)\u202f: " + ", ".join(stale)
            )
        if errors:
            raise CommandError(
                f"{len(errors)} erreur(s) ouverte(s). Corrigez-les, ou reconnaissez "
                "celles d’un chiffre avec une note publique (admin, « Incohérences "
                "reconnues », avec la clé entre crochets)."
            )
        if warnings and strict:
            raise CommandError(
                f"Avertissements éditoriaux ouverts\u202f: {len(warnings)}\u202f; "
                "--strict les compte comme des erreurs."
            )
        self.stdout.write(self.style.SUCCESS("Aucune erreur ouverte."))


def _first_words(note: str) -> str:
    words = note.split()
    text = " ".join(words[:NOTE_WORDS])
    return f"« {text}{'…' if len(words) > NOTE_WORDS else ''} »"
