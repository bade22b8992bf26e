"""The embedded database's safety settings."""

from pathlib import Path

import pytest
from sqlalchemy import event, text

from isok.accounts.models import Organisation, OrganisationType
from isok.database import begin_write, fold_log_after_commit
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
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("foreign_keys", "journal_mode", "synchronous", "secure_delete")
        }
    assert pragma == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2, "secure_delete": 1}


def test_a_transaction_asking_for_it_leaves_the_write_ahead_log_empty_once_committed(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write-ahead log")
    wal = Path(db.engine.url.database + "-wal")
    organisation = Organisation(name="Checkpointed Oy", type=OrganisationType.COMPANY)
    db.session.add(organisation)
    db.session.commit()
    assert wal.stat().st_size > 0  # an ordinary commit leaves its pages in the log
    organisation.name = "Renamed Oy"
    fold_log_after_commit(db.session)
    db.session.rollback()
    assert wal.stat().st_size > 0  # a rolled-back transaction asks for nothing
    db.session.delete(db.session.get(Organisation, organisation.id))
    fold_log_after_commit(db.session)
    db.session.commit()
    assert wal.stat().st_size == 0
    assert b"Checkpointed Oy" not in Path(db.engine.url.database).read_bytes()
