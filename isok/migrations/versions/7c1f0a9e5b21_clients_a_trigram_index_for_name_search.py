"""clients: a trigram index for name search (SQLite FTS5 trigram kept by triggers; PostgreSQL pg_trgm)

Revision ID: 7c1f0a9e5b21
Revises: 25efe00d3735
Create Date: 2026-12-05 13:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c1f0a9e5b21'
down_revision = '25efe00d3735'
branch_labels = None
depends_on = None

# As cases/name_search.py makes them for create_all (migrations do not import the application).
SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS client_name_fts USING fts5(search_name, content='client', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS client_name_fts_insert AFTER INSERT ON client BEGIN "
    "INSERT INTO client_name_fts (rowid, search_name) VALUES (new.id, new.search_name); END",
    "CREATE TRIGGER IF NOT EXISTS client_name_fts_delete AFTER DELETE ON client BEGIN "
    "INSERT INTO client_name_fts (client_name_fts, rowid, search_name) VALUES ('delete', old.id, old.search_name); "
    "END",
    "CREATE TRIGGER IF NOT EXISTS client_name_fts_update AFTER UPDATE OF search_name ON client BEGIN "
    "INSERT INTO client_name_fts (client_name_fts, rowid, search_name) VALUES ('delete', old.id, old.search_name); "
    "INSERT INTO client_name_fts (rowid, search_name) VALUES (new.id, new.search_name); END",
    "INSERT INTO client_name_fts (client_name_fts) VALUES ('rebuild')",
)
POSTGRESQL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_client_search_name_trgm ON client USING gin (search_name gin_trgm_ops)",
)


def upgrade():
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS client_name_fts_{name}")
        op.execute("DROP TABLE IF EXISTS client_name_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_client_search_name_trgm")
