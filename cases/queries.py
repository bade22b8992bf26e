"""Case lists and dashboard figures, always built on the permission-scoped query."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, or_
from sqlalchemy.orm import contains_eager, joinedload

from cases.models import Case, Client, ClientType, Stage
from isok import permissions
from isok.database import utcnow
from isok.extensions import db

PAGE_SIZE = 50
INACTIVE_DAYS = 30

SORTS = {
    "activity": (Case.last_activity_at.desc(), Case.id.desc()),
    "name": (Client.last_name, Client.first_name, Case.id),
    "entry": (Case.entry_date.desc(), Case.id.desc()),
    "entry_asc": (Case.entry_date, Case.id),
    "stage": (Case.stage, Case.last_activity_at.desc(), Case.id.desc()),
}


@dataclass
class CaseFilters:
    q: str = ""
    stage: Stage | None = None
    counsellor_id: int | None = None
    organisation_id: int | None = None
    client_type: ClientType | None = None
    entry_from: date | None = None
    entry_to: date | None = None
    sort: str = "activity"


def filtered_cases(user, filters: CaseFilters) -> Select:
    """The visible cases matching the filters, with what a list row shows loaded in the same query."""
    stmt = (permissions.visible_cases(user).join(Case.client)
            .options(contains_eager(Case.client), joinedload(Case.counsellor), joinedload(Case.organisation)))
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        full_name = func.lower(Client.first_name + " " + Client.last_name)
        stmt = stmt.where(or_(full_name.like(pattern), func.lower(Client.last_name).like(pattern)))
    if filters.stage is not None:
        stmt = stmt.where(Case.stage == filters.stage)
    if filters.counsellor_id:
        stmt = stmt.where(Case.counsellor_id == filters.counsellor_id)
    if filters.organisation_id:
        stmt = stmt.where(Case.organisation_id == filters.organisation_id)
    if filters.client_type is not None:
        stmt = stmt.where(Case.client_type == filters.client_type)
    if filters.entry_from is not None:
        stmt = stmt.where(Case.entry_date >= filters.entry_from)
    if filters.entry_to is not None:
        stmt = stmt.where(Case.entry_date <= filters.entry_to)
    return stmt.order_by(*SORTS.get(filters.sort, SORTS["activity"]))


def page_of(stmt: Select, page: int, size: int = PAGE_SIZE) -> tuple[list, bool]:
    """One page of rows and whether another follows, without counting the whole result."""
    rows = db.session.scalars(stmt.limit(size + 1).offset((page - 1) * size)).unique().all()
    return rows[:size], len(rows) > size


def stage_counts(user, counsellor_id: int | None = None) -> dict[Stage, int]:
    scope = permissions.visible_cases(user).with_only_columns(Case.stage, func.count(Case.id)).group_by(Case.stage)
    if counsellor_id is not None:
        scope = scope.where(Case.counsellor_id == counsellor_id)
    counts = dict(db.session.execute(scope).all())
    return {stage: counts.get(stage, 0) for stage in Stage}


def inactive_cases(user, counsellor_id: int | None = None, limit: int = 10) -> list[Case]:
    """Open cases where nothing has happened for 30 days, the longest silent first."""
    cutoff = utcnow() - timedelta(days=INACTIVE_DAYS)
    stmt = (permissions.visible_cases(user).options(joinedload(Case.client))
            .where(Case.stage != Stage.CLOSED, Case.last_activity_at < cutoff)
            .order_by(Case.last_activity_at).limit(limit))
    if counsellor_id is not None:
        stmt = stmt.where(Case.counsellor_id == counsellor_id)
    return list(db.session.scalars(stmt))


def follow_ups_due(user, counsellor_id: int | None = None, within_days: int = 14, limit: int = 10) -> list[Case]:
    """Cases whose six-month follow-up is due (or overdue) and not yet recorded."""
    horizon = utcnow().date() + timedelta(days=within_days)
    stmt = (permissions.visible_cases(user).options(joinedload(Case.client))
            .where(Case.follow_up_due.is_not(None), Case.follow_up_due <= horizon, Case.follow_up_on.is_(None))
            .order_by(Case.follow_up_due).limit(limit))
    if counsellor_id is not None:
        stmt = stmt.where(Case.counsellor_id == counsellor_id)
    return list(db.session.scalars(stmt))


def visible_case_or_none(user, case_id: int) -> Case | None:
    return db.session.scalar(permissions.visible_cases(user).where(Case.id == case_id))


def visible_client_or_none(user, client_id: int) -> Client | None:
    return db.session.scalar(permissions.visible_clients(user).where(Client.id == client_id))
