"""The declarative base, column types and the SQLite safety settings shared by every model."""

import re
from datetime import UTC, datetime

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import DateTime, Engine, Enum, MetaData, event
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no zone, so it is stored naive UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def enum_type(enum_class) -> Enum:
    """Store a Python enum by its values as a plain string column, the same on SQLite and PostgreSQL."""
    return Enum(enum_class, native_enum=False, values_callable=lambda e: [m.value for m in e], length=40)


# A feature's full-text index on SQLite: an FTS5 table `<name>_fts` and the shadow tables FTS5 keeps beside it. The
# feature's migration and services keep it; no model declares it.
SEARCH_INDEX_TABLE = re.compile(r"^[a-z_]+_fts(_(data|idx|content|docsize|config))?$")


def declared_by_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's include_name: compare the models with the tables they declare, not with the search indexes."""
    return not (type_ == "table" and name is not None and SEARCH_INDEX_TABLE.match(name))


# Table info marking a table whose row the schema itself brings (its migration inserts it): no sign of data.
SEEDED_BY_SCHEMA = "isok_seeded_by_schema"

WRITE_OPTION = "isok_write"


def configure_sqlite(engine: Engine) -> None:
    """Make the embedded database safe for several users at once.

    Write transactions start with BEGIN IMMEDIATE, so a second writer waits for the busy timeout instead of
    failing with "database is locked" when its deferred read lock cannot be upgraded. GET requests keep a plain
    BEGIN so reads never serialise.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # pysqlite's implicit BEGIN is replaced by the one below
        cursor = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "busy_timeout=10000",
            "foreign_keys=ON",
            "secure_delete=ON",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        writing = conn.get_execution_options().get(WRITE_OPTION) or request_writes()
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def request_writes() -> bool:
    """Whether the current transaction belongs to a writing request (or to work outside any request)."""
    return not has_request_context() or request.method not in ("GET", "HEAD")


def begin_write(session) -> None:
    """Finish the request's read transaction and start a write one (BEGIN IMMEDIATE on SQLite).

    For the rare read page that must bring derived data up to date first: upgrading a deferred read transaction
    to a write fails at once under concurrency, where an immediate one waits for the busy timeout.
    """
    session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


# --- leaving no erased bytes behind ----------------------------------------------------------------------------------

_FOLD_LOG = "isok_fold_log_after_commit"


def fold_log_after_commit(session) -> None:
    """Once this transaction commits, leave no copy of what it overwrote or deleted in the database files.

    SQLite overwrites deleted content with zeros (`secure_delete`, set on every connection), but until a checkpoint
    the pages as they were before the change still sit in the write-ahead log (`-wal`). A TRUNCATE checkpoint copies
    the new pages into the database and empties the log; it waits (busy timeout) for readers still using old pages.
    PostgreSQL needs nothing here: the updated and deleted rows are gone for every reader (README: dead rows).
    """
    session.info[_FOLD_LOG] = True


@event.listens_for(Session, "after_commit")
def _fold_log(session) -> None:
    if session.info.pop(_FOLD_LOG, False):
        checkpoint(session.get_bind())


@event.listens_for(Session, "after_rollback")
def _forget_fold(session) -> None:
    session.info.pop(_FOLD_LOG, None)


def checkpoint(engine: Engine) -> bool:
    """Fold SQLite's write-ahead log into the database file and truncate it; True when every page got there."""
    if engine.dialect.name != "sqlite":
        return True
    connection = engine.raw_connection()  # outside SQLAlchemy's transaction: a checkpoint cannot run inside one
    try:
        cursor = connection.cursor()
        busy, _log_pages, _moved = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    finally:
        connection.close()
    if busy and has_app_context():
        current_app.logger.warning(
            "The write-ahead log could not be emptied (a reader held it past the busy timeout): "
            "erased bytes may stay in the -wal file until the next erasure or a restart."
        )
    return not busy
