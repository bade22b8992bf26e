from datetime import timedelta
from email import message_from_string, policy

import pytest
from sqlalchemy import select

from assessment.assessments import services as assessment_services
from assessment.assessments.models import EvidenceSource
from assessment.statements import data_rights, services
from assessment.statements.models import Acquaintance, StatementState, VerificationMethod
from isok.audit import AuditEntry
from isok.database import utcnow
from isok.extensions import db
from isok.notices.models import Notice, OutboxMail
from tests.assessment.statements.conftest import ask


def _answer(statement, confirmed=True):
    services.submit_statement(
        statement,
        answers={item.id: confirmed for item in statement.items},
        acquaintance=Acquaintance.SUPERVISED,
        period="2016–2021",
        comment="Reliable",
    )
    db.session.commit()


def _actions(statement):
    return db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "referee_statement", AuditEntry.object_id == statement.id)
        .order_by(AuditEntry.id)
    ).all()


def test_a_request_stores_only_the_hash_and_mails_the_link_in_the_referees_language(asked):
    statement, token = asked.statement, asked.token
    assert statement.token_hash != token and services.statement_by_token(token) is statement
    assert [item.task for item in statement.tasks] == ["Cooked lunch for 150 guests"]
    assert len(statement.outcome_items) == 1 and statement.state is StatementState.WAITING
    kept = db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == "khalid@example.com")).one()
    mail = message_from_string(kept.message, policy=policy.default)
    body = mail.get_content()
    assert token in body and mail["Content-Language"] == "ar" and "Al-Bustan Restaurant" in body
    assert asked.case.client.last_name not in body  # the mail outlives the record: no client name
    assert _actions(statement) == ["statement_requested"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"country": "XX"}, "country"),
        ({"language": "de"}, "language"),
        ({"tasks": [], "outcome_ids": []}, "tasks"),
        ({"deadline": None}, "deadline"),
        ({"deadline": utcnow().date() + timedelta(days=91)}, "deadline"),
        ({"outcome_ids": [10**6]}, "outcome_ids"),
    ],
)
def test_a_request_is_refused_with_the_field_to_correct(setup, changes, field):
    values = dict(
        name="Khalid",
        organisation="Al-Bustan",
        country="JO",
        email="k@example.com",
        language="ar",
        tasks=["Cooking"],
        outcome_ids=[],
        deadline=utcnow().date() + timedelta(days=7),
    )
    with pytest.raises(services.StatementError) as refused:
        services.request_statement(setup.counsellor, setup.case, **{**values, **changes})
    assert refused.value.field == field


def test_only_the_counsellor_of_the_case_asks(setup):
    with pytest.raises(services.StatementError):
        services.request_statement(
            setup.teacher,
            setup.case,
            name="K",
            organisation="O",
            country="FI",
            email="k@example.com",
            language="fi",
            tasks=["x"],
            outcome_ids=[],
            deadline=utcnow().date(),
        )


def test_revoking_closes_the_link(asked):
    services.revoke_statement(asked.counsellor, asked.statement)
    db.session.commit()
    assert services.statement_by_token(asked.token) is None
    assert asked.statement.state is StatementState.REVOKED
    assert _actions(asked.statement) == ["statement_requested", "statement_revoked"]


def test_an_expired_link_opens_nothing(asked):
    asked.statement.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert services.statement_by_token(asked.token) is None
    assert asked.statement.state is StatementState.EXPIRED


def test_the_referee_answers_every_item_once_and_the_counsellor_is_told(asked):
    with pytest.raises(services.StatementError) as refused:
        services.submit_statement(asked.statement, answers={}, acquaintance=None, period="", comment=None)
    assert set(refused.value.errors) == {f"item-{i.id}" for i in asked.statement.items} | {"acquaintance", "period"}
    db.session.rollback()
    _answer(asked.statement)
    assert asked.statement.state is StatementState.ANSWERED
    with pytest.raises(services.StatementError):
        _answer(asked.statement, confirmed=False)
    db.session.rollback()
    assert all(item.confirmed for item in asked.statement.items)
    with pytest.raises(services.StatementError):
        services.revoke_statement(asked.counsellor, asked.statement)
    told = db.session.scalars(select(Notice).where(Notice.kind == "statement_answered")).one()
    assert told.user_id == asked.counsellor.id and told.object_id == asked.statement.id


def test_a_confirmed_outcome_is_an_independent_source_of_the_triangulation(asked):
    outcome = asked.statement.outcome_items[0].outcome_id
    assert EvidenceSource.STATEMENT not in assessment_services.sources_by_outcome(asked.case)[outcome]
    _answer(asked.statement)
    assert EvidenceSource.STATEMENT in assessment_services.sources_by_outcome(asked.case)[outcome]
    pieces = assessment_services.evidence_pieces(asked.assessment)[outcome]
    assert [p.source for p in pieces] == [EvidenceSource.STATEMENT]


def test_a_not_confirmed_outcome_is_no_evidence(asked):
    _answer(asked.statement, confirmed=False)
    outcome = asked.statement.outcome_items[0].outcome_id
    assert assessment_services.sources_by_outcome(asked.case)[outcome] == set()


def test_the_teacher_records_how_they_verified_it(asked):
    with pytest.raises(services.StatementError):  # nothing to verify before the answer
        services.verify_statement(asked.teacher, asked.statement, method=VerificationMethod.PHONE, note="Called")
    _answer(asked.statement)
    with pytest.raises(services.StatementError):
        services.verify_statement(asked.counsellor, asked.statement, method=VerificationMethod.PHONE, note="Called")
    with pytest.raises(services.StatementError) as refused:
        services.verify_statement(asked.teacher, asked.statement, method=VerificationMethod.PHONE, note=" ")
    assert refused.value.field == "note"
    services.verify_statement(
        asked.teacher, asked.statement, method=VerificationMethod.PHONE, note="Called the restaurant on 2 Dec"
    )
    db.session.commit()
    assert asked.statement.verified_by_id == asked.teacher.id
    assert _actions(asked.statement)[-1] == "statement_verified"


def test_erasure_removes_the_statements_and_their_mails(asked):
    _answer(asked.statement)
    exported = data_rights.statements_part(asked.case.client)[0].data
    assert exported[0]["referee_name"] == "Khalid Haddad" and exported[0]["items"][0]["confirmed"] is True
    data_rights.erase_statements(asked.counsellor, asked.case.client)
    db.session.commit()
    assert services.case_statements(asked.case) == []
    assert db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == "khalid@example.com")).all() == []
    requested = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "statement_requested")).one()
    assert requested.changes["tasks"] != ["Cooked lunch for 150 guests"]


def test_a_request_without_target_may_still_ask_about_tasks(setup):
    statement, _token = ask(setup, outcomes=0)
    assert statement.outcome_items == [] and len(statement.tasks) == 1
