"""`manage.py backup` and `restore` on the suite's engine: SQLite under `make
test`, PostgreSQL (pg_dump, pg_restore, psql) when DATABASE_URL points at it,
as in the second pass of .ci/run. The restore runs as an operator runs it, in
its own process, into a scratch database created for the test."""

import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article, Status
from articles.services import EDITORS, WRITERS
from trade.models import Figure

from .factories import make_article, make_brief, make_figure, make_topic, make_user

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(django_settings.BASE_DIR)
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}[connection.vendor]


class Scratch:
    """An empty database of the suite's engine, and manage.py run on it."""

    def __init__(self, env, connect):
        self.env = env
        self.connect = connect

    def manage(self, *args, env=None):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=600,  # a command that waits for ever fails the test
        )


LIBPQ = {"host": "HOST", "port": "PORT", "user": "USER", "password": "PASSWORD"}


def libpq_parameters(name):
    """The suite's PostgreSQL server, database ``name``."""
    database = connection.settings_dict
    parameters = {key: database[setting] for key, setting in LIBPQ.items()}
    return {key: value for key, value in parameters.items() if value} | {"dbname": name}


@pytest.fixture
def scratch(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    # DEBUG serves static files by their plain names (no collectstatic); the
    # page cache's file cache goes to the test's own directory.
    env.update(
        DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="testserver", TMPDIR=str(tmp_path)
    )
    if connection.vendor == "sqlite":
        path = tmp_path / "restauree.sqlite3"
        env.pop("DATABASE_URL", None)
        env["DJANGO_SQLITE_PATH"] = str(path)
        yield Scratch(env, lambda: sqlite3.connect(path))
        return

    import psycopg

    # Unique: the suite runs in several workers, and on other machines' runs.
    name = f"gazette_restauration_{uuid.uuid4().hex[:16]}"
    server = libpq_parameters("postgres")
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = urlsplit(os.environ["DATABASE_URL"])
    env["DATABASE_URL"] = url._replace(path=f"/{name}").geturl()
    try:
        scratch = Scratch(env, lambda: psycopg.connect(**libpq_parameters(name)))
        scratch.name = name
        yield scratch
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def backup_dir(settings, tmp_path):
    settings.GAZETTE_BACKUP_DIR = tmp_path / "sauvegardes"
    return settings.GAZETTE_BACKUP_DIR


def newsroom_build():
    """Stories with revisions, topics and related briefs, figures linked to
    them, editors in their groups."""
    editor = make_user(role=EDITORS, first_name="Élise")
    make_user(role=WRITERS)
    topic = make_topic(name="Chine")
    brief = make_brief(title="Le port sec de Khorgos s’agrandit", topics=[topic])
    story = make_article(
        title="Le fret « Chine–Europe » repart",
        body="| Année | Trains |\n| --- | ---: |\n| 2024 | 19 000 |\n",
        topics=[topic],
        related=[brief],
        created_by=editor,
    )
    story.standfirst = "Chapô revu par l’édition."
    story.save()
    make_article(status=Status.DRAFT, published_at=None, title="Brouillon")
    make_figure(stories=[story], value="12.5")
    make_figure(stories=[story, brief], value="3.25", year=2023)
    return story


@pytest.fixture
def newsroom():
    return newsroom_build()


def backup():
    out = StringIO()
    call_command("backup", stdout=out)
    return [Path(line.split(" : ", 1)[1]) for line in out.getvalue().splitlines()]


def rows(dump):
    """Every row of every model, as dumpdata writes it, in a stable order."""
    return sorted(json.loads(dump), key=lambda row: (row["model"], str(row["pk"])))


def source_rows():
    out = StringIO()
    call_command("dumpdata", format="json", stdout=out)
    return rows(out.getvalue())


def restored_rows(scratch):
    done = scratch.manage("dumpdata", "--format=json")
    assert done.returncode == 0, done.stderr
    return rows(done.stdout)


def restore(path, *options):
    call_command("restore", str(path), *options, stdout=StringIO(), stderr=StringIO())


COMPARED = [
    "articles.article",
    "articles.historicalarticle",
    "trade.figure",
    "auth.user",
]


def test_backup_restores_every_row_into_an_empty_database(
    newsroom, backup_dir, scratch
):
    expected = source_rows()
    assert set(COMPARED) <= {row["model"] for row in expected}
    assert Article.history.filter(id=newsroom.pk).count() >= 2
    assert Figure.objects.filter(stories=newsroom).count() == 2

    paths = backup()
    # Nothing in MEDIA_ROOT (unset): the database file only, dated in UTC.
    assert len(paths) == 1
    (path,) = paths
    assert path.parent == backup_dir and path.suffix == SUFFIX
    assert path.name.startswith("gazette-") and path.stem.endswith("Z")
    assert path.stat().st_mode & 0o077 == 0
    assert sorted(backup_dir.iterdir()) == [path]

    done = scratch.manage("restore", str(path))
    assert done.returncode == 0, done.stderr
    assert "Sauvegarde restaurée" in done.stdout and done.stderr == ""
    restored = restored_rows(scratch)
    for model in COMPARED:
        assert [row for row in restored if row["model"] == model] == [
            row for row in expected if row["model"] == model
        ], model
    assert restored == expected

    # The site runs on it: no migration left, and its pages answer.
    assert scratch.manage("migrate", "--check").returncode == 0
    page = scratch.manage(
        "shell",
        "--no-imports",
        "--command",
        "from django.test import Client; "
        f"page = Client().get({newsroom.get_absolute_url()!r}); "
        "print(page.status_code, 'Chapô revu par l’édition' in page.text)",
    )
    # The last line: the request log line comes first.
    assert page.stdout.splitlines()[-1].split() == ["200", "True"], page.stderr


def test_restore_accepts_a_migrated_database_without_content_and_refuses_one_with(
    backup_dir, settings, scratch
):
    # What `migrate` leaves in a new database, through the suite's own.
    done = scratch.manage("restore", str(backup()[0]))
    assert done.returncode == 0, done.stderr

    newsroom_build()
    before = source_rows()
    settings.GAZETTE_BACKUP_DIR = backup_dir / "contenu"
    done = scratch.manage("restore", str(backup()[0]))
    assert done.returncode == 0, done.stderr

    make_article(title="Écrit après la première sauvegarde")
    settings.GAZETTE_BACKUP_DIR = backup_dir / "plus-tard"
    later = backup()[0]
    expected = source_rows()

    done = scratch.manage("restore", str(later))
    assert done.returncode == 1
    message = done.stderr.strip()
    assert message == (
        "CommandError: La base n’est pas vide : restaurez dans une base neuve, ou "
        "passez --force (FORCE=1 avec make) pour la remplacer."
    )
    assert restored_rows(scratch) == before != expected

    done = scratch.manage("restore", "--force", str(later))
    assert done.returncode == 0, done.stderr
    assert restored_rows(scratch) == expected


def test_restore_refuses_bad_files_and_leaves_the_database_as_it_was(
    newsroom, backup_dir, tmp_path
):
    good = backup()[0]
    before = source_rows()
    truncated = tmp_path / f"tronquee{SUFFIX}"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    empty = tmp_path / "vide.sqlite3"
    empty.touch()
    text = tmp_path / "notes.sqlite3"
    text.write_text("Ceci n’est pas une sauvegarde.\n")
    other_site = tmp_path / "autre.sqlite3"
    with sqlite3.connect(other_site) as other:
        other.execute("CREATE TABLE commandes (id INTEGER PRIMARY KEY)")
    pg_like = tmp_path / "abimee.pgdump"
    pg_like.write_bytes(b"PGDMP" + bytes(range(256)) * 4)
    on_postgresql = connection.vendor == "postgresql"
    unknown = "ce n’est pas une sauvegarde de la base (ni SQLite ni pg_dump au format"
    cases = {
        tmp_path / "absente.sqlite3": "fichier introuvable.",
        tmp_path: "c’est un dossier, pas un fichier de sauvegarde.",
        empty: unknown,
        text: unknown,
        other_site: (
            "sauvegarde SQLite, or la base du site est sur PostgreSQL."
            if on_postgresql
            else "cette base SQLite n’est pas celle d’un site Django."
        ),
        pg_like: (
            "pg_restore a échoué : error: "
            if on_postgresql
            else "sauvegarde PostgreSQL, or la base du site est sur SQLite."
        ),
        truncated: (
            "pg_restore a échoué : error: could not read from input file"
            if on_postgresql
            else "fichier SQLite illisible (database disk image is malformed)."
        ),
    }
    for path, message in cases.items():
        with pytest.raises(CommandError) as refused:
            restore(path, "--force")
        assert str(refused.value).startswith(f"{path} : {message}"), path
        assert "\n" not in str(refused.value)
        assert source_rows() == before, path


def test_backup_taken_during_an_open_write_holds_only_committed_rows(
    newsroom, backup_dir, tmp_path, scratch
):
    expected = source_rows()
    done = scratch.manage("restore", str(backup()[0]))
    assert done.returncode == 0, done.stderr

    writer = scratch.connect()
    try:
        writer.execute("INSERT INTO auth_group (name) VALUES ('Pendant la sauvegarde')")
        # The site's database is written to and the write not yet committed:
        # the backup neither waits for it nor holds it.
        done = scratch.manage(
            "backup", env={"DJANGO_BACKUP_DIR": str(tmp_path / "pendant")}
        )
        assert done.returncode == 0, done.stderr
        writer.commit()
    finally:
        writer.close()
    (taken,) = (tmp_path / "pendant").iterdir()

    restore(taken, "--force")
    assert not Group.objects.filter(name="Pendant la sauvegarde").exists()
    assert source_rows() == expected


def test_backup_bundles_media_files_and_restore_puts_them_back(
    newsroom, backup_dir, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "vide").mkdir()
    # An empty media folder is no media: the database file only.
    assert len(backup()) == 1

    settings.GAZETTE_BACKUP_DIR = backup_dir / "avec-medias"
    (settings.MEDIA_ROOT / "images").mkdir()
    image = bytes(range(256)) * 40
    (settings.MEDIA_ROOT / "images" / "carte.png").write_bytes(image)
    (settings.MEDIA_ROOT / "légende.txt").write_text("Carte des échanges.\n")
    database, media = backup()
    assert media.name == f"{database.name.removesuffix(SUFFIX)}-media.tar.gz"
    with tarfile.open(media) as archive:
        assert sorted(archive.getnames()) == [
            "images", "images/carte.png", "légende.txt", "vide"
        ]
    expected = source_rows()

    settings.MEDIA_ROOT = tmp_path / "media-restaures"
    restore(database, "--force")
    assert (settings.MEDIA_ROOT / "images" / "carte.png").read_bytes() == image
    legend = settings.MEDIA_ROOT / "légende.txt"
    assert legend.read_text() == "Carte des échanges.\n"
    assert source_rows() == expected

    # Media files the site cannot take are refused before the database.
    settings.MEDIA_ROOT = ""
    with pytest.raises(CommandError, match="MEDIA_ROOT n’est pas réglé"):
        restore(database, "--force")
    settings.MEDIA_ROOT = tmp_path / "media-refuses"
    media.write_bytes(media.read_bytes()[:-20])
    with pytest.raises(CommandError, match="archive des médias illisible"):
        restore(database, "--force")
    assert not settings.MEDIA_ROOT.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's restore is one step of its backup API, checked in full before",
)
def test_a_restore_that_fails_midway_leaves_the_database_as_it_was(
    newsroom, scratch, tmp_path
):
    # A dump that pg_restore reads in full but whose script fails on the way:
    # a table whose foreign key points at a table the dump leaves out.
    with scratch.connect() as other:
        other.execute("CREATE TABLE parent (id integer PRIMARY KEY)")
        other.execute("CREATE TABLE enfant (parent_id integer REFERENCES parent)")
        other.execute("INSERT INTO parent VALUES (1)")
        other.execute("INSERT INTO enfant VALUES (1)")
    partial = tmp_path / "partielle.pgdump"
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    libpq = {
        names.get(key, "PGDATABASE"): str(value)
        for key, value in libpq_parameters(scratch.name).items()
    }
    subprocess.run(
        ["pg_dump", "--format=custom", "--table=enfant", f"--file={partial}"],
        env={**os.environ, **libpq},
        check=True,
    )
    before = source_rows()

    with pytest.raises(CommandError) as refused:
        restore(partial, "--force")
    assert str(refused.value).startswith(f"{partial} : psql a échoué : ")
    assert 'relation "public.parent" does not exist' in str(refused.value)
    # The wipe ran in the restore's transaction, and went with it.
    assert source_rows() == before


def test_restoring_an_older_backup_says_which_step_is_left(newsroom, backup_dir):
    # The backup of a database that has not run the newest migration of
    # `trade`, as one taken before a deploy.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, app, name, applied FROM django_migrations "
            "WHERE app = 'trade' ORDER BY id DESC"
        )
        newest = cursor.fetchone()
        cursor.execute("DELETE FROM django_migrations WHERE id = %s", [newest[0]])
    try:
        older = backup()[0]
        notes = StringIO()
        call_command("restore", str(older), "--force", stdout=StringIO(), stderr=notes)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE id = %s", [newest[0]])
            cursor.execute(
                "INSERT INTO django_migrations (id, app, name, applied) "
                "VALUES (%s, %s, %s, %s)",
                newest,
            )
    assert notes.getvalue().strip() == (
        "Sauvegarde antérieure au code : 1 migration(s) à appliquer "
        "(manage.py migrate) avant de servir le site."
    )
