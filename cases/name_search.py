"""Finding clients by any part of their name without reading every client: a trigram index on both engines.

SQLite (the embedded default): an FTS5 table `client_name_fts` with the trigram tokenizer over `client.search_name`,
kept by triggers on `client`, so every way a client is written (services, imports, erasure, bulk statements) keeps
it in step. PostgreSQL: pg_trgm's GIN index on `search_name`, which the same `LIKE '%…%'` uses by itself.
Trigrams need three characters: a shorter query reads the names one by one, as before.

A migration that rebuilds `client` in SQLite's batch mode drops its triggers with the old table: such a migration
runs `SQLITE_TRIGGERS` again afterwards.
"""

from sqlalchemy import DDL, ColumnElement, event, select, text

from cases.models import Client, search_key
from isok.extensions import db

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS client_name_fts USING fts5(search_name, content='client', "
    "content_rowid='id', tokenize='trigram')"
)
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS client_name_fts_insert AFTER INSERT ON client BEGIN "
    "INSERT INTO client_name_fts (rowid, search_name) VALUES (new.id, new.search_name); END",
    "CREATE TRIGGER IF NOT EXISTS client_name_fts_delete AFTER DELETE ON client BEGIN "
    "INSERT INTO client_name_fts (client_name_fts, rowid, search_name) VALUES ('delete', old.id, old.search_name); "
    "END",
    "CREATE TRIGGER IF NOT EXISTS client_name_fts_update AFTER UPDATE OF search_name ON client BEGIN "
    "INSERT INTO client_name_fts (client_name_fts, rowid, search_name) VALUES ('delete', old.id, old.search_name); "
    "INSERT INTO client_name_fts (rowid, search_name) VALUES (new.id, new.search_name); END",
)
SQLITE_REBUILD = "INSERT INTO client_name_fts (client_name_fts) VALUES ('rebuild')"
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS client_name_fts_insert",
    "DROP TRIGGER IF EXISTS client_name_fts_delete",
    "DROP TRIGGER IF EXISTS client_name_fts_update",
    "DROP TABLE IF EXISTS client_name_fts",
)
POSTGRESQL_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_client_search_name_trgm ON client USING gin (search_name gin_trgm_ops)",
)
POSTGRESQL_DROP = ("DROP INDEX IF EXISTS ix_client_search_name_trgm",)
TRIGRAM = 3

# Made with the table by create_all (tests, benchmarks); the migration makes them the same way.
for statement in (SQLITE_TABLE, *SQLITE_TRIGGERS):
    event.listen(Client.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in POSTGRESQL_CREATE:
    event.listen(Client.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))
for statement in SQLITE_DROP:
    event.listen(Client.__table__, "before_drop", DDL(statement).execute_if(dialect="sqlite"))


def name_contains(query: str) -> ColumnElement[bool]:
    """The condition "the client's name contains the query" (folded as search_key folds names)."""
    key = search_key(query)
    if len(key) >= TRIGRAM and db.session.get_bind().dialect.name == "sqlite":
        phrase = '"' + key.replace('"', '""') + '"'  # one phrase: the text as typed, no FTS5 syntax gets through
        ids = (
            select(text("rowid"))
            .select_from(text("client_name_fts"))
            .where(text("client_name_fts MATCH :phrase").bindparams(phrase=phrase))
        )
        return Client.id.in_(ids)
    return Client.search_name.contains(key, autoescape=True)  # a typed % or _ is a character, not a wildcard
