"""The ESF participation record in a client's data export and erasure (declared in reports.init_app).

The record holds only what the ESF common indicators count (research §1.5): it stays after erasure, as the
programme's reporting duty asks, and so does the progress of each case the report counts (dates and study months,
as the erased client's cases keep them). What people wrote on it goes: the reasons given for correcting frozen
entry data.
"""

from sqlalchemy import select

from isok import audit, hooks
from isok.extensions import db
from isok.reports.models import ENTRY_FIELDS, CaseProgress, Participation

RECORD_FIELDS = [
    "id",
    "entry_date",
    "case_count",
    "client_type",
    *ENTRY_FIELDS,
    "entry_frozen_at",
    "entry_frozen_in",
    "exit_date",
    "exit_labour_status",
    "exit_in_education",
    "exit_qualification",
    "qualification_certified",
    "follow_up_due",
    "follow_up_on",
    "follow_up_labour_status",
    "follow_up_in_education",
]
PROGRESS_FIELDS = [
    "id",
    "case_id",
    "entry_date",
    "exit_date",
    "study_months_saved",
    "identification_on",
    "documentation_on",
    "assessment_on",
    "certification_on",
    "closed_on",
]


def _participation(client) -> Participation | None:
    return db.session.scalar(select(Participation).where(Participation.client_id == client.id))


def participation_part(client) -> list[hooks.ExportPart]:
    """The person as the ESF report counts them, with the results recorded and the corrections made."""
    participation = _participation(client)
    if participation is None:
        return []
    result = participation.result
    data = {
        **audit.snapshot(participation, RECORD_FIELDS),
        "recorded_result": audit.snapshot(
            result, ["id", "qualification_gained", "responded", "better_situation", "updated_at"]
        )
        if result
        else None,
        "corrections": [audit.snapshot(c, ["id", "changes", "reason", "at"]) for c in participation.corrections],
        "cases": [
            audit.snapshot(progress, PROGRESS_FIELDS)
            for progress in db.session.scalars(
                select(CaseProgress).where(CaseProgress.client_id == client.id).order_by(CaseProgress.case_id)
            )
        ],
    }
    return [
        hooks.ExportPart(
            "esf_participation",
            data,
            "reports/export_summary.html",
            context={"participation": participation},
            tables=("participation", "recorded_result", "participation_correction", "case_progress"),
        )
    ]


def erase_correction_reasons(actor, client) -> None:
    participation = _participation(client)
    if participation is None or not participation.corrections:
        return
    for correction in participation.corrections:
        correction.reason = audit.ERASED
    audit.record(
        actor, "erase_participation_texts", participation, changes={"corrections": len(participation.corrections)}
    )
