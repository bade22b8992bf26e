"""Case lists and dashboard figures, always built on the permission-scoped query."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from cases import access, counts
from cases.models import Case, Client, ClientType, Gender, Stage, client_display_name
from cases.name_search import name_contains
from isok.accounts.models import Organisation, Role, User
from isok.database import utcnow
from isok.extensions import db

PAGE_SIZE = 25
INACTIVE_DAYS = 30

SORTS = {
    "activity": (Case.last_activity_at.desc(), Case.id.desc()),
    "name": (Client.last_name, Client.first_name, Case.id),
    "entry": (Case.entry_date.desc(), Case.id.desc()),
    "entry_asc": (Case.entry_date, Case.id),
    "stage": (Case.stage, Case.last_activity_at.desc(), Case.id.desc()),
}


class CaseRow(NamedTuple):
    """One case as the list and the CSV export show it, read as plain columns.

    Building ORM objects for every case, client, counsellor and organisation on a page cost more than the query.
    """

    id: int
    client_id: int
    first_name: str | None
    last_name: str | None
    birth_year: int | None
    gender: Gender
    erased_at: datetime | None
    stage: Stage
    client_type: ClientType
    target: str | None
    counsellor_name: str | None
    organisation_name: str
    entry_date: date
    exit_date: date | None
    follow_up_due: date | None
    follow_up_on: date | None
    last_activity_at: datetime

    @property
    def client_name(self) -> str:
        return client_display_name(self.client_id, self.first_name, self.last_name, self.erased_at)


# The columns of CaseRow and the joins they come from, built once: the list is the busiest page.
_ROWS = (
    select(
        Case.id,
        Case.client_id,
        Client.first_name,
        Client.last_name,
        Client.birth_year,
        Client.gender,
        Client.erased_at,
        Case.stage,
        Case.client_type,
        Case.target,
        User.name,
        Organisation.name,
        Case.entry_date,
        Case.exit_date,
        Case.follow_up_due,
        Case.follow_up_on,
        Case.last_activity_at,
    )
    .join_from(Case, Client, Case.client)
    .join_from(Case, Organisation, Case.organisation)
    .outerjoin_from(Case, User, Case.counsellor)
)


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


def _filtered(stmt: Select, filters: CaseFilters) -> Select:
    if filters.q:
        stmt = stmt.where(name_contains(filters.q))
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


def filtered_rows(user, filters: CaseFilters, limit: int) -> Iterator[CaseRow]:
    """The visible cases matching the filters, as list rows, in the list's order, read a thousand at a time (an
    export of every case never holds them all in memory)."""
    stmt = _filtered(_ROWS.where(access.visible_condition(user)), filters).limit(limit)
    for row in db.session.execute(stmt.execution_options(yield_per=1000)):
        yield CaseRow._make(row)


def case_page(user, filters: CaseFilters, page: int, size: int = PAGE_SIZE) -> tuple[list[CaseRow], bool]:
    """One page of the filtered cases and whether another follows, without counting the whole result.

    The page's ids are chosen first (a narrow sort over ids and sort keys), then only those rows are read with
    their client, counsellor and organisation: sorting thousands of wide joined rows is what makes a list slow.
    """
    ids = access.visible_cases(user).with_only_columns(Case.id)
    if filters.q or filters.sort == "name":
        ids = ids.join(Case.client)
    ids = _filtered(ids, filters)
    ids = ids.limit(size + 1).offset((page - 1) * size)
    stmt = _ROWS.where(Case.id.in_(ids)).order_by(*SORTS.get(filters.sort, SORTS["activity"]))
    rows = [CaseRow._make(row) for row in db.session.execute(stmt)]
    return rows[:size], len(rows) > size


def _scope(user, counsellor_id: int | None) -> Select:
    """The visible cases, of one counsellor when given.

    A counsellor's own cases are theirs to open (`access.reasons_to_open`), so their start page reads them by the
    counsellor index alone: with the visibility condition beside it, every one of their cases was read from the table
    to test it, and the page grew with their caseload.
    """
    if counsellor_id is None:
        return access.visible_cases(user)
    if counsellor_id == user.id and Role.COUNSELLOR in user.roles:
        return select(Case).where(Case.counsellor_id == counsellor_id)
    return access.visible_cases(user).where(Case.counsellor_id == counsellor_id)


def stage_counts(user, counsellor_id: int | None = None) -> dict[Stage, int]:
    """The visible cases by stage, of one counsellor when given.

    The start pages' two scopes, every case (a project manager's or an administrator's) and a counsellor's own, are
    read from the kept counts (cases/counts.py): counting them read every case of the scope.
    """
    if counsellor_id is None and user.roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return counts.stage_counts()
    if counsellor_id is not None and counsellor_id == user.id and Role.COUNSELLOR in user.roles:
        return counts.stage_counts(counsellor_id)
    scope = _scope(user, counsellor_id).with_only_columns(Case.stage, func.count(Case.id)).group_by(Case.stage)
    found = dict(db.session.execute(scope).all())
    return {stage: found.get(stage, 0) for stage in Stage}


def inactive_cases(user, counsellor_id: int | None = None, limit: int = 10) -> list[Case]:
    """Open cases where nothing has happened for 30 days, the longest silent first."""
    cutoff = utcnow() - timedelta(days=INACTIVE_DAYS)
    stmt = (
        _scope(user, counsellor_id)
        .options(joinedload(Case.client))
        .where(Case.stage != Stage.CLOSED, Case.last_activity_at < cutoff)
        .order_by(Case.last_activity_at)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def follow_ups_due(user, counsellor_id: int | None = None, within_days: int = 14, limit: int = 10) -> list[Case]:
    """Cases whose six-month follow-up is due (or overdue) and not yet recorded."""
    horizon = utcnow().date() + timedelta(days=within_days)
    stmt = (
        _scope(user, counsellor_id)
        .options(joinedload(Case.client))
        .where(Case.follow_up_due.is_not(None), Case.follow_up_due <= horizon, Case.follow_up_on.is_(None))
        .order_by(Case.follow_up_due)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def visible_case_or_none(user, case_id: int) -> Case | None:
    return db.session.scalar(access.visible_cases(user).where(Case.id == case_id))


def visible_client_or_none(user, client_id: int) -> Client | None:
    return db.session.scalar(access.visible_clients(user).where(Client.id == client_id))
