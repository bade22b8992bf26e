"""Who sees which assessments and what each assessor may do in one; an active assessor's assessment brings its case
into a teacher's view. A workplace tutor reaches only the assessments of their own placements."""

from sqlalchemy import Select, exists, false, or_, select, true

from assessment.assessments.models import Appeal, AppealStatus, Assessment, AssessmentAssessor, AssessorRole
from assessment.placements.access import reaches_cases
from assessment.placements.models import Placement
from cases.access import can_view_case, case_visible
from cases.models import Case, Stage
from isok.accounts.models import Role
from isok.extensions import db
from isok.fields import FieldSet, roles
from isok.permissions import (
    ASSESS,
    MANAGE_PLACEMENTS,
    MAP_EVIDENCE,
    PROPOSE_EVIDENCE,
    VIEW_ASSESSMENTS,
    VIEW_OWN_CASE,
    can,
)


def reasons_to_open(roles: frozenset[Role], user_id: int, organisation_id: int | None) -> list:
    """A teacher opens the cases of the assessments where they are an active assessor or review an open appeal."""
    if Role.TEACHER not in roles:
        return []
    return [
        exists().where(
            Assessment.case_id == Case.id,
            AssessmentAssessor.assessment_id == Assessment.id,
            AssessmentAssessor.user_id == user_id,
            AssessmentAssessor.replaced_at.is_(None),
        ),
        exists().where(
            Assessment.case_id == Case.id, Appeal.assessment_id == Assessment.id, Appeal.reviewer_id == user_id
        ),
    ]


def _assessment_scope(user):
    if not getattr(user, "is_authenticated", False) or not can(user, VIEW_ASSESSMENTS):
        return false()
    if user.roles & {Role.ADMIN, Role.PROJECT_MANAGER}:
        return true()
    conditions = [
        Assessment.id.in_(
            select(AssessmentAssessor.assessment_id).where(
                AssessmentAssessor.user_id == user.id, AssessmentAssessor.replaced_at.is_(None)
            )
        ),
        Assessment.id.in_(select(Appeal.assessment_id).where(Appeal.reviewer_id == user.id)),
    ]
    if reaches_cases(user):
        conditions.append(case_visible(user, Assessment.case_id))
    if Role.WORKPLACE_TUTOR in user.roles:
        conditions.append(Assessment.placement_id.in_(select(Placement.id).where(Placement.tutor_id == user.id)))
    return or_(*conditions)


def visible_assessments(user) -> Select:
    return select(Assessment).where(_assessment_scope(user))


def can_view_assessment(user, assessment: Assessment) -> bool:
    return (
        db.session.scalar(select(Assessment.id).where(Assessment.id == assessment.id, _assessment_scope(user)))
        is not None
    )


def can_view_case_assessment(user, case: Case) -> bool:
    """Case-level assessment pages (overview, evidence map, triangulation) are for staff who reach the case."""
    return can(user, VIEW_ASSESSMENTS) and not user.roles <= {Role.WORKPLACE_TUTOR} and can_view_case(user, case)


def can_map_evidence(user, case: Case) -> bool:
    return can(user, MAP_EVIDENCE) and can_view_case(user, case)


def can_propose_evidence(user, case: Case) -> bool:
    """The client proposes evidence for their own open case; staff confirm it (can_map_evidence)."""
    return (
        can(user, PROPOSE_EVIDENCE)
        and case.client.user_id is not None
        and case.client.user_id == user.id
        and case.stage is not Stage.CLOSED
    )


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


def can_appeal(user, assessment: Assessment) -> bool:
    """The client of the case asks for a review of its decision, from their own pages."""
    client = assessment.case.client
    return can(user, VIEW_OWN_CASE) and client.user_id is not None and client.user_id == user.id


def can_manage_appeal(user, assessment: Assessment) -> bool:
    return can(user, MANAGE_PLACEMENTS) and can_view_case(user, assessment.case)


def can_review_appeal(user, appeal: Appeal) -> bool:
    return (
        can(user, ASSESS)
        and appeal.status is AppealStatus.OPEN
        and appeal.reviewer_id is not None
        and appeal.reviewer_id == user.id
    )


def can_self_assess(user, case: Case) -> bool:
    """The client rates themselves on their own case."""
    return can(user, VIEW_OWN_CASE) and case.client.user_id is not None and case.client.user_id == user.id


# --- need to know: the fields each role sees of assessments (isok.fields) --------------------------------------

_ALL = roles(*Role)
_ASSESSORS = roles(Role.ADMIN, Role.COUNSELLOR, Role.TEACHER, Role.WORKPLACE_TUTOR, Role.CLIENT)

ASSESSMENT_FIELDS = FieldSet(
    "assessment",
    "assessment",
    {
        ("status", "framework_snapshot", "decided_at", "signed_off_at", "confirmed_at"): _ALL,
        ("decided_by_id", "signed_off_by_id", "confirmed_by_id"): _ASSESSORS,
        ("gap_provider_id", "gap_handed_at"): roles(
            Role.ADMIN, Role.PROJECT_MANAGER, Role.COUNSELLOR, Role.TEACHER, Role.CLIENT
        ),
    },
    internal=(
        "id",
        "case_id",
        "placement_id",
        "framework_version_id",
        "created_by_id",
        "created_at",
        "updated_at",
        "version",
    ),
)

ASSESSOR_FIELDS = FieldSet(
    "assessment_assessor",
    "assessment_assessor",
    {
        ("role", "user_id", "conflict", "conflict_note", "declared_at", "submitted_at", "replaced_at"): _ASSESSORS,
    },
    internal=("id", "assessment_id", "assigned_at", "updated_at", "version"),
)

# Each assessor rates independently: the others' levels show once their own are submitted (can_see_levels).
RATING_FIELDS = FieldSet(
    "rating",
    "rating",
    {
        ("level_code", "justification", "sources", "entry_ids"): _ASSESSORS,
    },
    internal=("id", "assessor_id", "outcome_id"),
)

FIELD_SETS = (ASSESSMENT_FIELDS, ASSESSOR_FIELDS, RATING_FIELDS)
