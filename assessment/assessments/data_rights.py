"""Assessments and the evidence map in a client's data export and erasure (declared in
assessment.assessments.init_app).

Erasure blanks what people wrote about the client (justifications, rationales, the gap plan's words, reasons,
evidence notes, conflict notes, the client's appeal and its review's grounds) and keeps the levels, results, statuses
and dates: the ESF report counts the units recognised, and what an assessment decided stays explainable without
saying anything about the person.
The export withholds what an assessor wrote about their own possible conflict of interest (their personal data);
whether they declared one is exported.
"""

from sqlalchemy import select

from assessment.assessments import services
from assessment.assessments.models import Appeal, Assessment, EvidenceJudgement, EvidenceLink, SelfRating
from cases.models import Case
from isok import audit, hooks
from isok.extensions import db

ASSESSMENT_FIELDS = [
    "id",
    "case_id",
    "placement_id",
    "framework_version_id",
    "status",
    "created_at",
    "decided_at",
    "signed_off_at",
    "confirmed_at",
    "gap_handed_at",
]
ASSESSOR_FIELDS = ["id", "role", "conflict", "declared_at", "assigned_at", "replaced_at", "submitted_at"]
RATING_FIELDS = ["id", "outcome_id", "level_code", "justification", "sources", "entry_ids"]
APPEAL_FIELDS = [
    "id",
    "requested_at",
    "language",
    "reason",
    "reviewer_assigned_at",
    "status",
    "decided_at",
    "decision_note",
    "changes",
]
JUDGEMENT_FIELDS = ["id", "outcome_id", "source", "ref_id", "valid", "authentic", "current", "sufficient", "judged_at"]
DECISION_FIELDS = ["id", "outcome_id", "level_code", "result", "rationale", "shown_by", "gap_what", "gap_where"]


def _assessments(client) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .join(Case, Assessment.case_id == Case.id)
            .where(Case.client_id == client.id)
            .order_by(Assessment.id)
        )
    )


def _links(client) -> list[EvidenceLink]:
    return list(
        db.session.scalars(
            select(EvidenceLink)
            .join(Case, EvidenceLink.case_id == Case.id)
            .where(Case.client_id == client.id)
            .order_by(EvidenceLink.id)
        )
    )


def _appeals(assessment: Assessment) -> list[Appeal]:
    return list(db.session.scalars(select(Appeal).where(Appeal.assessment_id == assessment.id).order_by(Appeal.id)))


def _self_ratings(client) -> list[SelfRating]:
    return list(
        db.session.scalars(
            select(SelfRating)
            .join(Case, SelfRating.case_id == Case.id)
            .where(Case.client_id == client.id)
            .order_by(SelfRating.id)
        )
    )


def _assessment(assessment: Assessment) -> dict:
    outcomes = services.snapshot_outcomes(assessment)
    return {
        **audit.snapshot(assessment, ASSESSMENT_FIELDS),
        "qualification": {key: assessment.framework_snapshot[key] for key in ("framework_code", "number", "name")},
        "units": [unit["code"] for unit in services.snapshot_units(assessment)],
        "assessors": [
            {
                **audit.snapshot(assessor, ASSESSOR_FIELDS),
                "name": assessor.user.name,
                "ratings": [
                    {**audit.snapshot(rating, RATING_FIELDS), "outcome": outcomes[rating.outcome_id]["code"]}
                    for rating in assessor.ratings
                ],
            }
            for assessor in assessment.assessors
        ],
        "participants": [user.name for user in assessment.participants],
        "outcome_decisions": [
            {**audit.snapshot(decision, DECISION_FIELDS), "outcome": outcomes[decision.outcome_id]["code"]}
            for decision in assessment.outcome_decisions
        ],
        "unit_decisions": [
            audit.snapshot(decision, ["id", "unit_id", "level_code", "rationale"])
            for decision in assessment.unit_decisions
        ],
        "events": [audit.snapshot(event, ["id", "at", "kind", "reason"]) for event in assessment.events],
        "gap_provider": assessment.gap_provider.name if assessment.gap_provider else None,
        "evidence_judgements": [
            audit.snapshot(judgement, JUDGEMENT_FIELDS)
            for judgement in db.session.scalars(
                select(EvidenceJudgement)
                .where(EvidenceJudgement.assessment_id == assessment.id)
                .order_by(EvidenceJudgement.id)
            )
        ],
        "appeals": [
            {**audit.snapshot(appeal, APPEAL_FIELDS), "reviewer": appeal.reviewer.name if appeal.reviewer else None}
            for appeal in _appeals(assessment)
        ],
    }


def assessments_part(client) -> list[hooks.ExportPart]:
    """Each assessment with every assessor's ratings, the joint decisions, its history; the evidence map."""
    assessments, links, own = _assessments(client), _links(client), _self_ratings(client)
    if not assessments and not links and not own:
        return []
    data = {
        "assessments": [_assessment(assessment) for assessment in assessments],
        "evidence_links": [
            audit.snapshot(
                link,
                [
                    "id",
                    "case_id",
                    "outcome_id",
                    "entry_id",
                    "file_id",
                    "note",
                    "created_at",
                    "by_client",
                    "confirmed_at",
                ],
            )
            for link in links
        ],
        "self_assessment": [
            audit.snapshot(
                rating, ["id", "case_id", "outcome_id", "level_code", "note", "language", "entry_ids", "updated_at"]
            )
            for rating in own
        ],
    }
    summaries = [
        (assessment, services.snapshot_outcomes(assessment), services.scale_levels(assessment))
        for assessment in assessments
    ]
    return [
        hooks.ExportPart(
            "assessments",
            data,
            "assessment/assessments/export_summary.html",
            context={"assessments": summaries},
            tables=(
                "assessment",
                "assessment_unit",
                "assessment_participant",
                "assessment_assessor",
                "rating",
                "outcome_decision",
                "unit_decision",
                "assessment_event",
                "evidence_link",
                "appeal",
                "evidence_judgement",
                "self_rating",
            ),
        )
    ]


def erase_assessments(actor, client) -> None:
    assessments = _assessments(client)
    for assessment in assessments:
        for assessor in assessment.assessors:
            assessor.conflict_note = None
            for rating in assessor.ratings:
                rating.justification = None
        for decision in assessment.outcome_decisions:
            decision.rationale = decision.gap_what = decision.gap_where = None
        for decision in assessment.unit_decisions:
            decision.rationale = None
        for event in assessment.events:
            event.reason = None
        for appeal in _appeals(assessment):
            appeal.reason = appeal.decision_note = None
    links = _links(client)
    for link in links:
        link.note = None
    for rating in _self_ratings(client):
        rating.note = None
    audit.redact("assessment", [assessment.id for assessment in assessments], ("reason",))
    if assessments or links:
        audit.record(
            actor,
            "erase_assessments",
            object_type="client",
            object_id=client.id,
            changes={"assessments": len(assessments), "evidence_links": len(links)},
        )
    db.session.flush()
