from sqlalchemy import func, select

from assessment.frameworks import services as framework_services
from assessment.frameworks.models import CaseQualification, Framework
from assessment.interviews.models import Interview, InterviewStatus
from cases.models import Case, Stage
from isok import demo
from isok.extensions import db


def _count(column):
    return db.session.scalar(select(func.count(column)))


def test_demo_data_give_cases_targets_and_interviews_once(app):
    demo.load()
    db.session.commit()
    counts = (_count(Framework.id), _count(CaseQualification.id), _count(Interview.id))
    demo.load()
    db.session.commit()
    assert (_count(Framework.id), _count(CaseQualification.id), _count(Interview.id)) == counts

    assert counts[0] == 2
    for case in db.session.scalars(select(Case)):
        target = framework_services.target_qualification(case)
        assert (target is None) == (case.stage == Stage.IDENTIFICATION)
    interviews = db.session.scalars(select(Interview)).all()
    recorded = [i for i in interviews if i.status == InterviewStatus.RECORDED]
    upcoming = [i for i in interviews if i.status == InterviewStatus.SCHEDULED]
    assert recorded and all(i.findings for i in recorded) and upcoming
    assert {i.teacher.email for i in interviews} == {"teacher@example.org"}
    client_account = demo.account("client@example.org")
    assert any(i.case.client.user_id == client_account.id for i in upcoming)  # the demo client sees one coming
