"""Who did what to which record, and when: written in the same transaction as the change it describes."""

import enum
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, String, and_, insert, inspect, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from isok.database import WRITE_OPTION, UTCDateTime, utcnow
from isok.extensions import Model, db

ERASED = "(erased)"


class AuditEntry(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(60), index=True)
    object_id: Mapped[int | None] = mapped_column(index=True)
    changes: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def changes_of(obj, fields: list[str] | None = None) -> dict:
    """The pending changes of an ORM object as {field: [before, after]}, from its attribute history."""
    state = inspect(obj)
    result = {}
    for attr in state.mapper.column_attrs:
        if fields is not None and attr.key not in fields:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            result[attr.key] = [_plain(before), _plain(after)]
    return result


def snapshot(obj, fields: list[str]) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(
    actor,
    action: str,
    obj=None,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    changes: dict | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction; the caller's commit makes the change and its trace one."""
    if obj is not None:
        if obj.id is None:
            db.session.flush()  # the object needs its id before it can be named
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        changes={k: _plain(v) for k, v in changes.items()} if changes else None,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def redact(object_type: str, object_ids: int | Iterable[int], fields: Iterable[str]) -> None:
    """Blank the named fields in every recorded change of the given objects: the right to erasure keeps the entries
    (what happened, when, by whom) and removes what they said about the person."""
    ids = [object_ids] if isinstance(object_ids, int) else list(object_ids)
    fields = set(fields)
    if not ids:
        return
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == object_type, AuditEntry.object_id.in_(ids))
    )
    for entry in entries:
        if entry.changes and fields.intersection(entry.changes):
            entry.changes = {key: ERASED if key in fields else value for key, value in entry.changes.items()}


def entries_about(objects: dict[str, Iterable[int]], actor_id: int | None = None) -> list[AuditEntry]:
    """The entries naming any of the objects ({object type: ids}), and those the given user made, oldest first."""
    conditions = [
        and_(AuditEntry.object_type == object_type, AuditEntry.object_id.in_(list(ids)))
        for object_type, ids in objects.items()
        if ids
    ]
    if actor_id is not None:
        conditions.append(AuditEntry.actor_id == actor_id)
    if not conditions:
        return []
    return list(db.session.scalars(select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.id)))


def record_view(
    actor, object_type: str, object_id: int | None, *, action: str = "view", changes: dict | None = None
) -> None:
    """Record that someone opened personal data, in a short transaction of its own.

    Reads run in read-only transactions (GET handlers never write), so the trace of a read is written beside
    them, and stays written even if the page then fails. An export names the field set it used in `changes`.
    """
    with db.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        conn.execute(
            insert(AuditEntry).values(
                at=utcnow(),
                actor_id=getattr(actor, "id", None),
                action=action,
                object_type=object_type,
                object_id=object_id,
                ip=request.remote_addr if has_request_context() else None,
                changes={k: _plain(v) for k, v in changes.items()} if changes else None,
            )
        )
