"""The target qualification of a client's cases in their data export (declared in assessment.frameworks.init_app).

It needs no erasure: it names a framework version and when it was chosen, nothing written about the person.
"""

from sqlalchemy import select

from assessment.frameworks.models import CaseQualification
from cases.models import Case
from isok import audit, hooks
from isok.extensions import db


def target_qualifications_part(client) -> list[hooks.ExportPart]:
    targets = list(
        db.session.scalars(
            select(CaseQualification)
            .join(Case, CaseQualification.case_id == Case.id)
            .where(Case.client_id == client.id)
            .order_by(CaseQualification.id)
        )
    )
    if not targets:
        return []
    data = [
        {
            **audit.snapshot(target, ["id", "case_id", "version_id", "assigned_at"]),
            "qualification": target.version.framework.code,
            "version": target.version.number,
            "name": target.version.name,
        }
        for target in targets
    ]
    return [
        hooks.ExportPart(
            "target_qualifications",
            data,
            "assessment/frameworks/export_summary.html",
            context={"targets": targets},
            tables=("case_qualification",),
        )
    ]
