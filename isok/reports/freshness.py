"""Reports that cost nothing to reopen: participation records kept in step as the data change, and each computed
report kept until the data it was computed from change.

Every transaction that changes what the ESF report reads (clients, cases and their stages, certificates,
assessments, the partner network, results recorded for the report) brings the participation records of the clients
it touched in step and raises the data version, both just before it commits, so a report page only compares one
number: a report computed at the current version is shown as it was stored (CachedReport); any other is computed
once, by one request at a time, and stored.
"""

import hashlib
from collections.abc import Callable
from datetime import date

from sqlalchemy import delete, event, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assessment.assessments.models import Assessment, UnitDecision
from cases.models import Case, Client, StageChange
from certificates.models import Certificate
from isok.accounts.models import Organisation
from isok.catalogue import models as catalogue
from isok.database import begin_write, utcnow
from isok.extensions import db
from isok.network import models as network
from isok.reports import services
from isok.reports.models import (
    CachedReport,
    ParticipationCorrection,
    RecordedResult,
    ReportDataVersion,
    SubmittedReport,
)

# What the report reads; the first ones also make a client's participation record change.
CLIENT_SOURCES = (Client, Case, StageChange, Certificate)
SOURCES = (
    *CLIENT_SOURCES,
    Assessment,
    UnitDecision,
    Organisation,
    RecordedResult,
    ParticipationCorrection,
    SubmittedReport,
    network.ProjectSettings,
    network.Target,
    network.Partnership,
    catalogue.Course,
    catalogue.Enrolment,
    network.DisseminationEvent,
    network.SteeringMeeting,
    network.Narrative,
)
STATE = "isok_reports_changes"  # in Session.info: {"clients": set, "cases": set, "all": bool}


def init_app(app) -> None:
    """Listen to every session of the application (once per process: the listeners are module functions)."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("do_orm_execute", _after_bulk_statement),
        ("before_commit", _before_commit),
        ("after_rollback", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _state(session) -> dict:
    return session.info.setdefault(STATE, {"clients": set(), "cases": set(), "all": False})


def _after_flush(session, _context) -> None:
    """Note the clients and cases the flush changed. An object whose columns stayed as they were is no change, such
    as a case that only gained an entry in its guidance log."""
    changed = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    for obj in (*session.new, *changed, *session.deleted):
        if not isinstance(obj, SOURCES):
            continue
        state = _state(session)
        if isinstance(obj, Client):
            state["clients"].add(obj.id)
        elif isinstance(obj, Case):
            state["clients"].add(obj.client_id)
        elif isinstance(obj, StageChange | Certificate):
            state["cases"].add(obj.case_id)


def _after_bulk_statement(orm_state) -> None:
    """An UPDATE, INSERT or DELETE statement on a source: which clients it touched is not known, so all.

    An UPDATE of clients or cases that leaves their version as it was changes nothing the records follow (the sync
    tells a changed client or case by its version), such as the moment a case was last active, so it is not a change
    at all: it would otherwise bring every record in step at each entry in a case's guidance log."""
    if not (orm_state.is_update or orm_state.is_insert or orm_state.is_delete):
        return
    mapper = orm_state.bind_mapper
    if mapper is None or not issubclass(mapper.class_, SOURCES):
        return
    if orm_state.is_update and issubclass(mapper.class_, Client | Case) and not _sets_version(orm_state, mapper):
        return
    _state(orm_state.session)["all"] |= issubclass(mapper.class_, CLIENT_SOURCES)


def _sets_version(orm_state, mapper) -> bool:
    """Whether an UPDATE statement sets the version: in its values, or in the rows of an UPDATE by primary key."""
    names = {getattr(key, "key", key) for key in getattr(orm_state.statement, "_values", None) or {}}
    rows = orm_state.parameters
    for row in rows if isinstance(rows, list) else [rows or {}]:
        names |= set(row)
    return mapper.version_id_col.key in names


def _before_commit(session) -> None:
    if session.in_nested_transaction():  # a savepoint: the changes are synced once, when the transaction commits
        return
    session.flush()  # what the commit would flush next is seen here, and synced in the same transaction
    if STATE not in session.info:
        return
    state = session.info.pop(STATE)
    if session is db.session():  # the records are written through the application's own session
        clients = set(state["clients"])
        if state["cases"]:
            clients |= set(session.scalars(select(Case.client_id).where(Case.id.in_(state["cases"]))))
        services.sync_participations(None if state["all"] else clients)
    raise_data_version(session)
    session.info.pop(STATE, None)


def raise_data_version(session) -> None:
    """Add one to the data version, making its row if there is none yet: one INSERT … ON CONFLICT DO UPDATE, so
    writers that commit at the same moment each add one and none fails on the row another has just made (on
    PostgreSQL the second waits for the first's row lock, then adds to what it committed; SQLite writes one
    transaction at a time)."""
    dialect = session.get_bind().dialect.name
    upsert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](ReportDataVersion)
    table = ReportDataVersion.__table__
    session.execute(
        upsert.values(id=1, version=1).on_conflict_do_update(
            index_elements=[table.c.id], set_={"version": table.c.version + 1}
        )
    )


def _forget(session) -> None:
    """A rolled-back transaction changed nothing; a rolled-back savepoint leaves what its transaction touched before
    it (syncing a client whose change was undone only finds the record already right)."""
    if not session.in_nested_transaction():
        session.info.pop(STATE, None)


def data_version() -> int:
    return db.session.scalar(select(ReportDataVersion.version)) or 0


# --- computed reports ------------------------------------------------------------------------------------------


def cache_key(period: str, scope: str, rules: str, public: bool, as_of: date, locale: str) -> str:
    return "|".join((period, scope, rules, "public" if public else "internal", as_of.isoformat(), locale))


def cached(key: str, compute: Callable[[], dict]) -> dict:
    """The report stored under the key at the current data version, or computed now and stored.

    A report missing from the store is computed in a write transaction, one request at a time (on PostgreSQL an
    advisory lock per key; SQLite writes one at a time anyway); the requests that waited then find it stored.
    """
    version = data_version()
    found = db.session.get(CachedReport, key)
    if found is not None and found.version == version:
        return found.data
    begin_write(db.session)
    if db.session.get_bind().dialect.name == "postgresql":
        lock = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
    version = data_version()
    found = db.session.get(CachedReport, key)
    if found is not None and found.version == version:
        db.session.commit()
        return found.data
    data = compute()
    db.session.execute(
        delete(CachedReport).where(CachedReport.version != version, CachedReport.key != key),
        execution_options={"synchronize_session": False},
    )
    if found is None:
        db.session.add(CachedReport(key=key, version=version, data=data))
    else:
        found.version, found.data, found.computed_at = version, data, utcnow()
    db.session.commit()
    return data
