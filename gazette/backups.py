"""Backups of the site's database, plus its media files once there are any:
written while the site runs, restored only into an empty database.

SQLite is copied with its online backup API, PostgreSQL with pg_dump's custom
format, each into a file whose name carries the UTC time. A file is restored
only into the engine that wrote it, after it has been read in full, so a bad
file never touches the database. The PostgreSQL tools get the connection
through libpq's environment variables: the password never shows on a command
line.
"""

import gzip
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import closing
from datetime import timezone as dt_timezone
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pagecache import content_refresh

SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MAGIC = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}
# What `migrate` writes by itself into a new database: a database that holds
# no other row is empty, and a restore may replace it.
MIGRATE_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
# Removes every table, sequence and function the site's migrations made, in
# the restore's transaction. The schema comes back owned by the site's user,
# who owns the database.
POSTGRESQL_WIPE = "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"


class BackupError(Exception):
    """A backup or restore refused or failed, the database left as it was;
    the message, in French, is for the operator."""


def backup_write(*, directory: Path) -> list[Path]:
    """Write a consistent copy of the database, and a tar of MEDIA_ROOT when it
    holds files, into ``directory``; return the paths written."""
    vendor = _vendor()
    now = timezone.now().astimezone(dt_timezone.utc)
    target = Path(directory) / f"gazette-{now:%Y-%m-%dT%H%M%SZ}{SUFFIXES[vendor]}"
    media_root = _media_root()
    media = media_root is not None and any(
        path.is_file() for path in media_root.rglob("*")
    )
    paths = [target, media_archive(target)] if media else [target]
    for path in paths:
        if path.exists():
            raise BackupError(f"{path} existe déjà : relancez dans une seconde.")
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(
            f"{target.parent} : création impossible ({error})."
        ) from None

    # Written under another name, then renamed: a dated file is always whole.
    partial = target.with_name(f"{target.name}.partiel")
    try:
        if vendor == "sqlite":
            connection.ensure_connection()
            with closing(sqlite3.connect(partial)) as copy:
                # In one step: the copy is the database as of one instant,
                # and writers wait for it rather than make it start over.
                connection.connection.backup(copy)
        else:
            _run(["pg_dump", "--format=custom", f"--file={partial}"], target)
        partial.chmod(0o600)
        partial.replace(target)
        if media:
            with tarfile.open(partial, "w:gz") as archive:
                for path in sorted(media_root.iterdir()):
                    archive.add(path, arcname=path.name)
            partial.chmod(0o600)
            partial.replace(paths[1])
    except (OSError, sqlite3.Error, tarfile.TarError) as error:
        raise BackupError(f"{target} : écriture impossible ({error}).") from None
    finally:
        partial.unlink(missing_ok=True)
    return paths


def backup_restore(*, path: Path, force: bool = False) -> list[str]:
    """Load a backup written by backup_write into the database (and its media
    files into MEDIA_ROOT), refusing a database that holds content unless
    ``force``; return notes for the operator."""
    vendor = _vendor()
    path = Path(path)
    found = _engine_of(path)
    if found != vendor:
        raise BackupError(
            f"{path} : sauvegarde {ENGINES[found]}, or la base du site est sur "
            f"{ENGINES[vendor]}."
        )
    media = media_archive(path)
    media_root = _media_root() if media.exists() else None
    if media.exists():
        if media_root is None:
            raise BackupError(
                f"{media} : des fichiers média accompagnent la sauvegarde, mais "
                "MEDIA_ROOT n’est pas réglé."
            )
        _check_media(media, media_root)
    if not force and not database_is_empty():
        raise BackupError(
            "La base n’est pas vide : restaurez dans une base neuve, ou passez "
            "--force (FORCE=1 avec make) pour la remplacer."
        )

    if vendor == "sqlite":
        _sqlite_restore(path)
    else:
        _postgresql_restore(path)
    connection.close()
    if media_root:
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(media) as archive:
            archive.extractall(media_root, filter="data")

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        # The site's queries need the current schema; migrate then draws a
        # new content version itself (pagecache).
        return [
            f"Sauvegarde antérieure au code : {len(pending)} migration(s) à "
            "appliquer (manage.py migrate) avant de servir le site."
        ]
    try:
        # Cached pages show what the database held before.
        content_refresh()
    except Exception as error:
        return [
            f"Cache injoignable ({error}) : les pages déjà gardées restent "
            "celles d’avant la restauration jusqu’à leur expiration."
        ]
    return []


def database_is_empty() -> bool:
    """No table, or none holding a row other than those `migrate` writes."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in MIGRATE_TABLES:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")
            if cursor.fetchone():
                return False
    return True


def media_archive(path: Path) -> Path:
    """The media files' tar that goes with the database file ``path``."""
    return path.with_name(f"{path.name.rsplit('.', 1)[0]}-media.tar.gz")


def _vendor():
    if connection.vendor not in SUFFIXES:
        raise BackupError(f"Moteur de base non pris en charge : {connection.vendor}.")
    return connection.vendor


def _media_root():
    return Path(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else None


def _engine_of(path):
    try:
        with open(path, "rb") as file:
            head = file.read(16)
    except FileNotFoundError:
        raise BackupError(f"{path} : fichier introuvable.") from None
    except IsADirectoryError:
        raise BackupError(
            f"{path} : c’est un dossier, pas un fichier de sauvegarde."
        ) from None
    except OSError as error:
        raise BackupError(f"{path} : lecture impossible ({error}).") from None
    for vendor, magic in MAGIC.items():
        if head.startswith(magic):
            return vendor
    raise BackupError(
        f"{path} : ce n’est pas une sauvegarde de la base (ni SQLite ni pg_dump "
        "au format custom)."
    )


def _check_media(media, media_root):
    """Read the whole archive (gzip checks its length and checksum) and vet
    each name as the extraction will."""
    try:
        with gzip.open(media) as stream:
            while stream.read(1 << 20):
                pass
        with tarfile.open(media) as archive:
            for member in archive:
                tarfile.data_filter(member, str(media_root))
    except (OSError, EOFError, zlib.error, tarfile.TarError) as error:
        raise BackupError(
            f"{media} : archive des médias illisible ({error})."
        ) from None


def _sqlite_restore(path):
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as copy:
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} : fichier SQLite abîmé ({problems[0]}).")
            if not copy.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'"
            ).fetchone():
                raise BackupError(
                    f"{path} : cette base SQLite n’est pas celle d’un site Django."
                )
            connection.ensure_connection()
            copy.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(f"{path} : fichier SQLite illisible ({error}).") from None


def _postgresql_restore(path):
    # The archive is first turned into a script in full, so that a truncated
    # or damaged one is refused before the database is touched; the script
    # then runs, after the wipe, in one transaction that a failure undoes.
    with tempfile.TemporaryDirectory(prefix="gazette-restauration-") as work:
        script = Path(work) / "restauration.sql"
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", f"--file={script}", path],
            path,
        )
        _run(
            [
                "psql",
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                f"--command={POSTGRESQL_WIPE}",
                f"--file={script}",
            ],
            path,
        )


def _run(command, path):
    """Run a PostgreSQL client tool on the site's database, for the backup
    file ``path``; never waiting for a password on the terminal."""
    database = connection.settings_dict
    env = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    command = [command[0], "--no-password", *command[1:]]
    for variable, value in [
        ("PGHOST", database["HOST"]),
        ("PGPORT", database["PORT"]),
        ("PGUSER", database["USER"]),
        ("PGPASSWORD", database["PASSWORD"]),
        ("PGDATABASE", database["NAME"]),
        ("PGSSLMODE", database["OPTIONS"].get("sslmode")),
    ]:
        if value:
            env[variable] = str(value)
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{path} : {command[0]} introuvable ; installez le client PostgreSQL "
            "(paquet postgresql-client) de la version du serveur."
        ) from None
    if done.returncode:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        detail = lines[0].removeprefix(f"{command[0]}: ") if lines else done.returncode
        raise BackupError(f"{path} : {command[0]} a échoué : {detail}")
