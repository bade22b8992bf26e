"""Need to know: which fields of a record holding personal data each role may see, declared once per kind of record.

Each feature declares its records' field sets next to its access rules (`<feature>/access.py`) and plugs them in at
`init_app` with `declare`. A field set names every column of its table: the fields some roles may see, and the
internal ones (keys, versions, timestamps of bookkeeping) no screen shows as such. Pages, CSV/XLSX/JSON exports,
PDFs and calendar feeds ask `seen_by(user, kind)` (templates: `seen_by(current_user, "client")`) before they show a
field, so a role never gets a field its work does not need; tests/test_field_leaks.py checks that they do, and that
a new column fails until someone decides who may see it.

Object access (which records) stays with the access rules: a field set only narrows what a visible record shows.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import Flask, current_app

from isok.accounts.models import Role

_KEY = "isok.field_sets"


@dataclass(frozen=True)
class FieldSet:
    """`fields` maps groups of column names to the roles that see them; `internal` lists the columns shown to no
    role as such (ids, foreign keys, versions, search keys)."""

    kind: str
    table: str
    fields: dict[tuple[str, ...], frozenset[Role]]
    internal: tuple[str, ...] = ()
    by_role: dict[Role, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        by_role = {
            role: frozenset(name for names, roles in self.fields.items() if role in roles for name in names)
            for role in Role
        }
        object.__setattr__(self, "by_role", by_role)

    @property
    def declared(self) -> frozenset[str]:
        return frozenset(name for names in self.fields for name in names) | frozenset(self.internal)


def roles(*members: Role) -> frozenset[Role]:
    return frozenset(members)


def declare(app: Flask, *field_sets: FieldSet) -> None:
    registry = app.extensions.setdefault(_KEY, {})
    for field_set in field_sets:
        if field_set.kind in registry:
            raise ValueError(f"field set {field_set.kind!r} declared twice")
        registry[field_set.kind] = field_set


def field_sets(app: Flask | None = None) -> dict[str, FieldSet]:
    return (app or current_app).extensions.get(_KEY, {})


def field_set(kind: str) -> FieldSet:
    return field_sets()[kind]


def seen_by(user, kind: str) -> frozenset[str]:
    """The fields of a `kind` record the user's roles may see (their union); nothing for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    by_role = field_set(kind).by_role
    return frozenset().union(*(by_role[role] for role in user.roles))


def sees(user, kind: str, name: str) -> bool:
    return name in seen_by(user, kind)


def only_seen(user, kind: str, names: Iterable[str]) -> list[str]:
    """The names (in their order) the user may see: the columns an export writes."""
    visible = seen_by(user, kind)
    return [name for name in names if name in visible]


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = {}
    app.add_template_global(seen_by)
