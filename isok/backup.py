"""Backups that restore: one archive with a consistent copy of the database and the stored files.

SQLite is copied with its online backup API in a single step, which reads one snapshot while writers go on (WAL);
PostgreSQL with pg_dump, which reads one snapshot too. Stored files never change once written and are written
before the row naming them is committed, so copying them after the database snapshot finds every file the
snapshot names (a file erased in between is gone on purpose). The manifest records when the copy was taken, the
schema revision and each member's SHA-256; restore checks every hash before it changes anything. The organisations'
seals are rows of the database, their keys encrypted with a key the archive does not hold (see the README).
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import click
import flask_migrate
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, text

from isok import audit, storage
from isok.database import SEEDED_BY_SCHEMA, declared_by_models
from isok.extensions import db

FORMAT = "isok-backup/1"
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
STORED_FILE = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}")
CHUNK = 1024 * 1024


class BackupError(click.ClickException):
    """The backup or restore cannot go on; the message says why and what to do."""


class _HashingReader:
    """Hand a file to tarfile while computing its SHA-256, so each file is read once."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files_root() -> Path:
    return Path(current_app.config["FILES_DIR"])


def _stored_files(root: Path) -> list[str]:
    """The names of the stored files under the files folder (uploads in progress and other names left out)."""
    if not root.is_dir():
        return []
    return sorted(
        str(path.relative_to(root)) for path in root.glob("??/*") if STORED_FILE.fullmatch(str(path.relative_to(root)))
    )


def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in DATABASE_MEMBERS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("the database lives in memory: there is no file to back up or restore into")
    return Path(database)


def _libpq(pg_command: str) -> tuple[list[str], dict]:
    """The command's path and the connection for PostgreSQL's own programs (the password through the environment,
    never on the command line)."""
    program = shutil.which(pg_command)
    if program is None:
        raise BackupError(
            f"{pg_command} was not found: install PostgreSQL's client programs (on Debian the "
            f"postgresql-client package) of the server's major version or newer"
        )
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return [program, "--dbname", dsn], env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


# --- backup ------------------------------------------------------------------------------------------------------


def _copy_sqlite(target: Path) -> str | None:
    """Copy the live database into `target` in one step of the online backup API and return its schema revision."""
    with closing(sqlite3.connect(_sqlite_path(), timeout=30)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copied database fails its integrity check: {verdict}")
        migrated = copy.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
        row = copy.execute("SELECT version_num FROM alembic_version").fetchone() if migrated else None
        return row[0] if row else None


def _dump_postgresql(target: Path) -> str | None:
    """Dump the live database with pg_dump (one snapshot) and return its schema revision."""
    with db.engine.connect() as connection:
        revision = (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if inspect(connection).has_table("alembic_version")
            else None
        )
    command, env = _libpq("pg_dump")
    _run([*command, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)], env)
    return revision


def _add(tar: tarfile.TarFile, name: str, path: Path, members: dict) -> None:
    with path.open("rb") as handle:
        info = tar.gettarinfo(arcname=name, fileobj=handle)
        info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    members[name] = {"sha256": reader.digest.hexdigest(), "size": info.size}


def write_backup(target: Path) -> tuple[Path, dict]:
    """Write the archive (atomically, readable by its owner only); return its path and manifest."""
    dialect = _dialect()
    created = datetime.now(UTC)
    if target.is_dir():
        target = target / f"isok-backup-{created:%Y%m%dT%H%M%SZ}.tar.gz"
    members: dict[str, dict] = {}
    partial = target.with_name(f".{target.name}.partial")
    try:
        with tempfile.TemporaryDirectory(prefix="isok-backup-") as work:
            database = Path(work) / DATABASE_MEMBERS[dialect]
            revision = _copy_sqlite(database) if dialect == "sqlite" else _dump_postgresql(database)
            if revision is None:
                raise BackupError("the database has no schema revision: create it with `flask db upgrade`")
            with (
                open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out,
                tarfile.open(fileobj=out, mode="w:gz") as tar,
            ):
                _add(tar, database.name, database, members)
                database.unlink()
                root = _files_root()
                for name in _stored_files(root) if storage.is_local() else ():
                    try:
                        _add(tar, f"files/{name}", root / name, members)
                    except FileNotFoundError:  # erased after the snapshot: the snapshot does not name it either
                        continue
                manifest = {
                    "format": FORMAT,
                    "created_at": created.isoformat(),
                    "database": dialect,
                    "schema_revision": revision,
                    "members": members,
                    "files": "included" if storage.is_local() else "object storage",
                }
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(created.timestamp())
                tar.addfile(info, io.BytesIO(data))
                out.flush()
                os.fsync(out.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target, manifest


# --- restore -----------------------------------------------------------------------------------------------------


def _allowed_member(name: str) -> bool:
    return (
        name == MANIFEST
        or name in DATABASE_MEMBERS.values()
        or (name.startswith("files/") and STORED_FILE.fullmatch(name.removeprefix("files/")) is not None)
    )


def _unpack(archive: Path, into: Path) -> dict:
    """Extract the archive and check it against its manifest; return the manifest."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            names = []
            for member in tar.getmembers():
                if not member.isfile() or not _allowed_member(member.name):
                    raise BackupError(f"{archive} holds {member.name!r}, which no isok backup contains")
                names.append(member.name)
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from error
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{archive} has no readable {MANIFEST}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not an {FORMAT} archive")
    members = manifest["members"]
    unlisted = sorted(set(names) - set(members) - {MANIFEST})
    if unlisted:
        raise BackupError(f"the manifest does not list {', '.join(unlisted)}")
    for name, expected in sorted(members.items()):
        path = into / name
        if not path.is_file():
            raise BackupError(f"the archive lacks {name}, which its manifest lists")
        digest = _sha256(path)
        if digest != expected["sha256"]:
            raise BackupError(f"{name} does not match its hash in the manifest: the archive is damaged or altered")
        if name.startswith("files/") and digest != name.rsplit("/", 1)[1]:
            raise BackupError(f"{name} does not hold the content its name promises")
    return manifest


def _check_revision(revision: str) -> str:
    """Return the head this code migrates to; refuse a backup from a newer version of isok."""
    scripts = ScriptDirectory(current_app.extensions["migrate"].directory)
    if revision not in {script.revision for script in scripts.walk_revisions()}:
        raise BackupError(
            f"the backup's schema revision {revision} is unknown to this version of isok: restore "
            f"it with the version that made it, or a newer one"
        )
    return scripts.get_current_head()


def _tables_with_rows() -> list[str]:
    with db.engine.connect() as connection:
        tables = sorted(
            name
            for name in inspect(connection).get_table_names()
            if name != "alembic_version"
            and declared_by_models(name, "table", {})  # not search indexes
            and not (name in db.metadata.tables and db.metadata.tables[name].info.get(SEEDED_BY_SCHEMA))
        )
        quote = connection.dialect.identifier_preparer.quote
        return [name for name in tables if connection.execute(text(f"SELECT 1 FROM {quote(name)} LIMIT 1")).first()]  # noqa: S608


def _restore_sqlite(database: Path) -> None:
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(_sqlite_path(), timeout=30)) as live:
        source.backup(live)


def _restore_postgresql(dump: Path) -> None:
    with db.engine.begin() as connection:
        tables = inspect(connection).get_table_names()
        if tables:
            quote = connection.dialect.identifier_preparer.quote
            connection.execute(text(f"DROP TABLE {', '.join(quote(name) for name in tables)} CASCADE"))
    command, env = _libpq("pg_restore")
    _run([*command, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", str(dump)], env)


def restore_backup(archive: Path, *, force: bool = False) -> dict:
    """Restore an archive into this instance and migrate it to this code's schema; return the manifest."""
    dialect = _dialect()
    root = _files_root()
    root.mkdir(parents=True, exist_ok=True)
    # beside the files, so that they are moved, not copied (to object storage they are uploaded)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=root) as work:
        unpacked = Path(work)
        manifest = _unpack(archive, unpacked)
        if manifest["database"] != dialect:
            raise BackupError(f"the backup holds a {manifest['database']} database; this instance uses {dialect}")
        head = _check_revision(manifest["schema_revision"])
        if not force:
            holding = _tables_with_rows()
            if holding:
                raise BackupError(
                    f"the database already holds data (in {', '.join(holding[:5])}); restore into an "
                    f"empty instance, or give --force to replace it"
                )
        db.session.remove()
        db.engine.dispose()
        database = unpacked / DATABASE_MEMBERS[dialect]
        if dialect == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgresql(database)
        for name in manifest["members"]:
            if not name.startswith("files/"):
                continue
            if not storage.is_local():
                with (unpacked / name).open("rb") as stream:
                    storage.put_stream(stream)
                continue
            stored = root / name.removeprefix("files/")
            if not stored.exists():
                stored.parent.mkdir(exist_ok=True)
                os.replace(unpacked / name, stored)
    db.engine.dispose()
    if manifest["schema_revision"] != head:
        flask_migrate.upgrade()
    audit.record(
        None,
        "backup_restored",
        object_type="instance",
        changes={"created_at": manifest["created_at"], "schema_revision": [manifest["schema_revision"], head]},
    )
    db.session.commit()
    return manifest


# --- commands ----------------------------------------------------------------------------------------------------


@click.command("backup")
@click.argument("target", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(target):
    """Write a backup archive (database and files) while the app runs; TARGET is a file or a folder."""
    path, manifest = write_backup(target)
    audit.record(
        None,
        "backup_taken",
        object_type="instance",
        changes={"archive": path.name, "schema_revision": manifest["schema_revision"]},
    )
    db.session.commit()
    files = sum(name.startswith("files/") for name in manifest["members"])
    click.echo(
        f"Backup written to {path} ({manifest['database']} database at revision "
        f"{manifest['schema_revision']}, {files} files)"
    )
    if not storage.is_local():
        click.echo(
            "The stored files are on object storage and not in this archive: keep them with the store's own "
            "versioning or replication."
        )


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(archive, force):
    """Restore a backup archive into this (empty) instance and migrate it to the current schema."""
    manifest = restore_backup(archive, force=force)
    click.echo(f"Restored the backup of {manifest['created_at']} (revision {manifest['schema_revision']}).")
