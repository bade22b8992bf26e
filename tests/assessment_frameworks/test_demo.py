from datetime import date

from sqlalchemy import func, select

from assessment import framework_services
from assessment.models import CaseQualification, Framework, Interview, InterviewStatus
from cases.models import Case, Client, ClientType, Stage
from isok import demo
from isok.extensions import db


def test_demo_data_adds_frameworks_then_targets_and_interviews_once_cases_exist(app):
    demo.load()
    db.session.commit()
    assert db.session.scalar(select(func.count(Framework.id))) == 2
    assert db.session.scalar(select(func.count(Interview.id))) == 0  # no cases yet: nothing to do
    organisation = demo.organisation("Kuopio Guidance Centre")
    client_account = demo.account("client@example.org")
    for n, (stage, target) in enumerate([(Stage.IDENTIFICATION, "cook"), (Stage.ASSESSMENT, "Restaurant cook"),
                                         (Stage.DOCUMENTATION, "Cleaner"), (Stage.CERTIFICATION, None)]):
        client = Client(first_name="Demo", last_name=f"Client {n}",
                        user_id=client_account.id if stage == Stage.DOCUMENTATION else None)
        db.session.add(Case(client=client, organisation_id=organisation.id, client_type=ClientType.LONG_TERM,
                            stage=stage, target=target, entry_date=date.today()))
    db.session.commit()
    demo.load()
    demo.load()
    db.session.commit()
    targets = {case.stage: framework_services.target_qualification(case)
               for case in db.session.scalars(select(Case))}
    assert targets[Stage.IDENTIFICATION] is None
    assert targets[Stage.ASSESSMENT].version.framework.code == "fi-vq-restaurant-catering"
    assert targets[Stage.DOCUMENTATION].version.framework.code == "fi-vq-cleaning-property"
    assert db.session.scalar(select(func.count(CaseQualification.id))) == 3
    interviews = db.session.scalars(select(Interview)).all()
    recorded = [i for i in interviews if i.status == InterviewStatus.RECORDED]
    upcoming = [i for i in interviews if i.status == InterviewStatus.SCHEDULED]
    assert len(recorded) == 2 and all(i.findings for i in recorded)
    assert len(upcoming) == 3
    assert {i.teacher.email for i in interviews} == {"teacher@example.org"}
    assert upcoming[0].case.client.user_id == client_account.id  # the demo client sees an interview coming
