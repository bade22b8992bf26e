"""The client's self-assessment per learning outcome before the interview, shown to the teacher beside the ratings
and never counted as evidence."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from assessment.assessments import services
from assessment.assessments.models import SelfRating
from assessment.assessments.services import AssessmentError
from assessment.interviews import services as interview_services
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.database import utcnow
from isok.extensions import db
from portfolio.models import PortfolioEntry, Section
from tests.assessment.conftest import outcome_ids, submit_ratings
from tests.conftest import log_in


@pytest.fixture
def own(setup, make_user):
    """The open assessment's case with a client login and one portfolio item."""
    setup.client_user = make_user(Role.CLIENT, organisation=None)
    setup.case.client.user_id = setup.client_user.id
    setup.entry = PortfolioEntry(case_id=setup.case.id, section=Section.WORK, title="Cook in Aleppo", language="ar")
    db.session.add(setup.entry)
    db.session.commit()
    return setup


def test_the_client_rates_themselves_on_the_scale_with_their_items(own, people):
    first, second = outcome_ids(own.assessment)[:2]
    with pytest.raises(AssessmentError, match="Only the client"):
        services.save_self_assessment(people.counsellor, own.case, {first: {"level": "2"}}, language="fi")
    with pytest.raises(AssessmentError) as caught:
        services.save_self_assessment(
            own.client_user, own.case, {first: {"level": "9", "entry_ids": [999]}}, language="ar"
        )
    assert set(caught.value.errors) == {f"level-{first}", f"entries-{first}"}
    services.save_self_assessment(
        own.client_user,
        own.case,
        {first: {"level": "2", "note": "I cooked for ten years", "entry_ids": [own.entry.id]}, second: {"level": ""}},
        language="ar",
    )
    db.session.commit()
    saved = services.self_ratings(own.case)
    assert list(saved) == [first] and (saved[first].level_code, saved[first].language) == ("2", "ar")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "self_assessment_saved"))
    assert entry.changes == {"levels": {str(first): [None, "2"]}}


def test_the_self_assessment_is_kept_once_the_interview_has_started(own):
    first = outcome_ids(own.assessment)[0]
    interview_services.schedule_interview(
        own.counsellor,
        own.case,
        teacher=own.teacher,
        starts_at=utcnow() - timedelta(minutes=5),
        duration_minutes=60,
        place="Room 1",
        as_of=utcnow() - timedelta(days=7),
    )
    with pytest.raises(AssessmentError, match="Your interview has started"):
        services.save_self_assessment(own.client_user, own.case, {first: {"level": "2"}}, language="ar")


def test_a_self_rating_is_no_source_of_evidence(own):
    first = outcome_ids(own.assessment)[0]
    services.save_self_assessment(own.client_user, own.case, {first: {"level": "3", "entry_ids": []}}, language="ar")
    assert services.sources_by_outcome(own.case)[first] == set()


def test_the_client_sees_the_criteria_marked_in_another_language(app, own):
    own.client_user.locale = "ar"
    db.session.commit()
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    log_in(browser, own.client_user)
    assert f"/my/cases/{own.case.id}/self-assessment" in browser.get("/").get_data(as_text=True)
    page = browser.get(f"/my/cases/{own.case.id}/self-assessment").get_data(as_text=True)
    assert '<span lang="en" dir="auto">Works on their own</span>' in page
    first = outcome_ids(own.assessment)[0]
    response = browser.post(
        f"/my/cases/{own.case.id}/self-assessment",
        data={f"level-{first}": "2", f"entries-{first}": str(own.entry.id), f"note-{first}": "طبخت عشر سنوات"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(SelfRating.level_code).where(SelfRating.case_id == own.case.id)) == "2"


def test_the_teacher_sees_it_at_the_interview_and_the_reconciliation(client, own, make_interview):
    first = outcome_ids(own.assessment)[0]
    services.save_self_assessment(
        own.client_user,
        own.case,
        {first: {"level": "3", "note": "طبخت عشر سنوات", "entry_ids": [own.entry.id]}},
        language="ar",
    )
    interview = interview_services.schedule_interview(
        own.counsellor,
        own.case,
        teacher=own.teacher,
        starts_at=utcnow() - timedelta(hours=1),
        duration_minutes=60,
        place="Room 1",
        as_of=utcnow() - timedelta(days=7),
    )
    db.session.commit()
    log_in(client, own.teacher)
    page = client.get(f"/interviews/{interview.id}/record").get_data(as_text=True)
    assert "own view (not evidence on its own): level 3" in page
    assert '<bdi lang="ar" dir="auto">طبخت عشر سنوات</bdi>' in page and "Cook in Aleppo" in page
    for user in (own.counsellor, own.teacher, own.tutor):
        submit_ratings(user, own.assessment)
    db.session.commit()
    page = client.get(f"/assessments/{own.assessment.id}/reconcile").get_data(as_text=True)
    assert "own view (not evidence on its own): level 3" in page
