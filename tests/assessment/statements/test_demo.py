from sqlalchemy import select

from assessment.assessments import services as assessment_services
from assessment.assessments.models import EvidenceSource
from assessment.statements.models import RefereeStatement, StatementState
from isok import demo
from isok.extensions import db


def test_demo_holds_one_answered_statement_that_counts_as_evidence(app):
    demo.load()
    db.session.commit()
    demo.load()
    db.session.commit()
    [statement] = db.session.scalars(select(RefereeStatement)).all()
    assert statement.state is StatementState.ANSWERED and statement.language == "ar"
    assert statement.case.client.user_id == demo.account("client@example.org").id
    sources = assessment_services.sources_by_outcome(statement.case)
    assert EvidenceSource.STATEMENT in sources[statement.outcome_items[0].outcome_id]
