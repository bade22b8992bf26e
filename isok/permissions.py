"""How the application answers "may this user do this to that object": the mechanism, in one place.

Function-level rules are capabilities held by roles (the table below; a missing capability answers 403). Object
rules are scoped queries and predicates (an object outside them answers 404, so ids reveal nothing); they live with
their feature, in `<feature>/access.py`, and build on two things kept here: `can`, and the condition on the cases a
user may open, to which every feature that brings a case into someone's view contributes (`case_rule`).
"""

from collections.abc import Callable
from functools import lru_cache, wraps

from flask import Flask, abort, current_app, has_request_context, request
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, event, false, or_
from sqlalchemy.orm import Session

from isok.accounts.models import Role
from isok.extensions import db

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
GIVE_CLIENT_LOGIN = "give_client_login"  # a client's one-time login link (which clients: can_give_login)
VIEW_OWN_CASE = "view_own_case"  # a client's own page: their stage and appointments
VIEW_REPORTS = "view_reports"  # project figures: the partner network overview, targets, ESF reports
MANAGE_NETWORK = "manage_network"  # partners, trainings, events, steering meetings, narratives, project settings
VIEW_REPORT_RECORDS = "view_report_records"  # open the participants behind a report figure (drill-down, audited)
SUBMIT_REPORTS = "submit_reports"  # submit (freeze) a six-monthly ESF report
CORRECT_PARTICIPATION = "correct_participation"  # correct frozen entry data and record follow-up results

VIEW_FRAMEWORKS = "view_frameworks"  # read published qualification frameworks
MANAGE_FRAMEWORKS = "manage_frameworks"  # import, export, edit drafts, publish
SCHEDULE_INTERVIEWS = "schedule_interviews"  # book, move and cancel teachers' interviews with clients
RECORD_INTERVIEWS = "record_interviews"  # record the findings of one's own interviews
VIEW_PORTFOLIO = "view_portfolio"  # read portfolio entries and evidence (which cases: can_view_portfolio)
EDIT_PORTFOLIO = "edit_portfolio"  # add and change entries and evidence (the client's own, or as counsellor)
REVIEW_PORTFOLIO = "review_portfolio"  # comment on entries, return or accept a portfolio, fill in the appraisal
VIEW_ASSESSMENTS = "view_assessments"  # placements, assessments, evidence maps (which ones: visible_assessments)
MANAGE_PLACEMENTS = "manage_placements"  # create placements, invite tutors, open assessments, assign assessors
ASSESS = "assess"  # rate outcomes and take part in the joint decision (where one is an assessor: can_assess)
MAP_EVIDENCE = "map_evidence"  # map portfolio items to learning outcomes, confirm the client's proposals
PROPOSE_EVIDENCE = "propose_evidence"  # a client proposes which of their items show which outcomes
VIEW_STATEMENTS = "view_statements"  # read third-party statements (which cases: can_view_statements)
REQUEST_STATEMENTS = "request_statements"  # ask a former employer or supervisor for a statement; revoke the link
VERIFY_STATEMENTS = "verify_statements"  # record whether and how a statement was verified
VIEW_CERTIFICATES = "view_certificates"  # staff: certificates of the visible cases
ISSUE_CERTIFICATES = "issue_certificates"  # preview, issue, re-issue, bulk issue
REVOKE_CERTIFICATES = "revoke_certificates"
VIEW_OWN_CERTIFICATES = "view_own_certificates"  # clients: "My certificates"

ADMIN, MANAGER, COUNSELLOR = Role.ADMIN, Role.PROJECT_MANAGER, Role.COUNSELLOR
TEACHER, TUTOR, CLIENT = Role.TEACHER, Role.WORKPLACE_TUTOR, Role.CLIENT
STAFF = {ADMIN, MANAGER, COUNSELLOR, TEACHER, TUTOR}
# The school's own staff. A workplace tutor works for a company outside it and needs only their placements (the
# placement, its units and criteria, their ratings): no case lists, client records, catalogue or portfolio.
SCHOOL = STAFF - {TUTOR}

# One line per capability: the roles that hold it.
GRANTS: dict[str, set[Role]] = {
    MANAGE_USERS: {ADMIN},
    MANAGE_ORGANISATIONS: {ADMIN},
    VIEW_AUDIT: {ADMIN},
    VIEW_CASES: SCHOOL,
    MANAGE_CASES: {ADMIN, COUNSELLOR},
    VIEW_GUIDANCE_NOTES: {ADMIN, COUNSELLOR},
    IMPORT_CASES: {ADMIN, COUNSELLOR},
    EXPORT_CLIENT_DATA: {ADMIN, COUNSELLOR},
    ERASE_CLIENTS: {ADMIN},
    GIVE_CLIENT_LOGIN: {ADMIN, COUNSELLOR},
    VIEW_OWN_CASE: {CLIENT},
    VIEW_REPORTS: {ADMIN, MANAGER},
    MANAGE_NETWORK: {ADMIN, MANAGER},
    VIEW_FRAMEWORKS: SCHOOL,
    MANAGE_FRAMEWORKS: {ADMIN},
    SCHEDULE_INTERVIEWS: {ADMIN, COUNSELLOR},
    RECORD_INTERVIEWS: {TEACHER},
    VIEW_PORTFOLIO: {ADMIN, COUNSELLOR, TEACHER, CLIENT},
    EDIT_PORTFOLIO: {ADMIN, COUNSELLOR, CLIENT},
    REVIEW_PORTFOLIO: {ADMIN, COUNSELLOR},
    VIEW_ASSESSMENTS: {ADMIN, COUNSELLOR, TEACHER, TUTOR},  # project managers count results, read no ratings
    MANAGE_PLACEMENTS: {ADMIN, COUNSELLOR},
    ASSESS: {COUNSELLOR, TEACHER, TUTOR},
    MAP_EVIDENCE: {ADMIN, COUNSELLOR, TEACHER},
    PROPOSE_EVIDENCE: {CLIENT},
    VIEW_STATEMENTS: {ADMIN, COUNSELLOR, TEACHER, CLIENT},
    REQUEST_STATEMENTS: {ADMIN, COUNSELLOR},
    VERIFY_STATEMENTS: {TEACHER},
    VIEW_CERTIFICATES: {ADMIN, MANAGER, COUNSELLOR},
    ISSUE_CERTIFICATES: {ADMIN, COUNSELLOR},
    REVOKE_CERTIFICATES: {ADMIN, COUNSELLOR},
    VIEW_OWN_CERTIFICATES: {CLIENT},
    VIEW_REPORT_RECORDS: {ADMIN, MANAGER},
    SUBMIT_REPORTS: {ADMIN, MANAGER},
    CORRECT_PARTICIPATION: {ADMIN, MANAGER},
}


def can(user, capability: str) -> bool:
    """Whether one of the user's roles holds the capability (an unknown capability is an error, not a no)."""
    holders = GRANTS[capability]
    return getattr(user, "is_authenticated", False) and not holders.isdisjoint(user.roles)


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


# --- the cases a user may open -------------------------------------------------------------------------------
# A case comes into a user's view for reasons several features know: cases its own (counsellors of the case or its
# organisation, the client, everyone's for administrators and project managers), interviews a teacher's,
# placements a tutor's... Each feature declares its reasons at init_app; the condition is their OR.

CaseRule = Callable[[frozenset[Role], int, int | None], list[ColumnElement[bool]]]
_CASE_RULES = "isok.case_rules"


def case_rule(app: Flask, rule: CaseRule) -> None:
    """Let `rule(roles, user_id, organisation_id)` bring cases into view: it answers conditions on `case` rows (any
    one opens a case), or none. Conditions on related rows should be correlated EXISTS: with every OR term
    indexable on its own, SQLite unions the index lookups and sorts the whole result, where EXISTS lets a list walk
    its sort index and stop after one page (80x faster on 10,000 cases)."""
    app.extensions[_CASE_RULES] = (*app.extensions.get(_CASE_RULES, ()), rule)


def case_condition(user) -> ColumnElement[bool]:
    """The condition on `case` rows the user may open: every case list and case page starts from it."""
    if not getattr(user, "is_authenticated", False):
        return false()
    return _case_condition_for(
        current_app.extensions[_CASE_RULES], frozenset(user.roles), user.id, user.organisation_id
    )


@lru_cache(maxsize=1024)
def _case_condition_for(
    rules: tuple[CaseRule, ...], roles: frozenset[Role], user_id: int, organisation_id: int | None
) -> ColumnElement[bool]:
    """The case condition for one user, built once: building it is a third of the work of a list's query. SQL
    expressions are immutable, so sharing one is safe."""
    conditions = [condition for rule in rules for condition in rule(roles, user_id, organisation_id)]
    return or_(*conditions) if conditions else false()


# --- object rules asked once per request -------------------------------------------------------------------------

_ANSWERS = "isok.access_answers"


def answered_once(key: tuple, answer: Callable[[], bool]) -> bool:
    """An object rule's answer, asked of the database once per request: one page asks "may this user open this
    case" from each of its panels. Anything written forgets the answers (changes waiting to be flushed, a flush, a
    commit or rollback), since a write may change who sees what; outside a request every question is asked anew."""
    if not has_request_context():
        return answer()
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.info.pop(_ANSWERS, None)
        return answer()
    asked_in, answers = session.info.get(_ANSWERS, (None, None))
    if asked_in is not request._get_current_object():  # a session can outlive a request (tests, the CLI)
        answers = {}
        session.info[_ANSWERS] = (request._get_current_object(), answers)
    if key not in answers:
        answers[key] = answer()
    return answers[key]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_answers(session, *_context) -> None:
    session.info.pop(_ANSWERS, None)


def init_app(app: Flask) -> None:
    app.extensions[_CASE_RULES] = ()
    app.jinja_env.globals["can"] = can
