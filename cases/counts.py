"""Counts over every case, kept in step with the cases, so the start pages read a few rows however many cases there are.

Counting the cases by stage, or the clients who started validation, read every case (or an index entry for each) on
every start page: at 100,000 cases that was most of the page. The counts are kept instead, changed in the same flush
as the cases they count, by atomic increments (an UPSERT adding a difference): two transactions changing different
cases both add their difference, and two changing the same case cannot both commit (the case's version column).

Every write of a case goes through the ORM (services, the case import, the demo data), so a flush listener sees them
all; `recount` rebuilds the counts from the cases for data written around the ORM (the benchmarks' bulk load).

- `case_stage_count`: cases by responsible counsellor and stage.
- `client_latest_entry` and `latest_entry_count`: the entry date of each client's latest case, and how many clients
  have each date. A client has a case opened on or after a date exactly when their latest case was, so the clients
  who started validation since the project start are a sum over dates. A flush that opens a case or changes its entry
  date or client locks the client's row first, so two transactions adding cases of one client take turns.

Rows of the counts are changed in one order in every transaction, so concurrent writers wait for each other without
deadlocking (tests/cases/test_counts.py writes eight at once).
"""

from collections import Counter
from datetime import date

from sqlalchemy import delete, event, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cases.models import Case, Client, ClientLatestEntry, LatestEntryCount, Stage, StageCount
from isok.extensions import db

_OLD = "cases_counts_old"  # in Session.info: {case id: (counsellor key, stage, client id)} read before the flush
NO_COUNSELLOR = 0


def init_app(app) -> None:
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _key(counsellor_id: int | None) -> int:
    return counsellor_id or NO_COUNSELLOR


def _counted_change(case: Case) -> bool:
    """Whether a case's pending change moves a count: its stage, counsellor, client or entry date."""
    attrs = db.inspect(case).attrs
    return any(
        getattr(attrs, name).history.has_changes()
        for name in ("stage", "counsellor_id", "counsellor", "client_id", "client", "entry_date")
    )


def _before_flush(session, _context, _instances) -> None:
    """Read what the changed and deleted cases were before this flush (the database holds it until the flush)."""
    ids = [
        case.id
        for case in (*session.dirty, *session.deleted)
        if isinstance(case, Case) and case.id is not None and (case in session.deleted or _counted_change(case))
    ]
    if not ids:
        return
    rows = session.execute(
        select(Case.id, Case.counsellor_id, Case.stage, Case.client_id).where(Case.id.in_(ids))
    ).all()
    session.info.setdefault(_OLD, {}).update({id_: (_key(c), stage, client) for id_, c, stage, client in rows})


def _after_flush(session, _context) -> None:
    old = session.info.pop(_OLD, {})
    stages: Counter = Counter()
    clients: set[int] = set()
    for case in session.new:
        if isinstance(case, Case):
            stages[(_key(case.counsellor_id), case.stage)] += 1
            clients.add(case.client_id)
    for case in session.dirty:
        if isinstance(case, Case) and case.id in old:
            counsellor, stage, client = old[case.id]
            stages[(counsellor, stage)] -= 1
            stages[(_key(case.counsellor_id), case.stage)] += 1
            clients |= {client, case.client_id}
    for case in session.deleted:
        if isinstance(case, Case) and case.id in old:
            counsellor, stage, client = old[case.id]
            stages[(counsellor, stage)] -= 1
            clients.add(client)
    connection = session.connection()
    # Rows are always changed in one order (counsellor, stage; clients by id; dates), so that two transactions
    # waiting for each other's rows cannot each hold one the other needs.
    for (counsellor, stage), difference in sorted(stages.items(), key=lambda item: (item[0][0], item[0][1].value)):
        if difference:
            _add(connection, StageCount, {"counsellor_key": counsellor, "stage": stage}, "cases", difference)
    if clients:
        _bring_latest_entries_in_step(connection, sorted(clients))


def _add(connection, model, key: dict, column: str, difference: int) -> None:
    """Add `difference` to one count, creating its row at the difference (an atomic UPSERT)."""
    table = model.__table__
    upsert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[connection.dialect.name](model)
    connection.execute(
        upsert.values(**key, **{column: difference}).on_conflict_do_update(
            index_elements=[table.c[name] for name in key], set_={column: table.c[column] + difference}
        )
    )


def _bring_latest_entries_in_step(connection, client_ids: list[int]) -> None:
    """Bring the touched clients' latest entry dates and the counts by date in step, a thousand clients at a time
    (an import touches thousands in one flush)."""
    dates: Counter = Counter()
    for start in range(0, len(client_ids), 1000):
        chunk = client_ids[start : start + 1000]
        # The client rows are locked (in id order) before their counts are read, so a concurrent flush for the same
        # client waits here and its next statements see this one's committed cases. FOR NO KEY UPDATE: the flush's
        # own case rows already hold a key-share lock on their client, which FOR UPDATE would wait for (a deadlock
        # between two transactions opening cases of one client).
        connection.execute(
            select(Client.id).where(Client.id.in_(chunk)).order_by(Client.id).with_for_update(key_share=True)
        ).all()
        kept = dict(
            connection.execute(
                select(ClientLatestEntry.client_id, ClientLatestEntry.entry_date).where(
                    ClientLatestEntry.client_id.in_(chunk)
                )
            ).all()
        )
        latest = dict(
            connection.execute(
                select(Case.client_id, func.max(Case.entry_date))
                .where(Case.client_id.in_(chunk))
                .group_by(Case.client_id)
            ).all()
        )
        moved = [client_id for client_id in chunk if kept.get(client_id) != latest.get(client_id)]
        if not moved:
            continue
        if replaced := [c for c in moved if kept.get(c) is not None]:
            connection.execute(delete(ClientLatestEntry).where(ClientLatestEntry.client_id.in_(replaced)))
        added = [{"client_id": c, "entry_date": latest[c]} for c in moved if latest.get(c) is not None]
        if added:
            connection.execute(insert(ClientLatestEntry), added)
        dates.update(kept[c] for c in moved if kept.get(c) is not None)
        dates.subtract(latest[c] for c in moved if latest.get(c) is not None)
    for entry_date, fewer in sorted(dates.items()):
        if fewer:
            _add(connection, LatestEntryCount, {"entry_date": entry_date}, "clients", -fewer)


# --- reading -----------------------------------------------------------------------------------------------------


def stage_counts(counsellor_id: int | None = None) -> dict[Stage, int]:
    """Cases by stage: every case, or one counsellor's."""
    stmt = select(StageCount.stage, func.sum(StageCount.cases)).group_by(StageCount.stage)
    if counsellor_id is not None:
        stmt = stmt.where(StageCount.counsellor_key == counsellor_id)
    counts = dict(db.session.execute(stmt).all())
    return {stage: int(counts.get(stage) or 0) for stage in Stage}


def clients_with_a_case_since(since: date | None) -> int:
    """Distinct clients with a case opened on or after `since` (every client with a case without it)."""
    stmt = select(func.coalesce(func.sum(LatestEntryCount.clients), 0))
    if since is not None:
        stmt = stmt.where(LatestEntryCount.entry_date >= since)
    return int(db.session.scalar(stmt) or 0)


def recount() -> None:
    """Rebuild every count from the cases (after cases were written around the ORM)."""
    for model in (StageCount, LatestEntryCount, ClientLatestEntry):
        db.session.execute(delete(model))
    counsellor = func.coalesce(Case.counsellor_id, literal(NO_COUNSELLOR, literal_execute=True))
    db.session.execute(
        insert(StageCount).from_select(
            ["counsellor_key", "stage", "cases"],
            select(counsellor, Case.stage, func.count(Case.id)).group_by(counsellor, Case.stage),
        )
    )
    db.session.execute(
        insert(ClientLatestEntry).from_select(
            ["client_id", "entry_date"],
            select(Case.client_id, func.max(Case.entry_date)).group_by(Case.client_id),
        )
    )
    db.session.execute(
        insert(LatestEntryCount).from_select(
            ["entry_date", "clients"],
            select(ClientLatestEntry.entry_date, func.count()).group_by(ClientLatestEntry.entry_date),
        )
    )
