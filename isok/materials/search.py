"""The material bank's full-text index, one query interface over two engines.

SQLite (the embedded default): an FTS5 table `material_fts` whose rowid is the material's id, kept by the services
in the transaction that changes the material (tokenizer unicode61 with diacritics removed, so "käsienpesu" and
"kasienpesu", Somali, Arabic or Cyrillic words all split on letters). PostgreSQL: a GIN index over
`to_tsvector('simple', search_text)`: the 'simple' dictionary folds case and stems nothing, because one material
mixes languages (a Somali–Finnish glossary) that no single stemming dictionary serves. Every word of the query must
match the start of a word of the material, on both engines.
"""

import re

from sqlalchemy import DDL, ColumnElement, Select, Text, cast, event, false, func, literal_column, select, text

from isok.extensions import db
from isok.materials.models import Material

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS material_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS material_fts"
POSTGRESQL_CREATE = (
    "CREATE INDEX IF NOT EXISTS ix_material_search ON material USING gin (to_tsvector('simple', search_text)) "
    "WITH (fastupdate = off)"  # each write goes into the index, so no search reads a pending list (the migration)
)
POSTGRESQL_DROP = "DROP INDEX IF EXISTS ix_material_search"
WORD = re.compile(r"\w+")
MAX_WORDS = 8

# Made with the table by create_all (tests, `flask demo` on a fresh file); the migration makes them the same way.
event.listen(Material.__table__, "after_create", DDL(SQLITE_CREATE).execute_if(dialect="sqlite"))
event.listen(Material.__table__, "after_create", DDL(POSTGRESQL_CREATE).execute_if(dialect="postgresql"))
event.listen(Material.__table__, "before_drop", DDL(SQLITE_DROP).execute_if(dialect="sqlite"))


def words(query: str) -> list[str]:
    return WORD.findall(query.casefold())[:MAX_WORDS]


def index(material: Material) -> None:
    """Bring the index up to date with the material's search text (on SQLite; PostgreSQL indexes the column)."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    db.session.flush()
    db.session.execute(text("DELETE FROM material_fts WHERE rowid = :id"), {"id": material.id})
    db.session.execute(
        text("INSERT INTO material_fts (rowid, body) VALUES (:id, :body)"),
        {"id": material.id, "body": material.search_text},
    )


def _sqlite_match(found: list[str]):
    expression = " ".join(f'"{word}"*' for word in found)  # words only: no FTS5 syntax gets through
    return text("material_fts MATCH :q").bindparams(q=expression)


def _postgresql_match(found: list[str]) -> ColumnElement[bool]:
    tsquery = " & ".join(f"{word}:*" for word in found)
    simple = literal_column("'simple'")  # a constant, as in the index's expression, so the planner uses the index
    return func.to_tsvector(simple, Material.search_text).op("@@")(func.to_tsquery(simple, tsquery))


def matching_ids(query: str) -> Select:
    """The ids of the materials that match every word of the query (withdrawn ones too: callers filter)."""
    found = words(query)
    if not found:
        return select(Material.id).where(false())
    if db.session.get_bind().dialect.name == "sqlite":
        return select(text("rowid")).select_from(text("material_fts")).where(_sqlite_match(found))
    return select(Material.id).where(_postgresql_match(found))


def matching_id_list(query: str) -> list[int]:
    """The ids `matching_ids` selects, read as one comma-separated row: a common word matches thousands of
    materials, and one aggregated row is read several times faster than as many rows."""
    found = words(query)
    if not found:
        return []
    if db.session.get_bind().dialect.name == "sqlite":
        listed = db.session.scalar(
            select(func.group_concat(literal_column("rowid"), ","))
            .select_from(text("material_fts"))
            .where(_sqlite_match(found))
        )
    else:
        listed = db.session.scalar(
            select(func.string_agg(cast(Material.id, Text), ",")).where(_postgresql_match(found))
        )
    return [int(material_id) for material_id in listed.split(",")] if listed else []


def matching(query: str) -> ColumnElement[bool]:
    """The condition "the material matches every word of the query", for a WHERE clause."""
    return Material.id.in_(matching_ids(query))
