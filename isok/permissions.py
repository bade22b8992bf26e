"""The one place that answers "may this user do this to that object".

Views, templates and services all ask these functions. Function-level rules are capabilities held by roles
(a missing capability answers 403); object rules are scoped queries and predicates (an object outside them
answers 404, so ids reveal nothing).
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, false, or_, select

from cases.models import Case, Client, case_co_counsellor
from isok.accounts.models import Role
from isok.extensions import db
from portfolio.models import Portfolio, PortfolioStatus

# --- capabilities: what a role may do at all (lacking one answers 403) -----------------------------------------

MANAGE_USERS = "manage_users"
MANAGE_ORGANISATIONS = "manage_organisations"
VIEW_AUDIT = "view_audit"
VIEW_CASES = "view_cases"  # open case lists and case pages (which ones: visible_cases)
MANAGE_CASES = "manage_cases"  # open cases, register clients, move stages, keep the guidance log
VIEW_GUIDANCE_NOTES = "view_guidance_notes"  # staff-only notes; project managers see figures, not notes
VIEW_PORTFOLIO = "view_portfolio"  # read portfolio entries and evidence (which cases: can_view_portfolio)
EDIT_PORTFOLIO = "edit_portfolio"  # add and change entries and evidence (the client's own, or as counsellor)
REVIEW_PORTFOLIO = "review_portfolio"  # comment on entries, return or accept a portfolio, fill in the appraisal

ROLE_CAPABILITIES: dict[Role, set[str]] = {
    Role.ADMIN: {MANAGE_USERS, MANAGE_ORGANISATIONS, VIEW_AUDIT, VIEW_CASES, MANAGE_CASES, VIEW_GUIDANCE_NOTES,
                 VIEW_PORTFOLIO, EDIT_PORTFOLIO, REVIEW_PORTFOLIO},
    Role.PROJECT_MANAGER: {VIEW_CASES},
    Role.COUNSELLOR: {VIEW_CASES, MANAGE_CASES, VIEW_GUIDANCE_NOTES, VIEW_PORTFOLIO, EDIT_PORTFOLIO, REVIEW_PORTFOLIO},
    Role.TEACHER: {VIEW_CASES, VIEW_PORTFOLIO},
    Role.WORKPLACE_TUTOR: {VIEW_CASES, VIEW_PORTFOLIO},
    Role.CLIENT: {VIEW_PORTFOLIO, EDIT_PORTFOLIO},
}


def capabilities(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set().union(*(ROLE_CAPABILITIES[role] for role in user.roles))


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


# --- portfolio ----------------------------------------------------------------------------------------------------
# The client edits their own portfolio while it is being prepared or has been returned; counsellors of the case view,
# edit, comment, return and accept it at any time; teachers and tutors who can view the case read it; project
# managers never see its content.

def is_own_case(user, case: Case) -> bool:
    return getattr(user, "is_authenticated", False) and case.client is not None and case.client.user_id == user.id


def can_view_portfolio(user, case: Case) -> bool:
    return can(user, VIEW_PORTFOLIO) and can_view_case(user, case)


def can_review_portfolio(user, case: Case) -> bool:
    return can(user, REVIEW_PORTFOLIO) and can_manage_case(user, case)


def can_edit_portfolio(user, case: Case) -> bool:
    if not can(user, EDIT_PORTFOLIO) or not can_view_case(user, case):
        return False
    if can_manage_case(user, case):
        return True
    if not is_own_case(user, case):
        return False
    status = db.session.scalar(select(Portfolio.status).where(Portfolio.case_id == case.id))
    return status in (None, PortfolioStatus.DRAFT, PortfolioStatus.RETURNED)


def visible_portfolio_cases(user) -> Select:
    """The cases whose portfolio the user may read."""
    if not can(user, VIEW_PORTFOLIO):
        return select(Case).where(false())
    return visible_cases(user)


def init_app(app) -> None:
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["can_manage_case"] = can_manage_case
    app.jinja_env.globals["can_view_portfolio"] = can_view_portfolio
    app.jinja_env.globals["can_edit_portfolio"] = can_edit_portfolio
    app.jinja_env.globals["can_review_portfolio"] = can_review_portfolio
