from sqlalchemy import func, select

from assessment.assessments.models import Assessment, AssessmentStatus
from assessment.placements.models import Placement
from isok import demo
from isok.extensions import db


def test_demo_makes_assessments_in_every_state_once(app):
    demo.load()
    db.session.commit()
    demo.load()
    db.session.commit()
    statuses = sorted(a.status.value for a in db.session.scalars(select(Assessment)))
    assert statuses == sorted(s.value for s in AssessmentStatus)
    tutor = demo.account("tutor@example.org")
    hotel = demo.organisation("Hotel Kallavesi Oy")
    assert (
        db.session.scalar(
            select(func.count(Placement.id)).where(Placement.tutor_id == tutor.id, Placement.workplace_id == hotel.id)
        )
        == 3
    )
    reopened = db.session.scalar(select(Assessment).where(Assessment.status == AssessmentStatus.REOPENED))
    assert [e.kind for e in reopened.events][-3:] == ["signed_off", "confirmed", "reopened"]
