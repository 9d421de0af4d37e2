"""Hostile dispatches: each one gives one line of error and writes nothing,
on SQLite as on PostgreSQL (run with DATABASE_URL too)."""

import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Topic
from articles.text import codepoint

from .test_articles_import import VALID
from .test_articles_control_characters import FORBIDDEN

pytestmark = pytest.mark.django_db

HEADLINE = "UN TITRE EN CAPITALES SUR LA CHINE"


def refused(path, *options):
    """The one-line message of the import of ``path``; nothing was written."""
    with pytest.raises(CommandError) as excinfo:
        call_command("import_story", str(path), "--topics", "Nouveau thème", *options)
    message = str(excinfo.value)
    assert "\n" not in message and "\r" not in message
    assert Article.objects.count() == 0
    assert Topic.objects.count() == 0
    return message


def dispatch(tmp_path, text, name="depeche.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_a_ten_thousand_character_headline_is_refused_with_its_line(tmp_path):
    path = dispatch(tmp_path, VALID.replace(HEADLINE, "A" * 10_000))
    message = refused(path)
    assert (
        "ligne 3 : titre trop long : 10\u202f000 caractères, pour 255 au plus"
        in message
    )


def test_a_headline_that_french_spacing_lengthens_past_the_column_is_refused(tmp_path):
    # 254 characters as sent, 256 once « » get their narrow spaces.
    path = dispatch(tmp_path, VALID.replace(HEADLINE, "A" * 250 + " «B»"))
    assert "ligne 3 : titre trop long : 256 caractères" in refused(path)


def test_a_headline_as_long_as_the_column_is_imported(tmp_path):
    path = dispatch(tmp_path, VALID.replace(HEADLINE, "A" * 255))
    call_command("import_story", str(path))
    assert len(Article.objects.get().title) == 255


@pytest.mark.parametrize("char", FORBIDDEN, ids=codepoint)
def test_every_control_character_in_a_dispatch_is_refused_with_its_line(tmp_path, char):
    path = dispatch(tmp_path, VALID.replace("Deuxième", f"Deux{char}ième"))
    if char in "\t\n\r":
        # Tab, and the line ends of any system: the dispatch imports.
        call_command("import_story", str(path))
        assert Article.objects.get().body.startswith("Deux")
        return
    message = refused(path)
    assert "ligne 12 : caractère" in message
    assert f"{codepoint(char)} interdit dans une dépêche" in message


@pytest.mark.parametrize(
    "text, line, char",
    [
        pytest.param(
            VALID.replace(HEADLINE, "UN TITRE\x1b[31m", 1),
            3,
            "U+001B",
            id="esc-headline",
        ),
        pytest.param(VALID.replace("Premier", "Pre\x00mier"), 10, "U+0000", id="nul"),
        pytest.param(
            VALID.replace("Premier", "Premier\x0b"), 10, "U+000B", id="word-line-break"
        ),
        pytest.param(
            VALID.replace("\n", "\r\n").replace("Deuxième", "Deux\x0cième"),
            12,
            "U+000C",
            id="form-feed-crlf",
        ),
        pytest.param(VALID.replace("Paris /", "Pa\x1fris /"), 8, "U+001F", id="byline"),
    ],
)
def test_control_characters_anywhere_are_named_with_their_line(
    tmp_path, text, line, char
):
    assert f"ligne {line} : caractère de contrôle {char} interdit" in refused(
        dispatch(tmp_path, text)
    )


def test_windows_line_ends_still_import(tmp_path):
    call_command("import_story", str(dispatch(tmp_path, VALID.replace("\n", "\r\n"))))
    assert Article.objects.get().standfirst == "Premier paragraphe sur la Chine."


def test_a_fifty_megabyte_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "enorme.txt"
    with path.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # sparse: takes no room on disk
    message = refused(path)
    assert "fichier trop gros : 52\u202f428\u202f800 octets, pour 1 Mo" in message


def test_a_file_just_over_one_megabyte_is_refused(tmp_path):
    padding = "\n\nUn paragraphe de plus." * (1024 * 1024 // 20)
    path = dispatch(tmp_path, VALID + padding)
    assert os.path.getsize(path) > 1024 * 1024
    assert "fichier trop gros" in refused(path)


@pytest.mark.parametrize("target", ["/etc/passwd", "outside"])
def test_a_symbolic_link_is_refused_without_naming_its_target(tmp_path, target):
    if target == "outside":
        outside = tmp_path / "ailleurs"
        outside.mkdir()
        target = str(dispatch(outside, VALID, name="secret.txt"))
    link = tmp_path / "lien.txt"
    link.symlink_to(target)
    assert (
        refused(link)
        == f"{link} : c’est un lien symbolique : donnez le fichier lui-même"
    )


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "tube.txt"
    os.mkfifo(fifo)
    assert "tube nommé (FIFO)" in refused(fifo)


def test_a_directory_is_refused(tmp_path):
    assert "c’est un dossier, pas un fichier" in refused(tmp_path)


def test_a_device_is_refused():
    assert "périphérique" in refused(Path("/dev/null"))


def test_invalid_utf8_is_refused_with_its_line(tmp_path):
    path = dispatch(tmp_path, VALID.encode().replace(b"CHINE", b"CH\xffNE", 1))
    assert "ligne 3 : le fichier n’est pas en UTF-8 (octet 0xff illisible)" in refused(
        path
    )


def test_a_missing_file_is_refused(tmp_path):
    assert "fichier introuvable" in refused(tmp_path / "absent.txt")


def test_a_file_name_with_a_newline_is_shown_on_one_line(tmp_path):
    path = dispatch(
        tmp_path, VALID.replace("Premier", "Pre\x00mier"), name="dé\npêche.txt"
    )
    message = refused(path)
    assert "dé\\npêche.txt : ligne 10" in message


def test_a_huge_unknown_month_is_quoted_short(tmp_path):
    path = dispatch(tmp_path, VALID.replace("Mars", "M" + "a" * 100_000))
    message = refused(path)
    assert "ligne 5 : date illisible : mois inconnu « Maaa" in message
    assert len(message) < 300


def test_a_title_option_too_long_is_refused(tmp_path):
    path = dispatch(tmp_path, VALID)
    assert "--title trop long : 255 caractères au plus" in refused(
        path, "--title", "é" * 10_000
    )


def test_a_title_option_of_control_characters_only_is_refused(tmp_path):
    assert "--title ne peut pas être vide" in refused(
        dispatch(tmp_path, VALID), "--title", "\x1b\x0b"
    )


def test_a_title_option_loses_its_control_characters(tmp_path):
    call_command(
        "import_story", str(dispatch(tmp_path, VALID)), "--title", "Un\x1b titre"
    )
    assert Article.objects.get().title == "Un titre"


def test_a_topic_option_too_long_is_refused(tmp_path):
    path = dispatch(tmp_path, VALID)
    with pytest.raises(CommandError) as excinfo:
        call_command("import_story", str(path), "--topics", "Chine," + "x" * 101)
    assert "--topics : le thème « xxxx" in str(excinfo.value)
    assert "100 caractères au plus" in str(excinfo.value)
    assert Article.objects.count() == 0 and Topic.objects.count() == 0
