"""Figures the report reads from the assessment and certificates packages (read-only, by their models)."""

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from assessment.assessments.models import Assessment, AssessmentStatus, UnitDecision
from cases.models import Case
from certificates.models import Certificate, CertificateStatus
from isok.extensions import db


def units_recognised(since: date | None, until: date | None) -> int:
    """Qualification units decided at a passing level in assessments signed off in the range.

    Whether a level passes is read from the assessment's framework snapshot: the scale as it was when assessed.
    """
    signed_off = select(Assessment.id, Assessment.signed_off_at, Assessment.framework_snapshot).where(
        Assessment.status == AssessmentStatus.SIGNED_OFF, Assessment.signed_off_at.is_not(None)
    )
    passing = {}
    for assessment_id, signed_off_at, snapshot in db.session.execute(signed_off):
        if _within(signed_off_at.date(), since, until):
            passing[assessment_id] = {
                level["code"] for level in snapshot["scale"]["levels"] if level.get("passing", True)
            }
    if not passing:
        return 0
    decisions = db.session.execute(
        select(UnitDecision.assessment_id, UnitDecision.level_code).where(UnitDecision.assessment_id.in_(passing))
    )
    return sum(1 for assessment_id, level_code in decisions if level_code in passing[assessment_id])


def certified_qualifications() -> dict[int, list[date]]:
    """Issue dates of valid, formally recognised certificates per client."""
    rows = db.session.execute(
        select(Case.client_id, Certificate.issued_at)
        .join(Case, Certificate.case_id == Case.id)
        .where(Certificate.formally_recognised.is_(True), Certificate.status == CertificateStatus.VALID)
    )
    issued = defaultdict(list)
    for client_id, issued_at in rows:
        issued[client_id].append(issued_at.date())
    return dict(issued)


def _within(day: date, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)
