"""Who may open which clients and cases, and answer which transfers (the mechanism is isok.permissions)."""

from sqlalchemy import Select, exists, false, or_, select

from cases.models import Case, Client, Handover, HandoverStatus, case_co_counsellor
from isok import permissions
from isok.accounts.models import Role
from isok.extensions import db
from isok.permissions import MANAGE_CASES, VIEW_CASES, VIEW_GUIDANCE_NOTES, can


def reasons_to_open(roles: frozenset[Role], user_id: int, organisation_id: int | None) -> list:
    """The reasons cases knows to open a case: the whole project, the counsellor's, the client's own."""
    if roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return [Case.id.is_not(None)]
    conditions = []
    if Role.COUNSELLOR in roles:
        conditions += [
            Case.organisation_id == organisation_id,
            Case.counsellor_id == user_id,
            exists().where(case_co_counsellor.c.case_id == Case.id, case_co_counsellor.c.user_id == user_id),
        ]
    if Role.CLIENT in roles:
        conditions.append(Case.client_id.in_(select(Client.id).where(Client.user_id == user_id)))
    return conditions


def visible_cases(user) -> Select:
    """The cases the user may open: a query, so lists never show what a case page would refuse."""
    return select(Case).where(permissions.case_condition(user))


def case_visible(user, case_id):
    """A condition for rows that belong to a case (interviews, placements...): their case is one the user may open.

    Correlated EXISTS: a query checks the cases of its own rows, where `case_id IN (visible case ids)` first
    lists every visible case (a scan of the whole case table on each dashboard panel). The subquery keeps its own
    `case` even where the outer query joins one.
    """
    return exists().where(Case.id == case_id, permissions.case_condition(user)).correlate_except(Case)


def can_view_case(user, case: Case) -> bool:
    return db.session.scalar(select(Case.id).where(Case.id == case.id, permissions.case_condition(user))) is not None


def can_manage_case(user, case: Case) -> bool:
    return can(user, MANAGE_CASES) and can_view_case(user, case)


def can_view_guidance_notes(user, case: Case) -> bool:
    return can(user, VIEW_GUIDANCE_NOTES) and can_view_case(user, case)


def is_own_case(user, case: Case) -> bool:
    return getattr(user, "is_authenticated", False) and case.client is not None and case.client.user_id == user.id


def own_cases(user) -> Select:
    """A client's own cases (through their linked Client record), for their own page."""
    if not getattr(user, "is_authenticated", False):
        return select(Case).where(false())
    return select(Case).join(Client, Case.client_id == Client.id).where(Client.user_id == user.id)


def visible_clients(user) -> Select:
    """Clients whose personal record the user may open: those of visible cases, and those their organisation
    registered (a client may be registered before a case is opened)."""
    return select(Client).where(_client_scope(user))


def _client_scope(user):
    if not getattr(user, "is_authenticated", False) or not can(user, VIEW_CASES):
        return false()
    if user.roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return Client.id.is_not(None)
    conditions = [exists().where(Case.client_id == Client.id, permissions.case_condition(user)).correlate_except(Case)]
    if Role.COUNSELLOR in user.roles and user.organisation_id is not None:
        conditions.append(Client.organisation_id == user.organisation_id)
    return or_(*conditions)


def can_view_client(user, client: Client) -> bool:
    return db.session.scalar(select(Client.id).where(Client.id == client.id, _client_scope(user))) is not None


def can_manage_client(user, client: Client) -> bool:
    return can(user, MANAGE_CASES) and can_view_client(user, client)


def answerable_handovers(user) -> Select:
    """Transfers waiting for the user's organisation to accept or decline them."""
    if not can(user, MANAGE_CASES):
        return select(Handover).where(false())
    stmt = select(Handover).where(Handover.status == HandoverStatus.PENDING)
    if Role.ADMIN in user.roles:
        return stmt
    if user.organisation_id is None:
        return stmt.where(false())
    return stmt.where(Handover.to_organisation_id == user.organisation_id)

