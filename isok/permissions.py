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
from certificates.models import BulkIssue, Certificate, CertificateStatus
from isok.accounts.models import Role
from isok.extensions import db

# --- capabilities: what a role may do at all (lacking one answers 403) -----------------------------------------

MANAGE_USERS = "manage_users"
MANAGE_ORGANISATIONS = "manage_organisations"
VIEW_AUDIT = "view_audit"
VIEW_CASES = "view_cases"  # open case lists and case pages (which ones: visible_cases)
MANAGE_CASES = "manage_cases"  # open cases, register clients, move stages, keep the guidance log
VIEW_GUIDANCE_NOTES = "view_guidance_notes"  # staff-only notes; project managers see figures, not notes
VIEW_CERTIFICATES = "view_certificates"  # staff: certificates of the visible cases
ISSUE_CERTIFICATES = "issue_certificates"  # preview, issue, re-issue, bulk issue
REVOKE_CERTIFICATES = "revoke_certificates"
VIEW_OWN_CERTIFICATES = "view_own_certificates"  # clients: "My certificates"

_CERTIFICATE_STAFF = {VIEW_CERTIFICATES, ISSUE_CERTIFICATES, REVOKE_CERTIFICATES}

ROLE_CAPABILITIES: dict[Role, set[str]] = {
    Role.ADMIN: {MANAGE_USERS, MANAGE_ORGANISATIONS, VIEW_AUDIT, VIEW_CASES, MANAGE_CASES, VIEW_GUIDANCE_NOTES,
                 *_CERTIFICATE_STAFF},
    Role.PROJECT_MANAGER: {VIEW_CASES, VIEW_CERTIFICATES},
    Role.COUNSELLOR: {VIEW_CASES, MANAGE_CASES, VIEW_GUIDANCE_NOTES, *_CERTIFICATE_STAFF},
    Role.TEACHER: {VIEW_CASES},
    Role.WORKPLACE_TUTOR: {VIEW_CASES},
    Role.CLIENT: {VIEW_OWN_CERTIFICATES},
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


# --- certificates ----------------------------------------------------------------------------------------------

def visible_certificates(user) -> Select:
    """Staff see the certificates of the cases they see; a client sees only their own valid certificates."""
    if not getattr(user, "is_authenticated", False):
        return select(Certificate).where(false())
    if can(user, VIEW_CERTIFICATES):
        return select(Certificate).join(Case, Certificate.case_id == Case.id).where(_case_scope(user))
    if can(user, VIEW_OWN_CERTIFICATES):
        own_cases = select(Case.id).join(Client, Case.client_id == Client.id).where(Client.user_id == user.id)
        return select(Certificate).where(Certificate.case_id.in_(own_cases),
                                         Certificate.status == CertificateStatus.VALID)
    return select(Certificate).where(false())


def can_view_certificate(user, certificate: Certificate) -> bool:
    query = visible_certificates(user).where(Certificate.id == certificate.id).with_only_columns(Certificate.id)
    return db.session.scalar(query) is not None


def can_issue_certificate(user, case: Case) -> bool:
    return can(user, ISSUE_CERTIFICATES) and can_view_case(user, case)


def can_revoke_certificate(user, certificate: Certificate) -> bool:
    return (can(user, REVOKE_CERTIFICATES) and certificate.status == CertificateStatus.VALID
            and can_view_case(user, certificate.case))


def can_reissue_certificate(user, certificate: Certificate) -> bool:
    return certificate.status == CertificateStatus.VALID and can_issue_certificate(user, certificate.case)


def visible_bulk_issues(user) -> Select:
    """A bulk issue is its starter's own work; administrators see all."""
    if not can(user, ISSUE_CERTIFICATES):
        return select(BulkIssue).where(false())
    if Role.ADMIN in user.roles:
        return select(BulkIssue)
    return select(BulkIssue).where(BulkIssue.created_by_id == user.id)


def init_app(app) -> None:
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["can_manage_case"] = can_manage_case
    app.jinja_env.globals["can_issue_certificate"] = can_issue_certificate
    app.jinja_env.globals["can_revoke_certificate"] = can_revoke_certificate
    app.jinja_env.globals["can_reissue_certificate"] = can_reissue_certificate
