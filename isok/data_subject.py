"""The rows that belong to one person, found through the foreign keys of every feature's tables.

A client's data hang off their client record and their login: their cases, the cases' portfolios, interviews,
placements and certificates, and so on down. Reading the metadata instead of a list kept by hand means a feature's
new table is found without anyone remembering to add it, which is what the trail in a data export relies on.
"""

from sqlalchemy import or_, select

from isok.extensions import db

# The trail names its objects by type and id, not by foreign key; isok.audit reads it that way.
NOT_WALKED = {"audit_entry"}


def rows_of(roots: dict[str, set[int]]) -> dict[str, set[int]]:
    """Every row under the given ones ({table: ids}), children and their children, by table name.

    Only rows with an `id` of their own are collected: association tables (a case's co-counsellors, a placement's
    units) are facts about the rows they join, not records of their own.
    """
    found = {table: set(ids) for table, ids in roots.items() if ids}
    frontier = dict(found)
    while frontier:
        reached: dict[str, set[int]] = {}
        for table in db.metadata.sorted_tables:
            if table.name in NOT_WALKED or "id" not in table.c:
                continue
            conditions = [
                key.parent.in_(sorted(frontier[key.column.table.name]))
                for key in table.foreign_keys
                if key.column.table.name in frontier
            ]
            if not conditions:
                continue
            new = set(db.session.scalars(select(table.c.id).where(or_(*conditions)))) - found.get(table.name, set())
            if new:
                found.setdefault(table.name, set()).update(new)
                reached[table.name] = new
        frontier = reached
    return found
