from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from assessment.interviews import services
from assessment.interviews.models import CalendarFeed, InterviewStatus, Verification
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.database import utcnow
from isok.extensions import db
from tests.assessment.conftest import framework_document


@pytest.fixture
def setup(make_version, make_case, make_user, make_organisation):
    org = make_organisation()
    counsellor = make_user(Role.COUNSELLOR, organisation=org)
    teacher = make_user(Role.TEACHER, name="Matti Opettaja")
    version = make_version()
    case = make_case(organisation=org, counsellor=counsellor, version=version)
    return counsellor, teacher, version, case


def book(actor, case, teacher, starts_in=timedelta(days=2), duration=60, **fields):
    starts_at = (utcnow() + starts_in).replace(second=0, microsecond=0)
    return services.schedule_interview(
        actor,
        case,
        teacher=teacher,
        starts_at=starts_at,
        duration_minutes=duration,
        place=fields.pop("place", "Room 1"),
        **fields,
    )


def held(actor, case, teacher):
    """An interview that started an hour ago, booked a week earlier."""
    return book(actor, case, teacher, starts_in=timedelta(hours=-1), as_of=utcnow() - timedelta(days=7))


def test_scheduling_records_the_booking_and_audits_it(setup):
    counsellor, teacher, _version, case = setup
    interview = book(counsellor, case, teacher, language="ar", interpreter_language="ar")
    db.session.commit()
    assert (interview.status, interview.scheduled_by_id, interview.interpreter_language) == (
        InterviewStatus.SCHEDULED,
        counsellor.id,
        "ar",
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "schedule_interview"))
    assert entry.changes["teacher_id"] == teacher.id


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_in": timedelta(minutes=-5)}, "starts_at"),
        ({"duration": 5}, "duration_minutes"),
        ({"duration": 9 * 60}, "duration_minutes"),
        ({"place": ""}, "place"),
        ({"video_link": "javascript:alert(1)"}, "video_link"),
    ],
)
def test_bad_bookings_are_refused_on_the_field(setup, fields, field):
    counsellor, teacher, _version, case = setup
    with pytest.raises(services.InterviewError) as caught:
        book(counsellor, case, teacher, **fields)
    assert caught.value.field == field


def test_a_user_without_the_teacher_role_cannot_be_booked(setup, make_user):
    counsellor, _teacher, _version, case = setup
    with pytest.raises(services.InterviewError) as caught:
        book(counsellor, case, make_user(Role.COUNSELLOR))
    assert caught.value.field == "teacher_id"


def test_the_teacher_cannot_be_double_booked_and_the_clash_is_named(setup, make_case):
    counsellor, teacher, version, case = setup
    first = book(counsellor, case, teacher, starts_in=timedelta(days=2, hours=1))
    other_case = make_case(organisation=case.organisation, version=version, first_name="Yusuf")
    with pytest.raises(services.InterviewError) as caught:
        book(counsellor, other_case, teacher, starts_in=timedelta(days=2, minutes=30))
    assert caught.value.field == "teacher_id"
    assert "Matti Opettaja" in str(caught.value) and str(case.client) in str(caught.value)
    # Back to back is not a clash; neither is a cancelled interview.
    book(counsellor, other_case, teacher, starts_in=timedelta(days=2, hours=2))
    services.cancel_interview(counsellor, first, first.version)
    book(counsellor, other_case, teacher, starts_in=timedelta(days=2, minutes=30), duration=30)


def test_the_clash_does_not_reveal_a_client_the_actor_cannot_see(setup, make_case, make_user, make_organisation):
    counsellor, teacher, version, case = setup
    elsewhere = make_case(organisation=make_organisation(), version=version, first_name="Hidden")
    book(None, elsewhere, teacher)
    with pytest.raises(services.InterviewError) as caught:
        book(counsellor, case, teacher)
    assert "Hidden" not in str(caught.value)


def test_the_client_cannot_be_double_booked_across_cases(setup, make_user, make_case):
    counsellor, teacher, version, case = setup
    book(counsellor, case, teacher)
    second_case = make_case(organisation=case.organisation, version=version)
    second_case.client_id = case.client_id
    db.session.commit()
    with pytest.raises(services.InterviewError) as caught:
        book(counsellor, second_case, make_user(Role.TEACHER), starts_in=timedelta(days=2, minutes=59))
    assert caught.value.field == "starts_at"
    assert "Matti Opettaja" in str(caught.value)


def test_rescheduling_checks_the_version_and_ignores_the_interview_itself(setup):
    counsellor, teacher, _version, case = setup
    interview = book(counsellor, case, teacher)
    db.session.commit()
    loaded_at = interview.version
    services.reschedule_interview(
        counsellor,
        interview,
        loaded_at,
        teacher=teacher,
        starts_at=interview.starts_at + timedelta(minutes=30),
        duration_minutes=60,
        place="Room 2",
    )
    db.session.commit()
    assert interview.version == loaded_at + 1
    with pytest.raises(services.InterviewError, match="changed"):
        services.cancel_interview(counsellor, interview, loaded_at)


def test_the_teacher_records_findings_per_outcome_and_next_steps(setup):
    counsellor, teacher, version, case = setup
    interview = held(counsellor, case, teacher)
    outcomes = version.units[0].outcomes
    services.record_interview(
        teacher,
        interview,
        interview.version,
        findings={
            outcomes[0].id: (Verification.VERIFIED, "showed photos of own work"),
            outcomes[1].id: (Verification.PARTLY, ""),
        },
        next_steps={"placement": True, "certify_units": [version.units[1].id], "note": "  ask about hygiene  "},
    )
    db.session.commit()
    assert interview.status == InterviewStatus.RECORDED
    assert {f.outcome.code: (f.result, f.note) for f in interview.findings} == {
        "U1.1": (Verification.VERIFIED, "showed photos of own work"),
        "U1.2": (Verification.PARTLY, None),
    }
    assert interview.next_steps == {
        "placement": True,
        "training": False,
        "certify_units": [version.units[1].id],
        "note": "ask about hygiene",
    }
    # Recording again replaces the findings.
    services.record_interview(
        teacher, interview, interview.version, next_steps={}, findings={outcomes[0].id: (Verification.NOT_VERIFIED, "")}
    )
    db.session.commit()
    assert [f.result for f in interview.findings] == [Verification.NOT_VERIFIED]


def test_an_outcome_outside_the_case_framework_is_refused(setup, make_version):
    counsellor, teacher, _version, case = setup
    other = make_version(framework_document("OTHER-Q"))
    interview = held(counsellor, case, teacher)
    with pytest.raises(services.InterviewError, match="U1.1.*not part of the case's target qualification TEST-Q"):
        services.record_interview(
            teacher,
            interview,
            interview.version,
            next_steps={},
            findings={other.units[0].outcomes[0].id: (Verification.VERIFIED, "")},
        )


def test_units_outside_the_framework_cannot_be_recommended(setup, make_version):
    counsellor, teacher, version, case = setup
    other = make_version(framework_document("OTHER-Q"))
    interview = held(counsellor, case, teacher)
    with pytest.raises(services.InterviewError) as caught:
        services.record_interview(
            teacher,
            interview,
            interview.version,
            next_steps={"certify_units": [other.units[0].id]},
            findings={version.units[0].outcomes[0].id: (Verification.VERIFIED, "")},
        )
    assert caught.value.field == "certify_units"


def test_only_the_interviewing_teacher_records(setup, make_user):
    counsellor, teacher, version, case = setup
    interview = held(counsellor, case, teacher)
    with pytest.raises(services.InterviewError):
        services.record_interview(
            make_user(Role.TEACHER),
            interview,
            interview.version,
            next_steps={},
            findings={version.units[0].outcomes[0].id: (Verification.VERIFIED, "")},
        )


def test_recording_needs_a_target_qualification(make_case, make_user):
    teacher = make_user(Role.TEACHER)
    case = make_case()
    interview = held(None, case, teacher)
    with pytest.raises(services.InterviewError, match="target qualification"):
        services.record_interview(teacher, interview, interview.version, findings={}, next_steps={})


def test_findings_wait_for_the_interview_to_start(setup):
    counsellor, teacher, version, case = setup
    interview = book(counsellor, case, teacher, starts_in=timedelta(hours=2))
    with pytest.raises(services.InterviewError, match="findings can be recorded from then on"):
        services.record_interview(
            teacher,
            interview,
            interview.version,
            next_steps={},
            findings={version.units[0].outcomes[0].id: (Verification.VERIFIED, "")},
        )
    assert interview.status == InterviewStatus.SCHEDULED and not interview.findings


def test_due_and_overdue_lists_follow_the_case_scope(setup, make_case, make_organisation, make_interview):
    counsellor, teacher, version, case = setup
    due = make_interview(case, teacher, starts_in=timedelta(days=1))
    overdue = make_interview(case, teacher, starts_in=timedelta(days=-1))
    make_interview(make_case(organisation=make_organisation(), version=version), teacher)
    lists = services.due_and_overdue(counsellor)
    assert (lists["due"], lists["overdue"]) == ([due], [overdue])
    mine = services.teacher_interviews(teacher)
    assert len(mine["upcoming"].interviews) == 2 and mine["to_record"].interviews == [overdue]


def test_calendar_token_is_stored_hashed_and_revocable(setup):
    _counsellor, teacher, _version, _case = setup
    token = services.issue_calendar_token(teacher)
    db.session.commit()
    assert services.feed_owner(token) == teacher
    assert token not in db.session.scalar(select(CalendarFeed.token_hash))
    newer = services.issue_calendar_token(teacher)
    assert services.feed_owner(token) is None and services.feed_owner(newer) == teacher
    services.revoke_calendar_token(teacher)
    assert services.feed_owner(newer) is None


def test_the_feed_lists_the_users_interviews_without_client_names(setup, app):
    counsellor, teacher, _version, case = setup
    interview = book(counsellor, case, teacher)
    db.session.commit()
    with app.test_request_context():
        feed = services.feed_ics(teacher).replace("\r\n ", "")
        single = services.interview_ics(interview).replace("\r\n ", "")
    start = interview.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in feed and f"UID:interview-{interview.id}@" in feed
    assert case.client.last_name not in feed
    assert case.client.last_name in single
    assert services.feed_interviews(counsellor) == [interview]
