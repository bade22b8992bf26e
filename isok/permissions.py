"""The one place that answers "may this user do this to that object".

Views, templates and services all ask these functions. Function-level rules are capabilities held by roles
(a missing capability answers 403); object rules are scoped queries and predicates (an object outside them
answers 404, so ids reveal nothing).
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, false, or_, select, true

from assessment.models import Assessment, AssessmentAssessor, AssessorRole, Placement
from cases.models import Case, Client, case_co_counsellor
from isok.accounts.models import Role
from isok.extensions import db

# --- capabilities: what a role may do at all (lacking one answers 403) -----------------------------------------

MANAGE_USERS = "manage_users"
MANAGE_ORGANISATIONS = "manage_organisations"
VIEW_AUDIT = "view_audit"
VIEW_CASES = "view_cases"  # open case lists and case pages (which ones: visible_cases)
MANAGE_CASES = "manage_cases"  # open cases, register clients, move stages, keep the guidance log
VIEW_GUIDANCE_NOTES = "view_guidance_notes"  # staff-only notes; project managers see figures, not notes

ROLE_CAPABILITIES: dict[Role, set[str]] = {
    Role.ADMIN: {MANAGE_USERS, MANAGE_ORGANISATIONS, VIEW_AUDIT, VIEW_CASES, MANAGE_CASES, VIEW_GUIDANCE_NOTES},
    Role.PROJECT_MANAGER: {VIEW_CASES},
    Role.COUNSELLOR: {VIEW_CASES, MANAGE_CASES, VIEW_GUIDANCE_NOTES},
    Role.TEACHER: {VIEW_CASES},
    Role.WORKPLACE_TUTOR: {VIEW_CASES},
    Role.CLIENT: set(),
}

# assessment: placements and assessments
VIEW_ASSESSMENTS = "view_assessments"  # placements, assessments, evidence maps (which ones: visible_assessments)
MANAGE_PLACEMENTS = "manage_placements"  # create placements, invite tutors, open assessments, assign assessors
ASSESS = "assess"  # rate outcomes and take part in the joint decision (where one is an assessor: can_assess)
MAP_EVIDENCE = "map_evidence"  # map portfolio items to learning outcomes

ROLE_CAPABILITIES[Role.ADMIN] |= {VIEW_ASSESSMENTS, MANAGE_PLACEMENTS, MAP_EVIDENCE}
ROLE_CAPABILITIES[Role.PROJECT_MANAGER] |= {VIEW_ASSESSMENTS}
ROLE_CAPABILITIES[Role.COUNSELLOR] |= {VIEW_ASSESSMENTS, MANAGE_PLACEMENTS, ASSESS, MAP_EVIDENCE}
ROLE_CAPABILITIES[Role.TEACHER] |= {VIEW_ASSESSMENTS, ASSESS, MAP_EVIDENCE}
ROLE_CAPABILITIES[Role.WORKPLACE_TUTOR] |= {VIEW_ASSESSMENTS, ASSESS}


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
    if Role.TEACHER in roles:
        conditions.append(Case.id.in_(_assessor_case_ids(user)))
    if Role.WORKPLACE_TUTOR in roles:
        conditions.append(Case.id.in_(select(Placement.case_id).where(Placement.tutor_id == user.id)))
    return or_(*conditions) if conditions else false()


def can_view_case(user, case: Case) -> bool:
    return db.session.scalar(select(Case.id).where(Case.id == case.id, _case_scope(user))) is not None


def can_manage_case(user, case: Case) -> bool:
    return can(user, MANAGE_CASES) and can_view_case(user, case)


# --- assessment: placements and assessments --------------------------------------------------------------------
# Counsellors and teachers reach placements and assessments through their cases; a workplace tutor reaches only
# the placements where they are the tutor (and the assessments of those placements), nothing else of the case.

def _assessor_case_ids(user) -> Select:
    return (select(Assessment.case_id).join(AssessmentAssessor, AssessmentAssessor.assessment_id == Assessment.id)
            .where(AssessmentAssessor.user_id == user.id, AssessmentAssessor.replaced_at.is_(None)))


def _staff_case_ids(user) -> Select | None:
    if user.roles & {Role.COUNSELLOR, Role.TEACHER}:
        return select(Case.id).where(_case_scope(user))
    return None


def _placement_scope(user):
    if not getattr(user, "is_authenticated", False) or not can(user, VIEW_ASSESSMENTS):
        return false()
    if user.roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return true()
    conditions = []
    if (case_ids := _staff_case_ids(user)) is not None:
        conditions.append(Placement.case_id.in_(case_ids))
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
    if (case_ids := _staff_case_ids(user)) is not None:
        conditions.append(Assessment.case_id.in_(case_ids))
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


def init_app(app) -> None:
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["can_manage_case"] = can_manage_case
    for rule in (can_assess, can_reconcile, can_sign_off, can_confirm, can_see_levels, can_manage_placements,
                 can_map_evidence, can_view_case_assessment):
        app.jinja_env.globals[rule.__name__] = rule
