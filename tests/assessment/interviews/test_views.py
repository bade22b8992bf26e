from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import render_template_string
from sqlalchemy import select

from assessment.frameworks import services as framework_services
from assessment.interviews.models import Interview, InterviewStatus, Verification
from isok.accounts.models import Role
from isok.database import utcnow
from isok.extensions import db
from isok.hooks import case_panels
from tests.assessment.conftest import framework_document

HELSINKI = ZoneInfo("Europe/Helsinki")


def html(response) -> str:
    return response.get_data(as_text=True)


# --- interviews ------------------------------------------------------------------------------------------------


@pytest.fixture
def world(make_version, make_case, make_user, make_organisation):
    org = make_organisation()
    counsellor = make_user(Role.COUNSELLOR, organisation=org)
    teacher = make_user(Role.TEACHER, name="Matti Opettaja")
    client_user = make_user(Role.CLIENT)
    version = make_version()
    case = make_case(organisation=org, counsellor=counsellor, version=version, client_user=client_user)
    return counsellor, teacher, version, case, client_user


def booking(teacher, when: datetime, **fields):
    local = when.astimezone(HELSINKI)
    return {
        "teacher_id": teacher.id,
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "duration_minutes": "60",
        "place": "Room 4",
        "language": "fi",
        "interpreter_language": "ar",
        **fields,
    }


def test_counsellor_schedules_an_interview(client, login, world):
    counsellor, teacher, _version, case, _client_user = world
    login(counsellor)
    assert client.get(f"/cases/{case.id}/interviews/new").status_code == 200
    when = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    response = client.post(f"/cases/{case.id}/interviews/new", data=booking(teacher, when))
    assert response.status_code == 302
    interview = db.session.scalar(select(Interview))
    assert (interview.starts_at, interview.teacher_id, interview.interpreter_language) == (when, teacher.id, "ar")


def test_the_interpreter_is_named_on_the_booking(client, login, world):
    counsellor, teacher, _version, case, _client_user = world
    login(counsellor)
    when = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    interpreter = {"interpreter_name": "Layla Haddad", "interpreter_email": "layla@tulkit.example"}
    response = client.post(f"/cases/{case.id}/interviews/new", data=booking(teacher, when, **interpreter))
    assert response.status_code == 302
    interview = db.session.scalar(select(Interview))
    assert (interview.interpreter_name, interview.interpreter_email) == ("Layla Haddad", "layla@tulkit.example")
    assert "layla@tulkit.example" in html(client.get(f"/interviews/{interview.id}"))
    assert 'value="Layla Haddad"' in html(client.get(f"/interviews/{interview.id}/edit"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": "2020-01-01"}, "must start in the future"),
        ({"duration_minutes": "600"}, "The duration is from 15 to 480 minutes"),
        ({"place": "", "video_link": ""}, "Give a place or a video link"),
        ({"interpreter_language": "", "interpreter_name": "Layla Haddad"}, "Choose the language the interpreter"),
        ({"interpreter_email": "not an address"}, "Invalid email address"),
    ],
)
def test_bad_schedule_input_is_explained_and_kept(client, login, world, change, message):
    counsellor, teacher, _version, case, _client_user = world
    login(counsellor)
    data = booking(teacher, utcnow() + timedelta(days=3), **change)
    response = client.post(f"/cases/{case.id}/interviews/new", data=data)
    assert response.status_code == 400
    page = html(response)
    assert message in page and 'aria-invalid="true"' in page
    assert 'value="Room 4"' in page or data["place"] == ""


def test_a_non_teacher_cannot_be_chosen(client, login, world, make_user):
    counsellor, _teacher, _version, case, _client_user = world
    login(counsellor)
    response = client.post(
        f"/cases/{case.id}/interviews/new", data=booking(make_user(Role.COUNSELLOR), utcnow() + timedelta(days=3))
    )
    assert response.status_code == 400 and "vocational teacher role" in html(response)


def test_double_booking_names_the_other_appointment(client, login, world, make_interview):
    counsellor, teacher, _version, case, _client_user = world
    existing = make_interview(case, teacher, starts_in=timedelta(days=3))
    login(counsellor)
    response = client.post(
        f"/cases/{case.id}/interviews/new", data=booking(teacher, existing.starts_at + timedelta(minutes=30))
    )
    assert response.status_code == 400
    assert "Matti Opettaja already has an interview" in html(response)
    assert db.session.scalar(select(Interview.id).where(Interview.id != existing.id)) is None


def test_a_stale_reschedule_is_refused(client, login, world, make_interview):
    counsellor, teacher, _version, case, _client_user = world
    interview = make_interview(case, teacher)
    login(counsellor)
    data = booking(teacher, interview.starts_at + timedelta(hours=1), version=str(interview.version - 1 or 99))
    response = client.post(f"/interviews/{interview.id}/edit", data=data)
    assert response.status_code == 400 and "Someone else changed this interview" in html(response)
    data["version"] = str(interview.version)
    assert client.post(f"/interviews/{interview.id}/edit", data=data).status_code == 302


def test_teacher_records_the_interview(client, login, world, make_interview):
    _counsellor, teacher, version, case, _client_user = world
    interview = make_interview(case, teacher, starts_in=timedelta(hours=-2))
    outcomes = version.units[0].outcomes
    login(teacher)
    assert client.get(f"/cases/{case.id}/interviews").status_code == 200  # the teacher now sees the case
    page = html(client.get(f"/interviews/{interview.id}/record"))
    assert f'name="result_{outcomes[0].id}"' in page
    response = client.post(
        f"/interviews/{interview.id}/record",
        data={
            "version": interview.version,
            f"result_{outcomes[0].id}": "verified",
            f"note_{outcomes[0].id}": "clear",
            f"result_{outcomes[1].id}": "partly",
            "placement": "y",
            "certify_units": [str(version.units[1].id)],
        },
    )
    assert response.status_code == 302
    interview = db.session.get(Interview, interview.id)
    assert interview.status == InterviewStatus.RECORDED
    assert {f.outcome_id: f.result for f in interview.findings} == {
        outcomes[0].id: Verification.VERIFIED,
        outcomes[1].id: Verification.PARTLY,
    }
    page = html(client.get(f"/interviews/{interview.id}"))
    assert "Partly verified" in page and "An on-the-job placement" in page and "Unit 2" in page


def test_findings_before_the_start_are_refused_with_the_input_kept(client, login, world, make_interview):
    _counsellor, teacher, version, case, _client_user = world
    interview = make_interview(case, teacher, starts_in=timedelta(hours=3))
    outcome = version.units[0].outcomes[0]
    login(teacher)
    response = client.post(
        f"/interviews/{interview.id}/record",
        data={"version": interview.version, f"result_{outcome.id}": "verified", f"note_{outcome.id}": "showed photos"},
    )
    page = html(response)
    assert response.status_code == 400
    assert "its findings can be recorded from then on" in page and "showed photos" in page
    assert db.session.get(Interview, interview.id).status == InterviewStatus.SCHEDULED


def test_a_result_for_an_outcome_of_another_framework_is_refused(client, login, world, make_interview, make_version):
    _counsellor, teacher, _version, case, _client_user = world
    foreign = make_version(framework_document("OTHER-Q")).units[0].outcomes[0]
    interview = make_interview(case, teacher, starts_in=timedelta(hours=-1))
    login(teacher)
    response = client.post(
        f"/interviews/{interview.id}/record", data={"version": interview.version, f"result_{foreign.id}": "verified"}
    )
    assert response.status_code == 400
    assert "is not part of the case&#39;s target qualification" in html(response)


def test_another_teacher_cannot_open_the_case_or_record(client, login, world, make_interview, make_user):
    _counsellor, teacher, _version, case, _client_user = world
    interview = make_interview(case, teacher)
    login(make_user(Role.TEACHER))
    assert client.get(f"/cases/{case.id}/interviews").status_code == 404
    assert client.get(f"/interviews/{interview.id}/record").status_code == 404


def test_counsellor_sets_the_target_qualification(client, login, world, make_version):
    counsellor, _teacher, _version, case, _client_user = world
    other = make_version(framework_document("OTHER-Q"))
    login(counsellor)
    response = client.post(f"/cases/{case.id}/qualification", data={"version_id": other.id})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}/interviews")
    assert framework_services.target_qualification(case).version_id == other.id
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<input type="hidden" name="back" value="case">' in page  # the case page's panel returns to the case
    response = client.post(f"/cases/{case.id}/qualification", data={"version_id": other.id, "back": "case"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}")
    draft = make_version(framework_document("DRAFT-Q"), publish=False)
    response = client.post(f"/cases/{case.id}/qualification", data={"version_id": draft.id})
    assert response.status_code == 400 and "Not a valid choice" in html(response)
    assert framework_services.target_qualification(case).version_id == other.id


# --- calendars, dashboards, case panel -------------------------------------------------------------------------


def test_interview_downloads_as_ics_for_those_who_see_it(client, login, world, make_interview, make_user):
    _counsellor, teacher, _version, case, client_user = world
    interview = make_interview(case, teacher)
    login(client_user)
    response = client.get(f"/interviews/{interview.id}/calendar.ics")
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == f'attachment; filename="interview-{interview.id}.ics"'
    assert "BEGIN:VEVENT" in html(response)


def test_the_private_feed_works_until_revoked(client, login, world, make_interview):
    _counsellor, teacher, _version, case, _client_user = world
    interview = make_interview(case, teacher)
    login(teacher)
    page = html(client.post("/calendar/token"))
    feed_url = page.split("<code>")[1].split("</code>")[0]
    assert feed_url.startswith("http://localhost/calendar/")
    anonymous = client.application.test_client()
    response = anonymous.get(feed_url)
    assert response.status_code == 200 and f"UID:interview-{interview.id}@" in html(response)
    client.post("/calendar/revoke")
    assert anonymous.get(feed_url).status_code == 404


@pytest.mark.parametrize(
    ("who", "texts"),
    [
        (0, ["Overdue: not recorded", "Coming up"]),
        (1, ["Overdue: to record", "My interviews"]),
        (4, ["With Matti Opettaja", "Add to calendar"]),
    ],
)
def test_dashboards_show_interviews_due_and_overdue(client, login, world, make_interview, who, texts):
    _counsellor, teacher, _version, case, _client_user = world
    make_interview(case, teacher, starts_in=timedelta(days=-1))
    make_interview(case, teacher, starts_in=timedelta(days=4))
    login(world[who])
    page = html(client.get("/"))
    assert all(text in page for text in texts)


def test_the_case_panel_shows_the_target_and_interviews(app, world, make_interview):
    counsellor, teacher, version, case, _client_user = world
    make_interview(case, teacher)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_login import login_user

        login_user(counsellor)
        [panel] = [p for p in case_panels(counsellor, case) if p.template.startswith("assessment/interviews/")]
        rendered = render_template_string(
            "{% with ctx = panel.context %}{% include panel.template %}{% endwith %}", panel=panel
        )
    assert "Test qualification" in rendered and "Matti Opettaja" in rendered and "Schedule an interview" in rendered


def test_the_teachers_lists_are_bounded_with_a_way_to_every_interview(client, login, world, make_interview):
    _counsellor, teacher, _version, case, _client_user = world
    for day in range(1, 28):
        make_interview(case, teacher, starts_in=timedelta(days=day), place=f"Room {day:02d}")
    login(teacher)
    start = html(client.get("/"))
    assert [f"Room {day:02d}" in start for day in (1, 5, 6)] == [True, True, False]
    assert "/interviews/mine?list=upcoming" in start

    first = html(client.get("/interviews/mine?list=upcoming"))
    assert "Room 25" in first and "Room 26" not in first and 'rel="next"' in first
    second = html(client.get("/interviews/mine?list=upcoming&page=2"))
    assert "Room 26" in second and "Room 27" in second and "Room 25" not in second and 'rel="next"' not in second
    assert "Nothing to record." in html(client.get("/interviews/mine"))
