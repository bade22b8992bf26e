"""What placement pages show besides the placement: the records it names and the assessment made of it."""

from sqlalchemy import select

from assessment.assessments.models import Assessment
from assessment.placements.models import Placement
from cases.models import Case
from isok.accounts.models import Organisation, User
from isok.extensions import db


def placement_facts(placement: Placement) -> dict:
    """The records a placement page names (the shared Placement model carries ids only)."""
    case = db.session.get_one(Case, placement.case_id)
    return {
        "case": case,
        "client": case.client,
        "workplace": db.session.get(Organisation, placement.workplace_id),
        "tutor": db.session.get(User, placement.tutor_id) if placement.tutor_id else None,
    }


def placement_assessment(placement: Placement) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.placement_id == placement.id))
