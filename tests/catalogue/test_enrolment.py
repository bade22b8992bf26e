"""Enrolment from the catalogue: a counsellor for themselves or a client, a person of an outside organisation; the
bad inputs of the issue; the confirmation with its .ics; two people taking the last seat at the same moment."""

import re
import threading
from datetime import date, timedelta

import icalendar
from sqlalchemy import select

from cases import services as case_services
from cases.models import Gender
from isok.accounts.models import Role
from isok.catalogue.models import Course, Enrolment, EnrolmentStatus
from isok.extensions import db
from tests.catalogue.conftest import TODAY
from tests.conftest import log_in

OUTSIDE = {
    "name": "Olli Outsider",
    "email": "olli@outside.example",
    "organisation_name": "Etelä-Savon koulutuskeskus Oy",
    "payer_name": "Etelä-Savon koulutuskeskus Oy",
    "payer_business_id": "2345670-5",
    "payer_contact": "Riitta Laukkanen",
    "payer_email": "billing@outside.example",
    "payer_reference": "PO-17",
    "accept_terms": "y",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def enrolments() -> list[Enrolment]:
    db.session.rollback()
    return list(db.session.scalars(select(Enrolment).order_by(Enrolment.id)))


def test_an_outsider_enrols_with_a_payment_commitment_and_gets_a_link(client, make_course):
    course = make_course()
    page = text(client.get(f"/courses/{course.id}/enrol"))
    assert "€120.00" in page and "Business ID of the paying organisation" in page
    response = client.post(f"/courses/{course.id}/enrol", data=OUTSIDE)
    assert response.status_code == 302 and "/courses/e/" in response.headers["Location"]
    link = response.headers["Location"]
    confirmation = text(client.get(link))
    assert "Confirmed" in confirmation and "PO-17" in confirmation and "€120.00" in confirmation
    calendar = icalendar.Calendar.from_ical(client.get(f"{link}/calendar.ics").data)
    assert len(calendar.walk("VEVENT")) == 2
    response = client.post(f"{link}/cancel", follow_redirects=True)
    assert "cancelled free of charge" in text(response)
    assert enrolments()[0].status is EnrolmentStatus.CANCELLED
    assert client.get("/courses/e/not-a-real-link").status_code == 404


def test_bad_input_is_refused_with_a_message_and_everything_kept(client, make_course):
    course = make_course()
    response = client.post(f"/courses/{course.id}/enrol", data={**OUTSIDE, "payer_business_id": "1234567-8"})
    assert response.status_code == 400
    page = text(response)
    assert "not a valid Finnish business ID" in page and 'value="Olli Outsider"' in page
    response = client.post(f"/courses/{course.id}/enrol", data={**OUTSIDE, "accept_terms": ""})
    assert response.status_code == 400 and "Accept the network&#39;s terms" in text(response)
    assert enrolments() == []


def test_enrolling_twice_after_the_period_or_where_not_open_is_refused(client, make_course):
    course = make_course()
    assert client.post(f"/courses/{course.id}/enrol", data=OUTSIDE).status_code == 302
    twice = client.post(f"/courses/{course.id}/enrol", data=OUTSIDE)
    assert twice.status_code == 400 and "already enrolled" in text(twice)
    closed = make_course(
        title={"fi": "Suljettu"},
        starts_in=3,
        enrolment_opens_on=TODAY - timedelta(days=20),
        enrolment_closes_on=TODAY - timedelta(days=1),
    )
    response = client.post(f"/courses/{closed.id}/enrol", data=OUTSIDE)
    assert response.status_code == 400 and "closed on" in text(response)
    members = make_course(title={"fi": "Jäsenille"}, open_to="members")
    response = client.post(f"/courses/{members.id}/enrol", data=OUTSIDE)
    assert response.status_code == 400 and "member organisations only" in text(response)
    assert len(enrolments()) == 1


def test_a_full_course_puts_the_next_person_on_the_waiting_list(client, make_course, counsellor, login):
    course = make_course(seats=1)
    login(counsellor)
    response = client.post(
        f"/courses/{course.id}/enrol",
        data={
            "payer_business_id": "2345670-5",
            "payer_contact": "Leena",
            "accept_terms": "y",
            "payer_email": "leena@example.org",
        },
    )
    assert response.status_code == 302
    mine = text(client.get(response.headers["Location"]))
    assert "Confirmed" in mine and "€60.00" in mine  # the member price
    client.post("/logout")
    response = client.post(f"/courses/{course.id}/enrol", data=OUTSIDE, follow_redirects=True)
    assert "on the waiting list, number 1" in text(response)
    assert [e.status for e in enrolments()] == [EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITING]


def test_a_counsellor_enrols_a_client_they_manage_and_nobody_elses(
    client, make_course, counsellor, login, make_user, make_organisation
):
    course = make_course()
    rahel = case_services.register_client(
        counsellor,
        counsellor.organisation,
        first_name="Rahel",
        last_name="Tesfay",
        gender=Gender.FEMALE,
        birth_date=date(1990, 1, 1),
    )
    db.session.commit()
    stranger = make_user(Role.COUNSELLOR, organisation=make_organisation())
    login(stranger)
    assert client.get(f"/courses/{course.id}/enrol?client={rahel.id}").status_code == 404
    client.post("/logout")
    login(counsellor)
    page = text(client.get(f"/courses/{course.id}/enrol?client={rahel.id}"))
    assert "You enrol your client Rahel Tesfay" in page
    response = client.post(
        f"/courses/{course.id}/enrol?client={rahel.id}",
        data={
            "payer_business_id": "2345670-5",
            "payer_contact": "Leena",
            "payer_email": "l@example.org",
            "accept_terms": "y",
        },
    )
    assert response.status_code == 302
    enrolment = enrolments()[0]
    assert (enrolment.client_id, enrolment.name, enrolment.enrolled_by_id) == (rahel.id, "Rahel Tesfay", counsellor.id)
    assert "Rahel Tesfay" in text(client.get("/courses/mine"))


def test_the_participant_cancels_late_and_is_told_the_charge(client, make_course, counsellor, login):
    course = make_course(starts_in=10)
    login(counsellor)
    response = client.post(
        f"/courses/{course.id}/enrol",
        data={
            "payer_business_id": "2345670-5",
            "payer_contact": "Leena",
            "accept_terms": "y",
            "payer_email": "leena@example.org",
        },
    )
    url = response.headers["Location"]
    assert "Cancelling now costs €30.00" in text(client.get(url))
    enrolment_id = int(re.search(r"/enrolments/(\d+)", url).group(1))
    response = client.post(f"/courses/enrolments/{enrolment_id}/cancel", follow_redirects=True)
    assert "the cancellation costs €30.00" in text(response)


def _take_the_last_seat(app, course_id: int, people: list[str]) -> list[int]:
    """Post enrolments at the same moment, each in its own thread, client and request."""
    barrier = threading.Barrier(len(people))
    statuses: list[int] = []

    def enrol(name):
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/courses/{course_id}/enrol", data={**OUTSIDE, "name": name})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=enrol, args=(name,)) for name in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_two_people_taking_the_last_seat_at_once_get_one_seat_and_one_waiting_place(app, make_course):
    for attempt in range(3):  # three races, so the outcome is not one lucky ordering
        course_id = make_course(title={"fi": f"Kilpa {attempt}"}, seats=1).id
        db.session.rollback()  # the test holds no transaction (on SQLite, no write lock) while the requests run
        statuses = _take_the_last_seat(app, course_id, [f"First {attempt}", f"Second {attempt}"])
        assert statuses == [302, 302]
        seats = [e for e in enrolments() if e.course_id == course_id]
        assert sorted(e.status.value for e in seats) == ["confirmed", "waiting"]
        assert db.session.get(Course, course_id).seats_taken == 1


def test_enrolment_pages_need_their_owner(client, make_course, counsellor, login, make_user, make_organisation):
    course = make_course()
    login(counsellor)
    response = client.post(
        f"/courses/{course.id}/enrol",
        data={
            "payer_business_id": "2345670-5",
            "payer_contact": "Leena",
            "accept_terms": "y",
            "payer_email": "leena@example.org",
        },
    )
    url = response.headers["Location"]
    client.post("/logout")
    log_in(client, make_user(Role.COUNSELLOR, organisation=make_organisation()))
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/calendar.ics").status_code == 404
