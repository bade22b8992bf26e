"""The tripartite assessment: independent ratings, the joint decision, sign-off, reopening and the results."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from assessment.assessments import access
from assessment.assessments.models import (
    Appeal,
    AppealStatus,
    Assessment,
    AssessmentAssessor,
    AssessmentEvent,
    AssessmentStatus,
    AssessorRole,
    ConflictStatus,
    EvidenceJudgement,
    EvidenceLink,
    EvidenceRule,
    EvidenceSource,
    OutcomeDecision,
    OutcomeResult,
    Rating,
    SelfRating,
    UnitDecision,
)
from assessment.frameworks.models import CaseQualification, FrameworkUnit, FrameworkVersion, LearningOutcome
from assessment.interviews.models import Interview, InterviewFinding, InterviewStatus, Verification
from assessment.placements.access import TUTOR_DAYS_AFTER_END, closed_to_tutor
from assessment.placements.models import Placement
from assessment.placements.services import case_qualification, case_units, create_placement
from assessment.statements import services as statement_services
from assessment.statements.models import StatementItem
from cases import services as case_services
from cases.models import Case, Stage
from isok import audit, demo, hooks
from isok.accounts.models import Organisation, OrganisationType, Role, User
from isok.accounts.services import create_user
from isok.concurrency import check_version
from isok.database import utcnow
from isok.extensions import db
from isok.rules import RuleBroken, stale_kind
from isok.translation import force_locale
from isok.translation import gettext as _
from portfolio.models import EvidenceFile, PortfolioEntry

ROLE_OF_ASSESSOR = {
    AssessorRole.COUNSELLOR: Role.COUNSELLOR,
    AssessorRole.TEACHER: Role.TEACHER,
    AssessorRole.WORKPLACE_TUTOR: Role.WORKPLACE_TUTOR,
}
EDITABLE = (AssessmentStatus.OPEN, AssessmentStatus.REOPENED, AssessmentStatus.RECONCILED)


class AssessmentError(RuleBroken):
    """A rule of the assessment was broken. `errors` maps form fields to messages, so each lands at its input."""


def _stale_message() -> str:
    return _(
        "Someone else saved this assessment while you were working on it. Nothing was overwritten: your input "
        "is kept below. Check the current state and save again."
    )


def _check_version(record, expected_version) -> None:
    check_version(record, expected_version, _stale_message(), error=AssessmentError)


def _flush() -> None:
    """Flush, turning a lost race on a version column into the same clear message as a stale form."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise stale_kind(AssessmentError)(_stale_message()) from error


def _event(actor: User | None, assessment: Assessment, kind: str, reason: str | None = None) -> None:
    assessment.events.append(AssessmentEvent(actor_id=actor.id if actor else None, kind=kind, reason=reason))
    assessment.updated_at = utcnow()


# --- the framework snapshot ------------------------------------------------------------------------------------


def framework_snapshot(version: FrameworkVersion, unit_ids: set[int]) -> dict:
    """The texts and levels of the assessed units exactly as they are now, kept with the assessment."""
    return {
        "version_id": version.id,
        "framework_code": version.framework.code,
        "number": version.number,
        "name": version.name,
        "source": version.source,
        "scale": {
            "code": version.scale.code,
            "name": version.scale.name,
            "levels": [
                {"code": lv.code, "label": lv.label, "rank": lv.rank, "passing": lv.passing}
                for lv in version.scale.levels
            ],
        },
        "units": [
            {
                "id": unit.id,
                "code": unit.code,
                "name": unit.name,
                "credits": unit.credits,
                "outcomes": [
                    {"id": o.id, "code": o.code, "text": o.text, "criteria": {c.level_code: c.text for c in o.criteria}}
                    for o in unit.outcomes
                ],
            }
            for unit in version.units
            if unit.id in unit_ids
        ],
    }


def snapshot_units(assessment: Assessment) -> list[dict]:
    return assessment.framework_snapshot["units"]


def snapshot_outcomes(assessment: Assessment) -> dict[int, dict]:
    return {o["id"]: o for unit in snapshot_units(assessment) for o in unit["outcomes"]}


def scale_levels(assessment: Assessment) -> list[dict]:
    return assessment.framework_snapshot["scale"]["levels"]


def level_of(assessment: Assessment, code: str | None) -> dict | None:
    return next((lv for lv in scale_levels(assessment) if lv["code"] == code), None)


def _check_level(assessment: Assessment, code: str | None, field: str, errors: dict) -> None:
    if not code:
        errors[field] = _("Choose a level.")
    elif level_of(assessment, code) is None:
        allowed = ", ".join(lv["code"] for lv in scale_levels(assessment))
        errors[field] = _(
            "Level %(level)s is not on this qualification's scale. Choose one of: %(allowed)s.",
            level=code,
            allowed=allowed,
        )


def _check_outcomes(assessment: Assessment, outcome_ids) -> None:
    known = snapshot_outcomes(assessment)
    unknown = sorted(str(oid) for oid in outcome_ids if oid not in known)
    if unknown:
        raise AssessmentError(
            _(
                "Learning outcome %(ids)s is not part of the framework this case is assessed "
                "against; nothing was saved.",
                ids=", ".join(unknown),
            )
        )


# --- opening an assessment and its assessors -------------------------------------------------------------------


def _check_assessor_user(user: User | None, role: AssessorRole, field: str) -> User:
    if user is None or not user.active or ROLE_OF_ASSESSOR[role] not in user.roles:
        raise AssessmentError(_("Choose a person with the role %(role)s.", role=role.label), field)
    return user


def open_assessment(
    actor: User, placement: Placement, *, teacher: User | None, counsellor: User | None = None
) -> Assessment:
    """Open the tripartite assessment of a placement's units, fixing the framework version it rests on."""
    case = db.session.get_one(Case, placement.case_id)
    qualification = case_qualification(case)
    if qualification is None:
        raise AssessmentError(_("Set the case's target qualification first."))
    if placement.tutor_id is None:
        raise AssessmentError(_("Name the workplace tutor of the placement first."))
    existing = db.session.scalar(select(Assessment.id).where(Assessment.placement_id == placement.id))
    if existing is not None:
        raise AssessmentError(_("This placement already has an assessment."))
    version = qualification.version
    unit_ids = {unit.id for unit in placement.units}
    if not unit_ids or not unit_ids <= {unit.id for unit in version.units}:
        raise AssessmentError(_("The placement's units are not all units of the case's target qualification."))
    counsellor = _check_assessor_user(
        counsellor or db.session.get(User, case.counsellor_id) or actor, AssessorRole.COUNSELLOR, "counsellor_id"
    )
    teacher = _check_assessor_user(teacher, AssessorRole.TEACHER, "teacher_id")
    tutor = db.session.get_one(User, placement.tutor_id)
    if len({counsellor.id, teacher.id, tutor.id}) < 3:
        raise AssessmentError(_("The three assessors must be three different people."), "teacher_id")
    assessment = Assessment(
        case_id=case.id,
        placement_id=placement.id,
        framework_version_id=version.id,
        framework_snapshot=framework_snapshot(version, unit_ids),
        created_by_id=actor.id,
        units=[unit for unit in version.units if unit.id in unit_ids],
        assessors=[
            AssessmentAssessor(role=AssessorRole.COUNSELLOR, user=counsellor),
            AssessmentAssessor(role=AssessorRole.TEACHER, user=teacher),
            AssessmentAssessor(role=AssessorRole.WORKPLACE_TUTOR, user=tutor),
        ],
    )
    db.session.add(assessment)
    _event(actor, assessment, "opened")
    audit.record(
        actor,
        "assessment_opened",
        assessment,
        changes={
            "case_id": case.id,
            "placement_id": placement.id,
            "framework_version_id": version.id,
            "units": sorted(unit_ids),
            "assessors": {a.role.value: a.user.id for a in assessment.assessors},
        },
    )
    return assessment


def replace_assessor(actor: User, assessment: Assessment, role: AssessorRole, user: User | None) -> None:
    """Assign another person in a role (e.g. after a declared conflict); the earlier one's sheet stays on record."""
    if assessment.locked:
        raise AssessmentError(_("The assessment is signed off; reopen it first."))
    user = _check_assessor_user(user, role, "user_id")
    current = assessment.assessor_in(role)
    if any(a.user_id == user.id for a in assessment.active_assessors() if a is not current):
        raise AssessmentError(_("This person is already an assessor in another role."), "user_id")
    if current is not None and current.user_id == user.id:
        raise AssessmentError(_("This person is already the assessor in this role."), "user_id")
    if current is not None:
        current.replaced_at = utcnow()
    assessment.assessors.append(AssessmentAssessor(role=role, user=user))
    if assessment.status is AssessmentStatus.RECONCILED:
        assessment.status = AssessmentStatus.OPEN  # the joint decision rested on the replaced assessor's input
    _event(actor, assessment, "assessor_replaced", f"{role.value}: {user.id}")
    audit.record(
        actor,
        "assessor_replaced",
        assessment,
        changes={"role": role.value, "user_id": [current.user_id if current else None, user.id]},
    )
    _flush()


def _check_tutor_still_on(assessor: AssessmentAssessor, assessment: Assessment) -> None:
    """A workplace tutor gives nothing new once their placement has ended (plus the days for the meeting)."""
    if assessor.role is AssessorRole.WORKPLACE_TUTOR and closed_to_tutor(assessment.placement):
        raise AssessmentError(
            _(
                "The placement ended on %(date)s: your ratings stay on record, but nothing new can "
                "be given %(days)s days after the end.",
                date=format_date(assessment.placement.end_date),
                days=TUTOR_DAYS_AFTER_END.days,
            )
        )


def declare_conflict(actor: User, assessment: Assessment, *, conflict: bool, note: str | None = None) -> None:
    """Record the assessor's declaration; a declared conflict stands until another assessor takes the role."""
    assessor = access.assessor_of(actor, assessment)
    if assessor is None:
        raise AssessmentError(_("Only an assessor of this assessment can declare."))
    _check_tutor_still_on(assessor, assessment)
    if assessor.conflict is ConflictStatus.CONFLICT:
        raise AssessmentError(_("You have declared a conflict of interest; another assessor must be assigned."))
    note = (note or "").strip() or None
    if conflict and not note:
        raise AssessmentError(
            _("Describe the conflict of interest (e.g. a relative, an employer with a stake)."), "note"
        )
    assessor.conflict = ConflictStatus.CONFLICT if conflict else ConflictStatus.NO_CONFLICT
    assessor.conflict_note = note
    assessor.declared_at = utcnow()
    _event(actor, assessment, "conflict_declared" if conflict else "no_conflict_declared")
    audit.record(actor, "conflict_declared", assessor, changes={"conflict": assessor.conflict.value})


# --- independent ratings ---------------------------------------------------------------------------------------


def save_ratings(
    actor: User,
    assessment: Assessment,
    values: dict[int, dict],
    *,
    expected_version,
    submit: bool = False,
    declaration: tuple[bool, str | None] | None = None,
) -> AssessmentAssessor:
    """Save the actor's own ratings; `values` maps outcome id → level, justification, sources, entry_ids.

    A conflict-of-interest declaration may come along (the tutor's phone screen has no other page); a declared
    conflict saves nothing else. Submitting needs a declaration, makes the sheet final and lets the assessor see
    the others' levels.
    """
    assessor = access.assessor_of(actor, assessment)
    if assessor is None:
        raise AssessmentError(_("Only an assessor of this assessment can rate it."))
    _check_tutor_still_on(assessor, assessment)
    if assessment.status not in (AssessmentStatus.OPEN, AssessmentStatus.REOPENED):
        raise AssessmentError(_("Ratings are closed: the joint decision has been made."))
    if assessor.submitted_at is not None:
        raise AssessmentError(_("You have already submitted your ratings."))
    if assessor.conflict is ConflictStatus.CONFLICT:
        raise AssessmentError(_("You have declared a conflict of interest; another assessor must be assigned."))
    _check_version(assessor, expected_version)
    _check_outcomes(assessment, values)
    if submit or any(value.get("level") for value in values.values()):
        _check_placement_started(assessment.placement)
    if declaration is not None and assessor.conflict is ConflictStatus.UNDECLARED:
        declare_conflict(actor, assessment, conflict=declaration[0], note=declaration[1])
        if assessor.conflict is ConflictStatus.CONFLICT:
            _flush()
            return assessor
    entries = set(db.session.scalars(select(PortfolioEntry.id).where(PortfolioEntry.case_id == assessment.case_id)))
    errors: dict[str, str] = {}
    for outcome_id, value in values.items():
        if value.get("level") or submit:
            _check_level(assessment, value.get("level"), f"level-{outcome_id}", errors)
        if submit and not (value.get("justification") or "").strip():
            errors[f"justification-{outcome_id}"] = _("Say what the level rests on.")
        if any(source not in set(EvidenceSource) for source in value.get("sources", [])):
            errors[f"sources-{outcome_id}"] = _("Choose evidence from the list.")
        if not set(value.get("entry_ids", [])) <= entries:
            errors[f"sources-{outcome_id}"] = _("Choose items of this client's portfolio.")
    if submit:
        if assessor.conflict is ConflictStatus.UNDECLARED:
            errors["conflict"] = _("Declare whether you have a conflict of interest in this case before submitting.")
        for outcome_id in snapshot_outcomes(assessment):
            if outcome_id not in values:
                errors[f"level-{outcome_id}"] = _("Choose a level.")
    if errors:
        raise AssessmentError(_("Some ratings need attention; nothing was saved."), errors=errors)
    for outcome_id, value in values.items():
        rating = assessor.rating_for(outcome_id)
        if not value.get("level"):
            if rating is not None:
                assessor.ratings.remove(rating)
            continue
        if rating is None:
            rating = Rating(outcome_id=outcome_id)
            assessor.ratings.append(rating)
        rating.level_code = value["level"]
        rating.justification = (value.get("justification") or "").strip() or None
        rating.sources = sorted(set(value.get("sources", [])))
        rating.entry_ids = sorted(set(value.get("entry_ids", [])))
    assessor.updated_at = utcnow()
    if submit:
        assessor.submitted_at = utcnow()
        _event(actor, assessment, "ratings_submitted", assessor.role.value)
    audit.record(
        actor,
        "ratings_submitted" if submit else "ratings_saved",
        assessor,
        changes={"assessment_id": assessment.id, "levels": {str(oid): v.get("level") for oid, v in values.items()}},
    )
    _flush()
    return assessor


def _check_placement_started(placement: Placement) -> None:
    """Ratings rest on what was seen at the workplace: none before the placement starts."""
    if utcnow().date() < placement.start_date:
        raise AssessmentError(
            _(
                "The placement starts on %(date)s: ratings can be recorded from that day on. Nothing was saved.",
                date=format_date(placement.start_date),
            )
        )


def all_submitted(assessment: Assessment) -> bool:
    active = assessment.active_assessors()
    return len(active) == len(AssessorRole) and all(a.submitted_at is not None for a in active)


def disagreements(assessment: Assessment) -> set[int]:
    """Outcomes on which the submitted levels of the active assessors differ."""
    levels: dict[int, set[str]] = {}
    for assessor in assessment.active_assessors():
        if assessor.submitted_at is None:
            continue
        for rating in assessor.ratings:
            levels.setdefault(rating.outcome_id, set()).add(rating.level_code)
    return {oid for oid, codes in levels.items() if len(codes) > 1}


def suggested_result(assessment: Assessment, level_code: str | None) -> OutcomeResult | None:
    level = level_of(assessment, level_code)
    if level is None:
        return None
    if level["passing"]:
        return OutcomeResult.RECOGNISED
    lowest = min(lv["rank"] for lv in scale_levels(assessment))
    return OutcomeResult.TO_ACQUIRE if level["rank"] == lowest else OutcomeResult.PARTLY


# --- the joint decision ----------------------------------------------------------------------------------------


def reconcile(
    actor: User,
    assessment: Assessment,
    *,
    outcome_values: dict[int, dict],
    unit_values: dict[int, dict],
    participant_ids: list[int],
    expected_version,
) -> None:
    """Record the joint decision: final level, result and rationale per outcome and per unit, and who took part."""
    if not access.can_reconcile(actor, assessment):
        raise AssessmentError(_("Only the counsellor or the teacher of this assessment can record the decision."))
    if assessment.status not in EDITABLE:
        raise AssessmentError(_("The assessment is signed off; reopen it first."))
    if not all_submitted(assessment):
        raise AssessmentError(_("All three assessors must submit their ratings before the joint decision."))
    _check_version(assessment, expected_version)
    _check_outcomes(assessment, outcome_values)
    outcomes = snapshot_outcomes(assessment)
    unit_ids = {unit["id"] for unit in snapshot_units(assessment)}
    disputed = disagreements(assessment)
    errors: dict[str, str] = {}
    for outcome_id in outcomes:
        value = outcome_values.get(outcome_id, {})
        _check_level(assessment, value.get("level"), f"level-{outcome_id}", errors)
        if value.get("result") not in set(OutcomeResult):
            errors[f"result-{outcome_id}"] = _("Choose whether the outcome is recognised.")
        if outcome_id in disputed and not (value.get("rationale") or "").strip():
            errors[f"rationale-{outcome_id}"] = _("The assessors disagreed: record why this level was chosen.")
    for unit_id in unit_ids:
        value = unit_values.get(unit_id, {})
        _check_level(assessment, value.get("level"), f"unit-level-{unit_id}", errors)
        if not (value.get("rationale") or "").strip():
            errors[f"unit-rationale-{unit_id}"] = _("Give the rationale for the unit's level.")
    active_ids = {a.user_id for a in assessment.active_assessors()}
    participants = set(participant_ids) | {actor.id}
    if not participants <= active_ids:
        errors["participants"] = _("Only the assessors of this assessment can be named as taking part.")
    if errors:
        raise AssessmentError(_("Some decisions need attention; nothing was saved."), errors=errors)

    shown = _shown_by(assessment)
    decisions = {d.outcome_id: d for d in assessment.outcome_decisions}
    for outcome_id in outcomes:
        value = outcome_values[outcome_id]
        decision = decisions.get(outcome_id) or OutcomeDecision(outcome_id=outcome_id)
        if decision.id is None:
            assessment.outcome_decisions.append(decision)
        decision.level_code = value["level"]
        decision.result = OutcomeResult(value["result"])
        decision.rationale = (value.get("rationale") or "").strip() or None
        decision.shown_by = sorted(shown.get(outcome_id, set()))
        recognised = decision.result is OutcomeResult.RECOGNISED
        decision.gap_what = None if recognised else ((value.get("gap_what") or "").strip() or None)
        decision.gap_where = None if recognised else ((value.get("gap_where") or "").strip()[:300] or None)
    unit_decisions = {d.unit_id: d for d in assessment.unit_decisions}
    for unit_id in unit_ids:
        unit_decision = unit_decisions.get(unit_id) or UnitDecision(unit_id=unit_id)
        if unit_decision.id is None:
            assessment.unit_decisions.append(unit_decision)
        unit_decision.level_code = unit_values[unit_id]["level"]
        unit_decision.rationale = unit_values[unit_id]["rationale"].strip()
    assessment.participants = [db.session.get_one(User, uid) for uid in sorted(participants)]
    assessment.status = AssessmentStatus.RECONCILED
    assessment.decided_by_id, assessment.decided_at = actor.id, utcnow()
    _event(actor, assessment, "reconciled")
    audit.record(
        actor,
        "assessment_reconciled",
        assessment,
        changes={
            "outcomes": {str(oid): [v["level"], v["result"]] for oid, v in outcome_values.items()},
            "units": {str(uid): v["level"] for uid, v in unit_values.items()},
            "participants": sorted(participants),
        },
    )
    _flush()


def _shown_by(assessment: Assessment) -> dict[int, set[str]]:
    """How each outcome was shown: the sources the assessors named, and what the triangulation found."""
    shown: dict[int, set[str]] = {}
    for assessor in assessment.active_assessors():
        for rating in assessor.ratings:
            shown.setdefault(rating.outcome_id, set()).update(rating.sources)
            if assessor.role is AssessorRole.WORKPLACE_TUTOR:
                shown[rating.outcome_id].add(EvidenceSource.OBSERVATION.value)
    for outcome_id, sources in sources_by_outcome(assessment.case).items():
        shown.setdefault(outcome_id, set()).update(s.value for s in sources)
    return shown


def thin_evidence(assessment: Assessment) -> list[dict]:
    """Outcomes decided as recognised that rest on fewer than two independent sources: flagged before sign-off."""
    sources = sources_by_outcome(assessment.case)
    outcomes = snapshot_outcomes(assessment)
    return [
        outcomes[d.outcome_id]
        for d in assessment.outcome_decisions
        if d.result is OutcomeResult.RECOGNISED and len(sources.get(d.outcome_id, set())) < MIN_SOURCES
    ]


def conflicts_blocking(assessment: Assessment) -> list[AssessmentAssessor]:
    return [a for a in assessment.active_assessors() if a.conflict is ConflictStatus.CONFLICT]


# --- sign-off, confirmation, reopening -------------------------------------------------------------------------


def _check_declared(assessor: AssessmentAssessor | None, assessment: Assessment) -> None:
    blocking = conflicts_blocking(assessment)
    if blocking:
        names = ", ".join(f"{a.user.name} ({a.role.label})" for a in blocking)
        raise AssessmentError(
            _(
                "A conflict of interest has been declared by %(names)s. Assign another assessor before signing off.",
                names=names,
            )
        )
    if assessor is None or assessor.conflict is not ConflictStatus.NO_CONFLICT:
        raise AssessmentError(_("Declare that you have no conflict of interest in this case first."))


def check_sign_off(
    actor: User, assessment: Assessment, *, expected_version, acknowledge_thin_evidence: bool = False
) -> None:
    """Refuse what signing off would refuse, changing nothing (the teacher is asked to confirm first)."""
    if not access.can_sign_off(actor, assessment):
        raise AssessmentError(_("Only the teacher of this assessment can sign it off."))
    if assessment.status is not AssessmentStatus.RECONCILED:
        raise AssessmentError(_("Record the joint decision before signing off."))
    _check_version(assessment, expected_version)
    _check_declared(access.assessor_of(actor, assessment), assessment)
    placement = assessment.placement
    if utcnow().date() < placement.ends_on:
        raise AssessmentError(
            _(
                "The placement runs until %(date)s: sign-off waits until its last day, unless the "
                "counsellor records that it ended early.",
                date=format_date(placement.ends_on),
            )
        )
    if thin_evidence(assessment) and not acknowledge_thin_evidence:
        raise AssessmentError(
            _(
                "Some recognised outcomes rest on fewer than two independent sources. Review them "
                "and confirm that you have."
            ),
            "acknowledge",
        )


def sign_off(actor: User, assessment: Assessment, *, expected_version, acknowledge_thin_evidence: bool = False) -> None:
    """The teacher signs the joint decision off; the assessment is then locked."""
    check_sign_off(
        actor, assessment, expected_version=expected_version, acknowledge_thin_evidence=acknowledge_thin_evidence
    )
    shown = _shown_by(assessment)  # evidence mapped since the decision counts too: the basis is final now
    for decision in assessment.outcome_decisions:
        decision.shown_by = sorted(shown.get(decision.outcome_id, set()))
    assessment.status = AssessmentStatus.SIGNED_OFF
    assessment.signed_off_by_id, assessment.signed_off_at = actor.id, utcnow()
    assessment.confirmed_by_id = assessment.confirmed_at = None
    _event(actor, assessment, "signed_off")
    audit.record(
        actor,
        "assessment_signed_off",
        assessment,
        changes={"thin_evidence": [o["id"] for o in thin_evidence(assessment)]},
    )
    _flush()


def confirm(actor: User, assessment: Assessment, *, expected_version) -> None:
    """The counsellor confirms the teacher's sign-off; when every assessment of the case is done, it moves on."""
    if not access.can_confirm(actor, assessment):
        raise AssessmentError(_("Only the counsellor of this assessment can confirm it."))
    if assessment.status is not AssessmentStatus.SIGNED_OFF or assessment.confirmed_at is not None:
        raise AssessmentError(_("There is no sign-off waiting for confirmation."))
    _check_version(assessment, expected_version)
    _check_declared(access.assessor_of(actor, assessment), assessment)
    assessment.confirmed_by_id, assessment.confirmed_at = actor.id, utcnow()
    _event(actor, assessment, "confirmed")
    audit.record(actor, "assessment_confirmed", assessment)
    _flush()
    case = assessment.case
    if case.stage in (Stage.IDENTIFICATION, Stage.DOCUMENTATION, Stage.ASSESSMENT) and _all_units_signed_off(case):
        _move_case_to_certification(actor, case)


def _complete(assessment: Assessment) -> bool:
    return assessment.status is AssessmentStatus.SIGNED_OFF and assessment.confirmed_at is not None


def _all_units_signed_off(case: Case) -> bool:
    assessments = db.session.scalars(select(Assessment).where(Assessment.case_id == case.id)).all()
    return bool(assessments) and all(_complete(a) for a in assessments)


def _move_case_to_certification(actor: User, case: Case) -> None:
    """Move a case in the assessment stage on to certification, through the journey's own stage move."""
    if case.stage is Stage.ASSESSMENT:
        case_services.move_stage(
            actor,
            case,
            Stage.CERTIFICATION,
            case_services.today(),
            _("Every assessed unit is signed off and confirmed."),
        )


def reopen(actor: User, assessment: Assessment, *, reason: str, expected_version) -> None:
    """Reopen a signed-off assessment for a correction; the sign-off and the reason both stay in its history."""
    if not access.can_reconcile(actor, assessment):
        raise AssessmentError(_("Only the counsellor or the teacher of this assessment can reopen it."))
    if not assessment.locked:
        raise AssessmentError(_("Only a signed-off assessment can be reopened."))
    reason = (reason or "").strip()
    if not reason:
        raise AssessmentError(_("Give the reason for the correction."), "reason")
    _check_version(assessment, expected_version)
    assessment.status = AssessmentStatus.REOPENED
    assessment.signed_off_by_id = assessment.signed_off_at = None
    assessment.confirmed_by_id = assessment.confirmed_at = None
    _event(actor, assessment, "reopened", reason)
    audit.record(actor, "assessment_reopened", assessment, changes={"reason": reason})
    _flush()


# --- the gap plan ----------------------------------------------------------------------------------------------


def gap_plan(assessment: Assessment) -> list[dict]:
    """The outcomes not (fully) recognised: what is still to be learnt, and where."""
    outcomes = snapshot_outcomes(assessment)
    units = {o["id"]: unit for unit in snapshot_units(assessment) for o in unit["outcomes"]}
    return [
        {
            "unit": units[d.outcome_id],
            "outcome": outcomes[d.outcome_id],
            "decision": d,
            "level": level_of(assessment, d.level_code),
        }
        for d in sorted(assessment.outcome_decisions, key=lambda d: d.outcome_id)
        if d.result is not OutcomeResult.RECOGNISED and d.outcome_id in outcomes
    ]


def education_providers() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.type == OrganisationType.EDUCATION_PROVIDER)
            .order_by(Organisation.name)
        )
    )


def hand_gap_plan(actor: User, assessment: Assessment, provider: Organisation | None) -> None:
    """Record that the gap plan was handed to an education provider."""
    if assessment.status not in (AssessmentStatus.RECONCILED, AssessmentStatus.SIGNED_OFF):
        raise AssessmentError(_("The gap plan follows from the joint decision; record it first."))
    if provider is None or provider.type is not OrganisationType.EDUCATION_PROVIDER:
        raise AssessmentError(_("Choose an education provider."), "provider_id")
    assessment.gap_provider_id, assessment.gap_handed_at = provider.id, utcnow()
    audit.record(actor, "gap_plan_handed", assessment, changes={"provider_id": provider.id})
    _flush()


# --- results for the certificate -------------------------------------------------------------------------------


def _name(user: User | None) -> str | None:
    """The name of whoever took a step of a complete assessment (each step names its user)."""
    return user.name if user else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def signed_off_results(case: Case) -> dict:
    """The signed-off (and confirmed) assessment results of a case, as plain data for the certificate.

    Texts come from each assessment's framework snapshot, so they are what was assessed even if the framework
    changed since. Multilingual texts are dicts {language code: text}; dates are ISO 8601 strings (UTC).

        {
          "case_id": int,
          "complete": bool,                 # every assessment of the case is signed off and confirmed
          "framework": {"code": str, "version_id": int, "number": int, "name": {lang: str},
                        "source": str | None,
                        "scale": {"code": str, "name": {lang: str}}} | None,   # None: nothing signed off
          "units": [{
              "code": str, "name": {lang: str}, "credits": int | None,
              "level": {"code": str, "label": {lang: str}, "passing": bool},
              "rationale": str | None,
              "assessment_id": int,
              "outcomes": [{
                  "code": str, "text": {lang: str},
                  "level": {"code": str, "label": {lang: str}, "passing": bool},
                  "result": "recognised" | "partly" | "to_acquire",
                  "result_label": {lang: str},                # the result's label in fi, sv, en
                  "shown_by": ["interview" | "observation" | "portfolio", ...],
                  "rationale": str | None,
                  "gap_what": str | None,     # the gap plan's words: what is still to be learnt
              }, ...],
          }, ...],
          "assessors": [{"role": "counsellor" | "teacher" | "workplace_tutor", "user_id": int, "name": str,
                         "organisation": str | None, "assessment_id": int}, ...],
          "decisions": [{"assessment_id": int, "placement_id": int, "decided_at": str, "decided_by": str,
                         "participants": [str, ...], "signed_off_at": str, "signed_off_by": str,
                         "confirmed_at": str, "confirmed_by": str}, ...],
        }
    """
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.case_id == case.id).order_by(Assessment.id)
    ).all()
    done = [a for a in assessments if _complete(a)]
    result: dict[str, Any] = {
        "case_id": case.id,
        "complete": bool(assessments) and len(done) == len(assessments),
        "framework": None,
        "units": [],
        "assessors": [],
        "decisions": [],
    }
    for assessment in done:
        snapshot = assessment.framework_snapshot
        if result["framework"] is None:
            result["framework"] = {
                "code": snapshot["framework_code"],
                "version_id": snapshot["version_id"],
                "number": snapshot["number"],
                "name": snapshot["name"],
                "source": snapshot["source"],
                "scale": {"code": snapshot["scale"]["code"], "name": snapshot["scale"]["name"]},
            }
        result["units"] += _unit_results(assessment)
        result["assessors"] += [
            {
                "role": a.role.value,
                "user_id": a.user_id,
                "name": a.user.name,
                "organisation": a.user.organisation.name if a.user.organisation else None,
                "assessment_id": assessment.id,
            }
            for a in assessment.active_assessors()
        ]
        result["decisions"].append(
            {
                "assessment_id": assessment.id,
                "placement_id": assessment.placement_id,
                "decided_at": _iso(assessment.decided_at),
                "decided_by": _name(assessment.decided_by),
                "participants": sorted(user.name for user in assessment.participants),
                "signed_off_at": _iso(assessment.signed_off_at),
                "signed_off_by": _name(assessment.signed_off_by),
                "confirmed_at": _iso(assessment.confirmed_at),
                "confirmed_by": _name(assessment.confirmed_by),
            }
        )
    return result


def _plain_level(assessment: Assessment, code: str) -> dict:
    level = level_of(assessment, code) or {"code": code, "label": {}, "passing": False}
    return {"code": level["code"], "label": level["label"], "passing": level["passing"]}


def _result_labels(result: OutcomeResult) -> dict[str, str]:
    labels = {}
    for lang in ("fi", "sv", "en"):
        with force_locale(lang):
            labels[lang] = str(result.label)
    return labels


def _unit_results(assessment: Assessment) -> list[dict]:
    unit_decisions = {d.unit_id: d for d in assessment.unit_decisions}
    outcome_decisions = {d.outcome_id: d for d in assessment.outcome_decisions}
    units = []
    for unit in snapshot_units(assessment):
        decision = unit_decisions.get(unit["id"])
        if decision is None:
            continue
        units.append(
            {
                "code": unit["code"],
                "name": unit["name"],
                "credits": unit["credits"],
                "level": _plain_level(assessment, decision.level_code),
                "rationale": decision.rationale,
                "assessment_id": assessment.id,
                "outcomes": [
                    {
                        "code": o["code"],
                        "text": o["text"],
                        "level": _plain_level(assessment, outcome_decisions[o["id"]].level_code),
                        "result": outcome_decisions[o["id"]].result.value,
                        "result_label": _result_labels(outcome_decisions[o["id"]].result),
                        "shown_by": list(outcome_decisions[o["id"]].shown_by),
                        "rationale": outcome_decisions[o["id"]].rationale,
                        "gap_what": outcome_decisions[o["id"]].gap_what or None,
                    }
                    for o in unit["outcomes"]
                    if o["id"] in outcome_decisions
                ],
            }
        )
    return units


def waiting_for(user: User, assessment: Assessment) -> bool:
    """Does the assessment wait for something from this user (a declaration, ratings, a sign-off)?"""
    assessor = access.assessor_of(user, assessment)
    if assessor is None:
        return False
    if assessor.role is AssessorRole.WORKPLACE_TUTOR and closed_to_tutor(assessment.placement):
        return False
    if assessor.conflict is ConflictStatus.UNDECLARED and not assessment.locked:
        return True
    if assessor.submitted_at is None and assessment.status in (AssessmentStatus.OPEN, AssessmentStatus.REOPENED):
        return True
    if assessor.role is AssessorRole.TEACHER:
        return assessment.status is AssessmentStatus.RECONCILED
    if assessor.role is AssessorRole.COUNSELLOR:
        return assessment.status is AssessmentStatus.SIGNED_OFF and assessment.confirmed_at is None
    return False


# --- appeals: the client's request for a review of the decision ------------------------------------------------


def appeal_of(assessment: Assessment) -> Appeal | None:
    return db.session.scalar(
        select(Appeal).where(Appeal.assessment_id == assessment.id).order_by(Appeal.id.desc()).limit(1)
    )


def appeal_deadline(assessment: Assessment) -> datetime | None:
    """Until when the client may ask for a review: the organisation's period from the sign-off."""
    if assessment.signed_off_at is None:
        return None
    return assessment.signed_off_at + timedelta(days=assessment.case.organisation.appeal_days)


def may_appeal(assessment: Assessment, now: datetime | None = None) -> bool:
    deadline = appeal_deadline(assessment)
    return (
        assessment.locked and deadline is not None and (now or utcnow()) <= deadline and appeal_of(assessment) is None
    )


def open_appeals(case: Case) -> list[Appeal]:
    return list(
        db.session.scalars(
            select(Appeal)
            .join(Assessment, Appeal.assessment_id == Assessment.id)
            .where(Assessment.case_id == case.id, Appeal.status == AppealStatus.OPEN)
        )
    )


def request_appeal(actor: User, assessment: Assessment, *, reason: str | None, language: str) -> Appeal:
    """The client asks for the signed-off decision to be reviewed, in their own words and language."""
    if not access.can_appeal(actor, assessment):
        raise AssessmentError(_("Only the client of this assessment can ask for its review."))
    if appeal_of(assessment) is not None:
        raise AssessmentError(_("You have already asked for a review of this decision."))
    deadline = appeal_deadline(assessment)
    if not assessment.locked or deadline is None:
        raise AssessmentError(_("A review can be asked for once the decision is signed off."))
    if utcnow() > deadline:
        raise AssessmentError(_("The time to ask for a review ended on %(date)s.", date=format_date(deadline)))
    reason = (reason or "").strip()
    if not reason:
        raise AssessmentError(_("Say what you think is wrong in the decision."), "reason")
    appeal = Appeal(assessment_id=assessment.id, requested_by_id=actor.id, language=language, reason=reason)
    db.session.add(appeal)
    _event(actor, assessment, "appeal_requested")
    db.session.flush()
    audit.record(actor, "appeal_requested", appeal, changes={"assessment_id": assessment.id, "language": language})
    return appeal


def _former_assessor(user: User, assessment: Assessment) -> bool:
    return any(a.user_id == user.id for a in assessment.assessors)


def assign_reviewer(actor: User, appeal: Appeal, reviewer: User | None) -> None:
    """Name the teacher who reviews: someone who was not an assessor of the decision under review."""
    assessment = appeal.assessment
    if not access.can_manage_appeal(actor, assessment):
        raise AssessmentError(_("Only the counsellor of the case can assign the reviewer."))
    if appeal.status is not AppealStatus.OPEN:
        raise AssessmentError(_("The review is already recorded."))
    if reviewer is None or not reviewer.active or Role.TEACHER not in reviewer.roles:
        raise AssessmentError(
            _("Choose a person with the role %(role)s.", role=AssessorRole.TEACHER.label), "reviewer_id"
        )
    if _former_assessor(reviewer, assessment):
        raise AssessmentError(
            _("The reviewer must be a teacher who was not an assessor of this decision."), "reviewer_id"
        )
    before = appeal.reviewer_id
    appeal.reviewer_id, appeal.reviewer_assigned_at = reviewer.id, utcnow()
    _event(actor, assessment, "appeal_reviewer_assigned", str(reviewer.id))
    audit.record(actor, "appeal_reviewer_assigned", appeal, changes={"reviewer_id": [before, reviewer.id]})
    _flush()


def review_appeal(
    actor: User, appeal: Appeal, *, changed: bool, note: str | None, outcome_values: dict[int, dict], expected_version
) -> list[dict]:
    """Record the review: the decision stands, or some outcomes' levels and results change (returned)."""
    assessment = appeal.assessment
    if not access.can_review_appeal(actor, appeal):
        raise AssessmentError(_("Only the teacher assigned to review this appeal can record its review."))
    if appeal.status is not AppealStatus.OPEN:
        raise AssessmentError(_("The review is already recorded."))
    check_version(appeal, expected_version, _stale_message(), error=AssessmentError)
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = _("Give the grounds of the review; the client reads them.")
    changes = []
    if changed:
        _check_outcomes(assessment, outcome_values)
        decisions = {d.outcome_id: d for d in assessment.outcome_decisions}
        outcomes = snapshot_outcomes(assessment)
        for outcome_id, value in outcome_values.items():
            decision = decisions.get(outcome_id)
            if decision is None:
                continue
            _check_level(assessment, value.get("level"), f"level-{outcome_id}", errors)
            if value.get("result") not in set(OutcomeResult):
                errors[f"result-{outcome_id}"] = _("Choose whether the outcome is recognised.")
            elif (value.get("level"), value["result"]) != (decision.level_code, decision.result.value):
                changes.append(
                    {
                        "outcome_id": outcome_id,
                        "code": outcomes[outcome_id]["code"],
                        "level": [decision.level_code, value.get("level")],
                        "result": [decision.result.value, value["result"]],
                    }
                )
        if not changes and not errors:
            errors["note"] = _("No outcome was changed: change at least one, or record that the decision stands.")
    if errors:
        raise AssessmentError(_("The review needs attention; nothing was saved."), errors=errors)
    decisions = {d.outcome_id: d for d in assessment.outcome_decisions}
    for change in changes:
        decision = decisions[change["outcome_id"]]
        decision.level_code, decision.result = change["level"][1], OutcomeResult(change["result"][1])
        if decision.result is OutcomeResult.RECOGNISED:
            decision.gap_what = decision.gap_where = None
    appeal.status = AppealStatus.CHANGED if changes else AppealStatus.UPHELD
    appeal.decision_note, appeal.changes, appeal.decided_at = note, changes, utcnow()
    _event(actor, assessment, "appeal_changed" if changes else "appeal_upheld", note)
    audit.record(actor, "appeal_reviewed", appeal, changes={"status": appeal.status.value, "outcomes": changes})
    _flush()
    if changes:  # a certificate issued from the first decision is replaced by one from the changed decision
        hooks.decision_changed(actor, assessment.case, _("The assessment decision was changed on appeal."))
    return changes


# --- demo data -------------------------------------------------------------------------------------------------

DEMO_STATES = ("open", "reconciled", "signed_off", "reopened")


def load_demo(admin: User) -> None:
    """Placements and assessments in every state on whatever demo cases have a target qualification."""
    cases = list(
        db.session.scalars(
            select(Case)
            .join(CaseQualification, CaseQualification.case_id == Case.id)
            .where(Case.stage == Stage.ASSESSMENT)
            .order_by(Case.id)
            .limit(len(DEMO_STATES))
        )
    )
    client_user = demo.account("client@example.org")
    own = [case for case in cases if client_user and case.client.user_id == client_user.id]
    if own and len(cases) > DEMO_STATES.index("signed_off"):  # the demo client's own assessment is the finished one
        cases.remove(own[0])
        cases.insert(DEMO_STATES.index("signed_off"), own[0])
    tutor, teacher = demo.account("tutor@example.org"), demo.account("teacher@example.org")
    counsellor = demo.account("counsellor@example.org")
    if not cases or None in (tutor, teacher, counsellor):
        return
    if db.session.scalar(select(Placement.id).where(Placement.tutor_id == tutor.id).limit(1)) is not None:
        return
    hotel = demo.organisation("Hotel Kallavesi Oy")
    property_company = demo.organisation("Itä-Suomen Kiinteistöpalvelut Oy")
    other_tutor = demo.account("tutor.kiinteisto@example.org") or create_user(
        admin,
        email="tutor.kiinteisto@example.org",
        name="Jari Kiinteistö",
        roles={Role.WORKPLACE_TUTOR},
        organisation=property_company,
    )
    for n, state in enumerate(DEMO_STATES):
        case = cases[n % len(cases)]
        workplace, workplace_tutor = (property_company, other_tutor) if state == "reconciled" else (hotel, tutor)
        _demo_assessment(admin, case, counsellor, teacher, workplace, workplace_tutor, state, n)


def _demo_assessment(admin, case, counsellor, teacher, workplace, tutor, state, n) -> None:
    units = case_units(case)[:2]
    if not units:
        return
    start = utcnow().date() - timedelta(days=60 - 10 * n)  # every demo placement has ended: rated and signed off
    placement = create_placement(
        counsellor,
        case,
        workplace=workplace,
        tutor=tutor,
        start_date=start,
        end_date=start + timedelta(days=25),
        units=units,
        tasks="Breakfast service, cold kitchen, hygiene self-monitoring",
    )
    assessment = open_assessment(counsellor, placement, teacher=teacher, counsellor=counsellor)
    levels = scale_levels(assessment)
    passing = [lv["code"] for lv in levels if lv["passing"]] or [levels[-1]["code"]]
    outcome_ids = list(snapshot_outcomes(assessment))
    raters = (counsellor,) if state == "open" else (counsellor, teacher, tutor)
    for rater in raters:
        level = passing[-1] if rater is tutor else passing[0]
        values = {
            oid: {
                "level": level,
                "justification": "Shown repeatedly during the placement",
                "sources": [EvidenceSource.OBSERVATION.value if rater is tutor else EvidenceSource.INTERVIEW.value],
                "entry_ids": [],
            }
            for oid in outcome_ids
        }
        sheet = access.assessor_of(rater, assessment)
        save_ratings(
            rater,
            assessment,
            values,
            expected_version=sheet.version if sheet else None,
            submit=True,
            declaration=(False, None),
        )
    if state == "open":
        return
    outcome_values = {
        oid: {
            "level": passing[0],
            "result": OutcomeResult.RECOGNISED.value,
            "rationale": "The tutor rated higher; the joint level rests on all sources.",
        }
        for oid in outcome_ids
    }
    for oid in outcome_ids[-1:]:  # one outcome left for the gap plan
        outcome_values[oid] = {
            "level": levels[0]["code"],
            "result": OutcomeResult.TO_ACQUIRE.value,
            "rationale": "Not yet shown at the workplace.",
            "gap_what": "Hygiene self-monitoring",
            "gap_where": "Savonia Vocational College",
        }
    unit_values = {
        unit["id"]: {"level": passing[0], "rationale": "Shown at the workplace."} for unit in snapshot_units(assessment)
    }
    reconcile(
        teacher,
        assessment,
        outcome_values=outcome_values,
        unit_values=unit_values,
        participant_ids=[counsellor.id, teacher.id, tutor.id],
        expected_version=assessment.version,
    )
    if state == "reconciled":
        return
    sign_off(teacher, assessment, expected_version=assessment.version, acknowledge_thin_evidence=True)
    confirm(counsellor, assessment, expected_version=assessment.version)
    if state == "reopened":
        reopen(
            teacher,
            assessment,
            reason="The unit level was recorded for the wrong unit.",
            expected_version=assessment.version,
        )


# --- evidence mapping ------------------------------------------------------------------------------------------
# Evidence mapping (portfolio items → learning outcomes), the coverage matrix and the triangulation matrix.

MIN_SOURCES = 2  # triangulation: an outcome should rest on at least two independent kinds of evidence


class EvidenceError(RuleBroken):
    pass


def case_outcomes(case: Case) -> list[tuple[FrameworkUnit, list[LearningOutcome]]]:
    return [(unit, list(unit.outcomes)) for unit in case_units(case)]


def portfolio_items(case: Case) -> list[PortfolioEntry]:
    return list(
        db.session.scalars(
            select(PortfolioEntry)
            .where(PortfolioEntry.case_id == case.id)
            .options(selectinload(PortfolioEntry.evidence))
            .order_by(PortfolioEntry.section, PortfolioEntry.title)
        )
    )


def case_links(case: Case) -> list[EvidenceLink]:
    """The confirmed links: what counts as evidence (a client's proposal waits for staff)."""
    return list(
        db.session.scalars(
            select(EvidenceLink)
            .where(EvidenceLink.case_id == case.id, EvidenceLink.confirmed_at.is_not(None))
            .options(selectinload(EvidenceLink.entry), selectinload(EvidenceLink.file))
            .order_by(EvidenceLink.id)
        )
    )


def map_evidence(
    actor: User,
    case: Case,
    *,
    outcome_id: int | None,
    entry_id: int | None,
    file_id: int | None = None,
    note: str | None = None,
) -> EvidenceLink:
    """Map a portfolio entry (or one of its files) to an outcome of the case's target qualification."""
    outcomes = {o.id for _unit, items in case_outcomes(case) for o in items}
    if outcome_id not in outcomes:
        raise EvidenceError(_("This learning outcome is not part of the case's target qualification."), "outcome_id")
    entry = db.session.get(PortfolioEntry, entry_id) if entry_id else None
    if entry is None or entry.case_id != case.id:
        raise EvidenceError(_("Choose an item of this client's portfolio."), "item")
    evidence_file = db.session.get(EvidenceFile, file_id) if file_id else None
    if file_id and (evidence_file is None or evidence_file.entry_id != entry.id):
        raise EvidenceError(_("Choose an item of this client's portfolio."), "item")
    duplicate = db.session.scalar(
        select(EvidenceLink).where(
            EvidenceLink.outcome_id == outcome_id,
            EvidenceLink.entry_id == entry.id,
            EvidenceLink.file_id.is_(None) if file_id is None else EvidenceLink.file_id == file_id,
        )
    )
    if duplicate is not None and duplicate.confirmed_at is None:  # the client proposed it: this confirms it
        duplicate.note = (note or "").strip() or duplicate.note
        confirm_link(actor, duplicate)
        return duplicate
    if duplicate is not None:
        raise EvidenceError(_("This item is already mapped to this learning outcome."), "item")
    link = EvidenceLink(
        case_id=case.id,
        outcome_id=outcome_id,
        entry_id=entry.id,
        file_id=file_id,
        note=(note or "").strip() or None,
        created_by_id=actor.id,
        confirmed_at=utcnow(),
        confirmed_by_id=actor.id,
    )
    db.session.add(link)
    audit.record(
        actor, "evidence_mapped", link, changes=audit.snapshot(link, ["case_id", "outcome_id", "entry_id", "file_id"])
    )
    return link


def confirm_link(actor: User, link: EvidenceLink) -> None:
    """Make a client's proposal count as evidence."""
    link.confirmed_at, link.confirmed_by_id = utcnow(), actor.id
    audit.record(
        actor,
        "evidence_confirmed",
        link,
        changes=audit.snapshot(link, ["case_id", "outcome_id", "entry_id", "file_id"]),
    )


def unmap_evidence(actor: User, link: EvidenceLink) -> None:
    """Remove a link; a client's proposal not yet confirmed is recorded as declined (or, by the client, withdrawn)."""
    if link.confirmed_at is not None:
        action = "evidence_unmapped"
    else:
        action = "evidence_proposal_withdrawn" if actor.id == link.created_by_id else "evidence_proposal_declined"
    audit.record(actor, action, link, changes=audit.snapshot(link, ["case_id", "outcome_id", "entry_id", "file_id"]))
    db.session.delete(link)
    db.session.flush()


@dataclass
class OutcomeEvidence:
    """What supports one outcome: mapped portfolio items, interview findings, workplace observations and referees'
    confirmations in third-party statements."""

    outcome: LearningOutcome
    portfolio: list[EvidenceLink] = field(default_factory=list)
    interviews: list[InterviewFinding] = field(default_factory=list)
    observations: list[Rating] = field(default_factory=list)
    statements: list[StatementItem] = field(default_factory=list)

    @property
    def sources(self) -> set[EvidenceSource]:
        kinds = set()
        if self.portfolio:
            kinds.add(EvidenceSource.PORTFOLIO)
        if self.interviews:
            kinds.add(EvidenceSource.INTERVIEW)
        if self.observations:
            kinds.add(EvidenceSource.OBSERVATION)
        if self.statements:
            kinds.add(EvidenceSource.STATEMENT)
        return kinds

    @property
    def flagged(self) -> bool:
        return len(self.sources) < MIN_SOURCES


def _supporting_observations(case: Case) -> list[Rating]:
    """Submitted workplace tutor ratings at a passing level: the observations made at the workplace."""
    rows = db.session.execute(
        select(Rating, Assessment)
        .join(AssessmentAssessor, Rating.assessor_id == AssessmentAssessor.id)
        .join(Assessment, AssessmentAssessor.assessment_id == Assessment.id)
        .where(
            Assessment.case_id == case.id,
            AssessmentAssessor.role == AssessorRole.WORKPLACE_TUTOR,
            AssessmentAssessor.replaced_at.is_(None),
            AssessmentAssessor.submitted_at.is_not(None),
        )
    ).all()
    passing = {}
    for _rating, assessment in rows:
        if assessment.id not in passing:
            passing[assessment.id] = {
                lv["code"] for lv in assessment.framework_snapshot["scale"]["levels"] if lv["passing"]
            }
    return [rating for rating, assessment in rows if rating.level_code in passing[assessment.id]]


def _supporting_findings(case: Case) -> list[InterviewFinding]:
    return list(
        db.session.scalars(
            select(InterviewFinding)
            .join(Interview, InterviewFinding.interview_id == Interview.id)
            .where(
                Interview.case_id == case.id,
                Interview.status == InterviewStatus.RECORDED,
                InterviewFinding.result.in_([Verification.VERIFIED, Verification.PARTLY]),
            )
        )
    )


def triangulation(case: Case) -> list[tuple[FrameworkUnit, list[OutcomeEvidence]]]:
    """For every outcome of the case's target: the independent sources behind it (flagged when fewer than two)."""
    units = case_outcomes(case)
    rows = {o.id: OutcomeEvidence(o) for _unit, outcomes in units for o in outcomes}
    for link in case_links(case):
        if link.outcome_id in rows:
            rows[link.outcome_id].portfolio.append(link)
    for finding in _supporting_findings(case):
        if finding.outcome_id in rows:
            rows[finding.outcome_id].interviews.append(finding)
    for rating in _supporting_observations(case):
        if rating.outcome_id in rows:
            rows[rating.outcome_id].observations.append(rating)
    for item in statement_services.confirmed_outcomes(case):
        if item.outcome_id in rows:
            rows[item.outcome_id].statements.append(item)
    return [(unit, [rows[o.id] for o in outcomes]) for unit, outcomes in units]


def sources_by_outcome(case: Case) -> dict[int, set[EvidenceSource]]:
    return {row.outcome.id: row.sources for _unit, rows in triangulation(case) for row in rows}


# --- the rules of evidence -------------------------------------------------------------------------------------
# For each piece of evidence behind an outcome the teacher records whether it is valid, authentic, current and
# sufficient; an outcome recognised only on evidence not marked both authentic and current is warned about.


@dataclass
class EvidencePiece:
    source: EvidenceSource
    ref_id: int
    label: str
    judgement: EvidenceJudgement | None = None

    @property
    def key(self) -> str:
        return f"{self.source.value}-{self.ref_id}"

    def meets(self, rule: EvidenceRule) -> bool:
        return self.judgement is not None and self.judgement.meets(rule)


def _pieces(row: OutcomeEvidence) -> list[EvidencePiece]:
    pieces = [
        EvidencePiece(
            EvidenceSource.PORTFOLIO,
            link.id,
            f"{link.entry.title} · {link.file.filename}" if link.file else link.entry.title,
        )
        for link in row.portfolio
    ]
    pieces += [
        EvidencePiece(
            EvidenceSource.INTERVIEW,
            finding.id,
            _(
                "Interview on %(date)s: %(result)s",
                date=format_date(finding.interview.starts_at),
                result=finding.result.label,
            ),
        )
        for finding in row.interviews
    ]
    pieces += [
        EvidencePiece(
            EvidenceSource.OBSERVATION,
            rating.id,
            _("Workplace tutor's rating: level %(level)s", level=rating.level_code),
        )
        for rating in row.observations
    ]
    pieces += [
        EvidencePiece(
            EvidenceSource.STATEMENT,
            item.id,
            _(
                "Statement by %(name)s (%(organisation)s): %(verification)s",
                name=item.statement.referee_name,
                organisation=item.statement.referee_organisation,
                verification=item.statement.verification.label
                if item.statement.verification
                else _("not verified yet"),
            ),
        )
        for item in row.statements
    ]
    return pieces


def evidence_pieces(assessment: Assessment) -> dict[int, list[EvidencePiece]]:
    """The pieces of evidence behind each outcome of the assessment, with the teacher's judgement of each."""
    outcomes = snapshot_outcomes(assessment)
    judgements = {
        (j.outcome_id, j.source, j.ref_id): j
        for j in db.session.scalars(select(EvidenceJudgement).where(EvidenceJudgement.assessment_id == assessment.id))
    }
    pieces = {}
    for _unit, rows in triangulation(assessment.case):
        for row in rows:
            if row.outcome.id not in outcomes:
                continue
            pieces[row.outcome.id] = _pieces(row)
            for piece in pieces[row.outcome.id]:
                piece.judgement = judgements.get((row.outcome.id, piece.source.value, piece.ref_id))
    return pieces


def judge_evidence(actor: User, assessment: Assessment, marks: dict[int, dict[str, set[str]]]) -> None:
    """Record which rules each piece meets; `marks` maps outcome id → piece key → the rules (EvidenceRule values)."""
    if not access.can_sign_off(actor, assessment):
        raise AssessmentError(_("Only the teacher of this assessment records the rules of evidence."))
    if assessment.locked:
        raise AssessmentError(_("The assessment is signed off; reopen it first."))
    pieces = evidence_pieces(assessment)
    changed = {}
    for outcome_id, outcome_pieces in pieces.items():
        for piece in outcome_pieces:
            rules = marks.get(outcome_id, {}).get(piece.key, set())
            judgement = piece.judgement
            if judgement is None:
                if not rules:
                    continue
                judgement = EvidenceJudgement(
                    assessment_id=assessment.id, outcome_id=outcome_id, source=piece.source.value, ref_id=piece.ref_id
                )
                db.session.add(judgement)
            before = sorted(rule.value for rule in EvidenceRule if judgement.id and judgement.meets(rule))
            for rule in EvidenceRule:
                setattr(judgement, rule.value, rule.value in rules)
            judgement.judged_by_id, judgement.judged_at = actor.id, utcnow()
            after = sorted(rule.value for rule in EvidenceRule if rule.value in rules)
            if before != after:
                changed[f"{outcome_id}:{piece.key}"] = [before, after]
    if changed:
        _event(actor, assessment, "evidence_judged")
        audit.record(actor, "evidence_judged", assessment, changes=changed)
    _flush()


def unproven_outcomes(assessment: Assessment, recognised: set[int]) -> list[dict]:
    """Recognised outcomes none of whose evidence is marked both authentic and current."""
    pieces = evidence_pieces(assessment)
    outcomes = snapshot_outcomes(assessment)
    return [
        outcomes[oid]
        for oid in outcomes
        if oid in recognised
        and not any(p.meets(EvidenceRule.AUTHENTIC) and p.meets(EvidenceRule.CURRENT) for p in pieces.get(oid, []))
    ]


# --- the client's self-assessment ------------------------------------------------------------------------------
# Before the interview the client rates themselves per learning outcome on the framework's scale and names the
# portfolio items that show it. Teachers see it beside the ratings; it is not one of the triangulation's sources.


def self_ratings(case: Case) -> dict[int, SelfRating]:
    return {r.outcome_id: r for r in db.session.scalars(select(SelfRating).where(SelfRating.case_id == case.id))}


def save_self_assessment(actor: User, case: Case, values: dict[int, dict], *, language: str) -> None:
    """Save the client's own levels; `values` maps outcome id → level, note, entry_ids (no level: removed)."""
    if not access.can_self_assess(actor, case):
        raise AssessmentError(_("Only the client can rate themselves."))
    qualification = case_qualification(case)
    if qualification is None:
        raise AssessmentError(_("Your counsellor has not chosen your target qualification yet."))
    started = db.session.scalar(
        select(Interview.id)
        .where(
            Interview.case_id == case.id, Interview.status != InterviewStatus.CANCELLED, Interview.starts_at <= utcnow()
        )
        .limit(1)
    )
    if started is not None:
        raise AssessmentError(_("Your interview has started, so your self-assessment stays as you gave it."))
    levels = {level.code for level in qualification.version.scale.levels}
    outcomes = {o.id for _unit, items in case_outcomes(case) for o in items}
    entries = set(db.session.scalars(select(PortfolioEntry.id).where(PortfolioEntry.case_id == case.id)))
    errors: dict[str, str] = {}
    for outcome_id, value in values.items():
        if outcome_id not in outcomes:
            raise AssessmentError(_("This learning outcome is not part of the case's target qualification."))
        if value.get("level") and value["level"] not in levels:
            errors[f"level-{outcome_id}"] = _("Choose a level.")
        if not set(value.get("entry_ids", [])) <= entries:
            errors[f"entries-{outcome_id}"] = _("Choose items of this client's portfolio.")
    if errors:
        raise AssessmentError(_("Some answers need attention; nothing was saved."), errors=errors)
    saved = self_ratings(case)
    changes = {}
    for outcome_id, value in values.items():
        rating = saved.get(outcome_id)
        if not value.get("level"):
            if rating is not None:
                db.session.delete(rating)
                changes[str(outcome_id)] = [rating.level_code, None]
            continue
        if rating is None:
            rating = SelfRating(case_id=case.id, outcome_id=outcome_id)
            db.session.add(rating)
        if rating.level_code != value["level"]:
            changes[str(outcome_id)] = [rating.level_code, value["level"]]
        rating.level_code, rating.language = value["level"], language
        rating.note = (value.get("note") or "").strip() or None
        rating.entry_ids = sorted(set(value.get("entry_ids", [])))
        rating.updated_at = utcnow()
    audit.record(actor, "self_assessment_saved", case, changes={"levels": changes})
    db.session.flush()
