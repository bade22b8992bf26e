"""Placements in a client's data export and erasure (declared in assessment.placements.init_app).

The workplace tutor's personal links are not exported: they are the tutor's way in, not data about the client.
"""

from sqlalchemy import select

from assessment.placements import services
from assessment.placements.models import Placement
from cases.models import Case
from isok import audit, hooks
from isok.accounts.models import Organisation, User
from isok.extensions import db

PLACEMENT_FIELDS = ["id", "case_id", "start_date", "end_date", "tasks", "created_at"]


def _placements(client) -> list[Placement]:
    return list(
        db.session.scalars(
            select(Placement)
            .join(Case, Placement.case_id == Case.id)
            .where(Case.client_id == client.id)
            .order_by(Placement.start_date)
        )
    )


def placements_part(client) -> list[hooks.ExportPart]:
    """Each placement: where, when, with which tutor, the tasks agreed and the units it shows."""
    placements = _placements(client)
    if not placements:
        return []
    rows = [
        (
            placement,
            db.session.get(Organisation, placement.workplace_id),
            db.session.get(User, placement.tutor_id) if placement.tutor_id else None,
        )
        for placement in placements
    ]
    data = [
        {
            **audit.snapshot(placement, PLACEMENT_FIELDS),
            "workplace": workplace.name,
            "tutor": tutor.name if tutor else None,
            "units": [unit.code for unit in placement.units],
        }
        for placement, workplace, tutor in rows
    ]
    return [
        hooks.ExportPart(
            "placements",
            data,
            "assessment/placements/export_summary.html",
            context={"placements": rows},
            tables=("placement", "placement_unit"),
        )
    ]


def erase_placements(actor, client) -> None:
    """Blank the tasks written for the client and close the tutors' links; where and when stay."""
    placements = _placements(client)
    for placement in placements:
        placement.tasks = None
        for link in services.placement_links(placement):
            services.revoke_tutor_link(actor, link)
    audit.redact("placement", [placement.id for placement in placements], ("tasks",))
    if placements:
        audit.record(
            actor,
            "erase_placements",
            object_type="client",
            object_id=client.id,
            changes={"placements": len(placements)},
        )
    db.session.flush()
