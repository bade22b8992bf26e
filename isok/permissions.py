"""The one place that answers "may this user do this to that object".

Views, templates and services all ask these functions. Function-level rules are capabilities held by roles
(a missing capability answers 403); object rules are scoped queries and predicates (an object outside them
answers 404, so ids reveal nothing).
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, false, or_, select, true

from cases.models import Case, Client, Handover, HandoverStatus, case_co_counsellor
from isok.accounts.models import Role
from isok.extensions import db
from isok.reports.models import Participation

# --- capabilities: what a role may do at all (lacking one answers 403) -----------------------------------------

MANAGE_USERS = "manage_users"
MANAGE_ORGANISATIONS = "manage_organisations"
VIEW_AUDIT = "view_audit"
VIEW_CASES = "view_cases"  # open case lists and case pages (which ones: visible_cases)
MANAGE_CASES = "manage_cases"  # open cases, register clients, move stages, keep the guidance log
VIEW_GUIDANCE_NOTES = "view_guidance_notes"  # staff-only notes; project managers see figures, not notes
IMPORT_CASES = "import_cases"  # import clients and cases from a spreadsheet
EXPORT_CLIENT_DATA = "export_client_data"  # hand a client everything held about them (data subject access)
ERASE_CLIENTS = "erase_clients"  # anonymise a client on request or after the retention period
VIEW_OWN_CASE = "view_own_case"  # a client's own page: their stage and appointments
VIEW_REPORTS = "view_reports"  # project figures: the partner network overview, targets, ESF reports
MANAGE_NETWORK = "manage_network"  # partners, trainings, events, steering meetings, narratives, project settings
VIEW_REPORT_RECORDS = "view_report_records"  # open the participants behind a report figure (drill-down, audited)
SUBMIT_REPORTS = "submit_reports"  # submit (freeze) a six-monthly ESF report
CORRECT_PARTICIPATION = "correct_participation"  # correct frozen entry data and record follow-up results

ADMIN, MANAGER, COUNSELLOR = Role.ADMIN, Role.PROJECT_MANAGER, Role.COUNSELLOR
TEACHER, TUTOR, CLIENT = Role.TEACHER, Role.WORKPLACE_TUTOR, Role.CLIENT

# One line per capability: which roles hold it.
GRANTS: dict[str, set[Role]] = {
    MANAGE_USERS: {ADMIN},
    MANAGE_ORGANISATIONS: {ADMIN},
    VIEW_AUDIT: {ADMIN},
    VIEW_CASES: {ADMIN, MANAGER, COUNSELLOR, TEACHER, TUTOR},
    MANAGE_CASES: {ADMIN, COUNSELLOR},
    VIEW_GUIDANCE_NOTES: {ADMIN, COUNSELLOR},
    IMPORT_CASES: {ADMIN, COUNSELLOR},
    EXPORT_CLIENT_DATA: {ADMIN, COUNSELLOR},
    ERASE_CLIENTS: {ADMIN},
    VIEW_OWN_CASE: {CLIENT},
    VIEW_REPORTS: {ADMIN, MANAGER},
    MANAGE_NETWORK: {ADMIN, MANAGER},
    VIEW_REPORT_RECORDS: {ADMIN, MANAGER},
    SUBMIT_REPORTS: {ADMIN, MANAGER},
    CORRECT_PARTICIPATION: {ADMIN, MANAGER},
}


def capabilities(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    roles = user.roles
    return {capability for capability, holders in GRANTS.items() if holders & roles}


def can(user, capability: str) -> bool:
    return capability in capabilities(user)


def requires(capability: str):
    """Route decorator: anonymous users go to the login page, users without the capability get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, capability):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# --- cases -----------------------------------------------------------------------------------------------------

def visible_cases(user) -> Select:
    """The cases the user may open: a query, so lists never show what a case page would refuse."""
    return select(Case).where(_case_scope(user))


def _case_scope(user):
    if not getattr(user, "is_authenticated", False):
        return false()
    roles = user.roles
    if roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return Case.id.is_not(None)
    conditions = []
    if Role.COUNSELLOR in roles:
        conditions += [
            Case.organisation_id == user.organisation_id,
            Case.counsellor_id == user.id,
            Case.id.in_(select(case_co_counsellor.c.case_id).where(case_co_counsellor.c.user_id == user.id)),
        ]
    if Role.CLIENT in roles:
        conditions.append(Case.client_id.in_(select(Client.id).where(Client.user_id == user.id)))
    return or_(*conditions) if conditions else false()


def can_view_case(user, case: Case) -> bool:
    return db.session.scalar(select(Case.id).where(Case.id == case.id, _case_scope(user))) is not None


def can_manage_case(user, case: Case) -> bool:
    return can(user, MANAGE_CASES) and can_view_case(user, case)


def can_view_guidance_notes(user, case: Case) -> bool:
    return can(user, VIEW_GUIDANCE_NOTES) and can_view_case(user, case)


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
    conditions = [Client.id.in_(select(Case.client_id).where(_case_scope(user)))]
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


# --- network ---------------------------------------------------------------------------------------------------
# Network records belong to the project as a whole: whoever may view the project's figures sees all of them.

def visible_network(user, model) -> Select:
    """The partnerships, trainings, events, meetings or narratives (`model`) the user may open."""
    return select(model).where(true() if can(user, VIEW_REPORTS) else false())


# --- reports ---------------------------------------------------------------------------------------------------
# ESF participation records are the project's: whoever may open the records behind the figures sees all of them.

def visible_participations(user) -> Select:
    """The participation records (and through them the people) the user may list behind a report figure."""
    return select(Participation).where(true() if can(user, VIEW_REPORT_RECORDS) else false())


def init_app(app) -> None:
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["can_manage_case"] = can_manage_case
    app.jinja_env.globals["can_view_guidance_notes"] = can_view_guidance_notes
    app.jinja_env.globals["can_manage_client"] = can_manage_client
