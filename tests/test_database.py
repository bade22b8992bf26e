"""The embedded database's safety settings."""

import pytest
from sqlalchemy import event, text

from isok.database import begin_write
from isok.extensions import db


@pytest.fixture
def statements(app):
    seen = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def test_a_write_started_inside_a_read_request_begins_immediately(app, statements):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    with app.test_request_context(method="GET"):
        db.session.execute(text("select 1"))
        begin_write(db.session)
        db.session.execute(text("select 1"))
        db.session.rollback()
    assert statements[0] == "BEGIN" and "BEGIN IMMEDIATE" in statements[1:]


def test_sqlite_runs_with_foreign_keys_wal_and_full_sync(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as connection:
        pragma = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("foreign_keys", "journal_mode", "synchronous", "secure_delete")}
    assert pragma == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2, "secure_delete": 1}
