from sqlalchemy import func, select

from assessment import assessment_services
from assessment.models import Assessment, AssessmentStatus, Placement
from isok import demo
from isok.extensions import db
from tests.assessment_process.conftest import build_case, build_framework


def test_demo_does_nothing_without_cases_with_a_qualification(app):
    demo.load()
    assert db.session.scalar(select(func.count(Placement.id))) == 0


def test_demo_makes_assessments_in_every_state_once(app):
    demo.load()
    counsellor = demo.account("counsellor@example.org")
    for _ in range(2):
        build_case(demo.organisation("Kuopio Guidance Centre"), counsellor, build_framework())
    admin = demo.account("admin@example.org")
    assessment_services.load_demo(admin)
    assessment_services.load_demo(admin)
    statuses = sorted(a.status.value for a in db.session.scalars(select(Assessment)))
    assert statuses == sorted(s.value for s in AssessmentStatus)
    tutor = demo.account("tutor@example.org")
    hotel = demo.organisation("Hotel Kallavesi Oy")
    assert db.session.scalar(select(func.count(Placement.id)).where(Placement.tutor_id == tutor.id,
                                                                    Placement.workplace_id == hotel.id)) == 3
    reopened = db.session.scalar(select(Assessment).where(Assessment.status == AssessmentStatus.REOPENED))
    assert [e.kind for e in reopened.events][-3:] == ["signed_off", "confirmed", "reopened"]
