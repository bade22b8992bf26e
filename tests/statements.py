"""The SQL statements a piece of code sends, for tests that hold a page's statement count constant."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from isok.extensions import db


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """The statements sent inside the block (SQLite's explicit BEGIN is a transaction start, not a query)."""
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
