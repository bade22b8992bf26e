"""The one place that answers "may this user do this to that object".

Views, templates and services all ask these functions. Function-level rules are capabilities held by roles
(a missing capability answers 403); object rules are scoped queries and predicates (an object outside them
answers 404, so ids reveal nothing).
"""

from functools import lru_cache, wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, exists, false, or_, select, true

from assessment.assessments.models import Assessment, AssessmentAssessor, AssessorRole
from assessment.frameworks.models import FrameworkVersion, VersionStatus
from assessment.interviews.models import Interview, InterviewStatus
from assessment.placements.models import Placement
from cases.models import Case, Client, Handover, HandoverStatus, case_co_counsellor
from certificates.models import BulkIssue, Certificate, CertificateStatus
from isok.accounts.models import Role
from isok.extensions import db
from isok.reports.models import Participation
from portfolio.models import Portfolio, PortfolioStatus

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
MAP_EVIDENCE = "map_evidence"  # map portfolio items to learning outcomes
VIEW_CERTIFICATES = "view_certificates"  # staff: certificates of the visible cases
ISSUE_CERTIFICATES = "issue_certificates"  # preview, issue, re-issue, bulk issue
REVOKE_CERTIFICATES = "revoke_certificates"
VIEW_OWN_CERTIFICATES = "view_own_certificates"  # clients: "My certificates"

ADMIN, MANAGER, COUNSELLOR = Role.ADMIN, Role.PROJECT_MANAGER, Role.COUNSELLOR
TEACHER, TUTOR, CLIENT = Role.TEACHER, Role.WORKPLACE_TUTOR, Role.CLIENT
STAFF = {ADMIN, MANAGER, COUNSELLOR, TEACHER, TUTOR}

# One line per capability: the roles that hold it.
GRANTS: dict[str, set[Role]] = {
    MANAGE_USERS: {ADMIN},
    MANAGE_ORGANISATIONS: {ADMIN},
    VIEW_AUDIT: {ADMIN},
    VIEW_CASES: STAFF,
    MANAGE_CASES: {ADMIN, COUNSELLOR},
    VIEW_GUIDANCE_NOTES: {ADMIN, COUNSELLOR},
    IMPORT_CASES: {ADMIN, COUNSELLOR},
    EXPORT_CLIENT_DATA: {ADMIN, COUNSELLOR},
    ERASE_CLIENTS: {ADMIN},
    VIEW_OWN_CASE: {CLIENT},
    VIEW_REPORTS: {ADMIN, MANAGER},
    MANAGE_NETWORK: {ADMIN, MANAGER},
    VIEW_FRAMEWORKS: STAFF,
    MANAGE_FRAMEWORKS: {ADMIN},
    SCHEDULE_INTERVIEWS: {ADMIN, COUNSELLOR},
    RECORD_INTERVIEWS: {TEACHER},
    VIEW_PORTFOLIO: {ADMIN, COUNSELLOR, TEACHER, TUTOR, CLIENT},
    EDIT_PORTFOLIO: {ADMIN, COUNSELLOR, CLIENT},
    REVIEW_PORTFOLIO: {ADMIN, COUNSELLOR},
    VIEW_ASSESSMENTS: STAFF,
    MANAGE_PLACEMENTS: {ADMIN, COUNSELLOR},
    ASSESS: {COUNSELLOR, TEACHER, TUTOR},
    MAP_EVIDENCE: {ADMIN, COUNSELLOR, TEACHER},
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


# --- cases -----------------------------------------------------------------------------------------------------

def visible_cases(user) -> Select:
    """The cases the user may open: a query, so lists never show what a case page would refuse."""
    return select(Case).where(_case_scope(user))


def _case_scope(user):
    if not getattr(user, "is_authenticated", False):
        return false()
    return _case_scope_for(frozenset(user.roles), user.id, user.organisation_id)


@lru_cache(maxsize=1024)
def _case_scope_for(roles: frozenset[Role], user_id: int, organisation_id: int | None):
    """The case condition for one user, built once: every case page and list starts from it, and building it is
    a third of the work of a list's query. SQL expressions are immutable, so sharing one is safe."""
    if roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return Case.id.is_not(None)
    # Related-record conditions are correlated EXISTS, not IN lists: with every OR term indexable on its own, SQLite
    # unions the index lookups and sorts the whole result, where EXISTS lets a list walk its sort index and stop
    # after one page (80x faster on 10,000 cases).
    conditions = []
    if Role.COUNSELLOR in roles:
        conditions += [
            Case.organisation_id == organisation_id,
            Case.counsellor_id == user_id,
            exists().where(case_co_counsellor.c.case_id == Case.id, case_co_counsellor.c.user_id == user_id),
        ]
    if Role.CLIENT in roles:
        conditions.append(Case.client_id.in_(select(Client.id).where(Client.user_id == user_id)))
    if Role.TEACHER in roles:
        conditions.append(exists().where(Interview.case_id == Case.id, Interview.teacher_id == user_id,
                                         Interview.status != InterviewStatus.CANCELLED))
        conditions.append(exists().where(Assessment.case_id == Case.id,
                                         AssessmentAssessor.assessment_id == Assessment.id,
                                         AssessmentAssessor.user_id == user_id,
                                         AssessmentAssessor.replaced_at.is_(None)))
    if Role.WORKPLACE_TUTOR in roles:
        conditions.append(exists().where(Placement.case_id == Case.id, Placement.tutor_id == user_id))
    return or_(*conditions) if conditions else false()


def _case_visible(user, case_id):
    """A condition for rows that belong to a case (interviews, placements...): their case is one the user may open.

    Correlated EXISTS: a query checks the cases of its own rows, where `case_id IN (visible case ids)` first
    lists every visible case (a scan of the whole case table on each dashboard panel). The subquery keeps its own
    `case` even where the outer query joins one.
    """
    return exists().where(Case.id == case_id, _case_scope(user)).correlate_except(Case)


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
    conditions = [exists().where(Case.client_id == Client.id, _case_scope(user)).correlate_except(Case)]
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


# --- assessment: frameworks and interviews ----------------------------------------------------------------------

def visible_framework_versions(user) -> Select:
    """Published and retired versions for readers; drafts only for those who maintain frameworks."""
    if not can(user, VIEW_FRAMEWORKS):
        return select(FrameworkVersion).where(false())
    if can(user, MANAGE_FRAMEWORKS):
        return select(FrameworkVersion)
    return select(FrameworkVersion).where(FrameworkVersion.status != VersionStatus.DRAFT)


def visible_interviews(user) -> Select:
    """Interviews of the cases the user may open (a teacher's own interviews bring their cases into view)."""
    return select(Interview).where(_case_visible(user, Interview.case_id))


def can_schedule_interview(user, case: Case) -> bool:
    return can(user, SCHEDULE_INTERVIEWS) and can_view_case(user, case)


def can_record_interview(user, interview: Interview) -> bool:
    return can(user, RECORD_INTERVIEWS) and interview.teacher_id == user.id


def can_set_target_qualification(user, case: Case) -> bool:
    return can_manage_case(user, case)




# --- network ---------------------------------------------------------------------------------------------------
# Network records belong to the project as a whole: whoever may view the project's figures sees all of them.

def visible_network(user, model) -> Select:
    """The records of one network model (partnerships, trainings and their participants, events, meetings,
    narratives, targets) the user may open."""
    return select(model).where(true() if can(user, VIEW_REPORTS) else false())


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


# --- assessment: placements and assessments --------------------------------------------------------------------
# Counsellors and teachers reach placements and assessments through their cases; a workplace tutor reaches only
# the placements where they are the tutor (and the assessments of those placements), nothing else of the case.

def _reaches_cases(user) -> bool:
    return bool(user.roles & {Role.COUNSELLOR, Role.TEACHER})


def _placement_scope(user):
    if not getattr(user, "is_authenticated", False) or not can(user, VIEW_ASSESSMENTS):
        return false()
    if user.roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return true()
    conditions = []
    if _reaches_cases(user):
        conditions.append(_case_visible(user, Placement.case_id))
    if Role.WORKPLACE_TUTOR in user.roles:
        conditions.append(Placement.tutor_id == user.id)
    return or_(*conditions) if conditions else false()


def _assessment_scope(user):
    if not getattr(user, "is_authenticated", False) or not can(user, VIEW_ASSESSMENTS):
        return false()
    if user.roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return true()
    conditions = [Assessment.id.in_(select(AssessmentAssessor.assessment_id).where(
        AssessmentAssessor.user_id == user.id, AssessmentAssessor.replaced_at.is_(None)))]
    if _reaches_cases(user):
        conditions.append(_case_visible(user, Assessment.case_id))
    if Role.WORKPLACE_TUTOR in user.roles:
        conditions.append(Assessment.placement_id.in_(select(Placement.id).where(Placement.tutor_id == user.id)))
    return or_(*conditions)


def visible_placements(user) -> Select:
    return select(Placement).where(_placement_scope(user))


def visible_assessments(user) -> Select:
    return select(Assessment).where(_assessment_scope(user))


def can_view_placement(user, placement: Placement) -> bool:
    return db.session.scalar(select(Placement.id).where(Placement.id == placement.id,
                                                        _placement_scope(user))) is not None


def can_view_assessment(user, assessment: Assessment) -> bool:
    return db.session.scalar(select(Assessment.id).where(Assessment.id == assessment.id,
                                                         _assessment_scope(user))) is not None


def can_view_case_assessment(user, case: Case) -> bool:
    """Case-level assessment pages (overview, evidence map, triangulation) are for staff who reach the case."""
    return can(user, VIEW_ASSESSMENTS) and not user.roles <= {Role.WORKPLACE_TUTOR} and can_view_case(user, case)


def can_manage_placements(user, case: Case) -> bool:
    return can(user, MANAGE_PLACEMENTS) and can_view_case(user, case)


def can_map_evidence(user, case: Case) -> bool:
    return can(user, MAP_EVIDENCE) and can_view_case(user, case)


def assessor_of(user, assessment: Assessment) -> AssessmentAssessor | None:
    """The user's active place among the assessment's assessors, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return next((a for a in assessment.active_assessors() if a.user_id == user.id), None)


def can_assess(user, assessment: Assessment) -> bool:
    return can(user, ASSESS) and assessor_of(user, assessment) is not None


def can_reconcile(user, assessment: Assessment) -> bool:
    assessor = assessor_of(user, assessment) if can(user, ASSESS) else None
    return assessor is not None and assessor.role in (AssessorRole.COUNSELLOR, AssessorRole.TEACHER)


def can_sign_off(user, assessment: Assessment) -> bool:
    assessor = assessor_of(user, assessment) if can(user, ASSESS) else None
    return assessor is not None and assessor.role is AssessorRole.TEACHER


def can_confirm(user, assessment: Assessment) -> bool:
    assessor = assessor_of(user, assessment) if can(user, ASSESS) else None
    return assessor is not None and assessor.role is AssessorRole.COUNSELLOR


def can_see_levels(user, assessment: Assessment) -> bool:
    """Independence: an assessor sees the others' levels only once their own are submitted."""
    assessor = assessor_of(user, assessment)
    if assessor is not None:
        return assessor.submitted_at is not None
    return can_view_assessment(user, assessment)


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


# --- reports ---------------------------------------------------------------------------------------------------
# ESF participation records are the project's: whoever may open the records behind the figures sees all of them.

def visible_participations(user) -> Select:
    """The participation records (and through them the people) the user may list behind a report figure."""
    return select(Participation).where(true() if can(user, VIEW_REPORT_RECORDS) else false())


def init_app(app) -> None:
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["can_manage_case"] = can_manage_case
    app.jinja_env.globals["can_schedule_interview"] = can_schedule_interview
    app.jinja_env.globals["can_record_interview"] = can_record_interview
    app.jinja_env.globals["can_set_target_qualification"] = can_set_target_qualification
    app.jinja_env.globals["can_view_portfolio"] = can_view_portfolio
    app.jinja_env.globals["can_edit_portfolio"] = can_edit_portfolio
    app.jinja_env.globals["can_review_portfolio"] = can_review_portfolio
    app.jinja_env.globals["can_view_guidance_notes"] = can_view_guidance_notes
    app.jinja_env.globals["can_manage_client"] = can_manage_client
    for rule in (can_assess, can_reconcile, can_sign_off, can_confirm, can_see_levels, can_manage_placements,
                 can_map_evidence, can_view_case_assessment):
        app.jinja_env.globals[rule.__name__] = rule
    app.jinja_env.globals["can_issue_certificate"] = can_issue_certificate
    app.jinja_env.globals["can_revoke_certificate"] = can_revoke_certificate
    app.jinja_env.globals["can_reissue_certificate"] = can_reissue_certificate
