"""The client's appeal of a signed-off decision: asked within the period, reviewed by another teacher, and a
certificate that waits for the review or is replaced when the decision changes."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from assessment.assessments import services
from assessment.assessments.models import AppealStatus, OutcomeResult
from assessment.assessments.services import AssessmentError
from certificates import services as certificate_services
from certificates.models import CertificateStatus
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.extensions import db
from tests.assessment.conftest import outcome_ids
from tests.certificates.helpers import give_test_seal
from tests.conftest import log_in


@pytest.fixture
def decided(reconciled, make_user):
    """A signed-off and confirmed assessment whose client has an account."""
    world = reconciled
    world.client_user = make_user(Role.CLIENT, organisation=None)
    world.case.client.user_id = world.client_user.id
    services.sign_off(
        world.teacher, world.assessment, expected_version=world.assessment.version, acknowledge_thin_evidence=True
    )
    services.confirm(world.counsellor, world.assessment, expected_version=world.assessment.version)
    db.session.commit()
    return world


def _ask(world, reason="The kitchen work at my uncle's restaurant shows U1.1."):
    return services.request_appeal(world.client_user, world.assessment, reason=reason, language="ar")


def test_only_the_client_asks_within_the_period_and_once(decided, people):
    with pytest.raises(AssessmentError, match="Only the client"):
        services.request_appeal(people.counsellor, decided.assessment, reason="x", language="fi")
    with pytest.raises(AssessmentError, match="what you think is wrong") as caught:
        _ask(decided, reason="  ")
    assert caught.value.field == "reason"
    decided.assessment.signed_off_at -= timedelta(days=15)
    with pytest.raises(AssessmentError, match="The time to ask for a review ended"):
        _ask(decided)
    decided.case.organisation.appeal_days = 30
    appeal = _ask(decided)
    assert (appeal.status, appeal.language) == (AppealStatus.OPEN, "ar")
    with pytest.raises(AssessmentError, match="already asked"):
        _ask(decided)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "appeal_requested"))
    assert entry.changes == {"assessment_id": decided.assessment.id, "language": "ar"}


def test_the_reviewer_is_a_teacher_who_was_not_an_assessor(decided, people):
    appeal = _ask(decided)
    with pytest.raises(AssessmentError, match="was not an assessor") as caught:
        services.assign_reviewer(decided.counsellor, appeal, decided.teacher)
    assert caught.value.field == "reviewer_id"
    with pytest.raises(AssessmentError, match="Only the counsellor"):
        services.assign_reviewer(people.other_teacher, appeal, people.other_teacher)
    services.assign_reviewer(decided.counsellor, appeal, people.other_teacher)
    with pytest.raises(AssessmentError, match="Only the teacher assigned"):
        services.review_appeal(
            decided.teacher, appeal, changed=False, note="Fine", outcome_values={}, expected_version=appeal.version
        )


def test_a_review_that_changes_nothing_must_say_the_decision_stands(decided, people):
    appeal = _ask(decided)
    services.assign_reviewer(decided.counsellor, appeal, people.other_teacher)
    same = {
        d.outcome_id: {"level": d.level_code, "result": d.result.value} for d in decided.assessment.outcome_decisions
    }
    with pytest.raises(AssessmentError) as caught:
        services.review_appeal(
            people.other_teacher,
            appeal,
            changed=True,
            note="Looked again",
            outcome_values=same,
            expected_version=appeal.version,
        )
    assert "No outcome was changed" in caught.value.errors["note"]
    services.review_appeal(
        people.other_teacher,
        appeal,
        changed=False,
        note="The evidence was weighed right.",
        outcome_values={},
        expected_version=appeal.version,
    )
    assert appeal.status is AppealStatus.UPHELD and appeal.changes == []
    assert ("appeal_upheld", "The evidence was weighed right.") in [
        (e.kind, e.reason) for e in decided.assessment.events
    ]


def test_issuing_waits_for_the_review_and_a_changed_decision_replaces_the_certificate(decided, people):
    world = decided
    give_test_seal(world.case.organisation)
    first = outcome_ids(world.assessment)[0]
    decision = next(d for d in world.assessment.outcome_decisions if d.outcome_id == first)
    decision.level_code, decision.result = "1", OutcomeResult.PARTLY  # the decision the client disagrees with
    certificate = certificate_services.issue_certificate(world.counsellor, world.case, ["fi", "ar"])
    db.session.commit()
    appeal = _ask(world)
    db.session.commit()
    with pytest.raises(certificate_services.CertificateError, match="asked for a review"):
        certificate_services.reissue_certificate(
            world.counsellor, certificate, ["fi"], "Added Finnish", version=certificate.version
        )
    db.session.rollback()

    services.assign_reviewer(world.counsellor, appeal, people.other_teacher)
    values = {
        d.outcome_id: {"level": d.level_code, "result": d.result.value} for d in world.assessment.outcome_decisions
    }
    values[first] = {"level": "2", "result": "recognised"}
    changes = services.review_appeal(
        people.other_teacher,
        appeal,
        changed=True,
        note="U1.1 shown by the CV.",
        outcome_values=values,
        expected_version=appeal.version,
    )
    db.session.commit()
    assert changes == [{"outcome_id": first, "code": "U1.1", "level": ["1", "2"], "result": ["partly", "recognised"]}]
    assert (decision.level_code, decision.result) == ("2", OutcomeResult.RECOGNISED)
    assert appeal.status is AppealStatus.CHANGED
    assert certificate.status is CertificateStatus.REPLACED
    assert certificate.replacement_reason == "The assessment decision was changed on appeal."
    new = certificate_services.valid_certificate(world.case)
    assert new.replaces_id == certificate.id and new.languages == ["fi", "ar"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "appeal_reviewed"))
    assert entry.changes["status"] == "changed" and entry.actor_id == people.other_teacher.id


def _browser(app, user):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    log_in(browser, user)
    return browser


def test_the_client_asks_on_their_own_page_and_the_reviewer_records_it(app, decided, people):
    client = _browser(app, decided.client_user)
    page = client.get("/").get_data(as_text=True)
    assert f"/my/assessments/{decided.assessment.id}/appeal" in page
    response = client.post(f"/my/assessments/{decided.assessment.id}/appeal", data={"reason": " "})
    assert response.status_code == 400 and "Say what you think is wrong" in response.get_data(as_text=True)
    response = client.post(f"/my/assessments/{decided.assessment.id}/appeal", data={"reason": "لقد عملت في المطبخ"})
    assert response.status_code == 302
    page = client.get(f"/my/assessments/{decided.assessment.id}/appeal").get_data(as_text=True)
    assert "لقد عملت في المطبخ" in page and "Waiting for the review" in page

    reviewer = _browser(app, people.other_teacher)
    assert reviewer.get(f"/assessments/{decided.assessment.id}/appeal/review").status_code == 404
    counsellor = _browser(app, decided.counsellor)
    page = counsellor.get(f"/assessments/{decided.assessment.id}").get_data(as_text=True)
    assert "لقد عملت في المطبخ" in page and f'<option value="{decided.teacher.id}">' not in page  # no assessor reviews
    response = counsellor.post(
        f"/assessments/{decided.assessment.id}/appeal/reviewer", data={"reviewer_id": people.other_teacher.id}
    )
    assert response.status_code == 302
    client = reviewer
    url = f"/assessments/{decided.assessment.id}/appeal/review"
    page = client.get(url).get_data(as_text=True)
    assert "لقد عملت في المطبخ" in page
    appeal = services.appeal_of(decided.assessment)
    response = client.post(url, data={"version": appeal.version, "changed": "upheld", "note": ""})
    assert response.status_code == 400 and "Give the grounds of the review" in response.get_data(as_text=True)
    response = client.post(url, data={"version": appeal.version, "changed": "upheld", "note": "Weighed right."})
    assert response.status_code == 302
    assert services.appeal_of(decided.assessment).status is AppealStatus.UPHELD
