"""Course notices: the enrolled person and whoever enrolled them are told of the confirmation (with the calendar
file), of a seat freed for them on the waiting list, of changed dates and of a cancellation by the offering
organisation, each in their own language, in the app and by mail through a real SMTP server; a person without an
account by mail at the address the enrolment records."""

from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from cases import services as case_services
from cases.models import ClientType, Gender
from isok.accounts.models import Role
from isok.catalogue import services
from isok.catalogue.models import Course
from isok.catalogue.services import Person, SessionInput
from isok.extensions import db
from isok.notices.models import MailStatus, Notice
from tests.catalogue.conftest import TODAY, course_fields, outside_payer, outside_person
from tests.conftest import log_in
from tests.notices.smtp import LoopbackSMTP


@pytest.fixture
def smtp(app, monkeypatch):
    server = LoopbackSMTP().start()
    monkeypatch.setitem(app.config, "SMTP_URL", server.url)
    yield server
    server.stop()


def enrol_self(user, course):
    enrolment, _token = services.enrol(
        user, course, Person(name=user.name, user=user), outside_payer(), accept_terms=True
    )
    db.session.commit()  # the mails are sent by jobs queued at the commit (at once in tests)
    return enrolment


def notices_of(user) -> list[Notice]:
    return db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)).all()


def mails_to(smtp, user_or_address):
    address = getattr(user_or_address, "email", user_or_address)
    return [message for message in smtp.inbox.messages if message["To"] == address]


def test_a_confirmation_comes_in_the_persons_language_with_the_calendar_file(
    client, app, make_course, make_user, member_org, smtp
):
    swede = make_user(Role.COUNSELLOR, organisation=member_org, name="Sara Svensson", locale="sv")
    course = make_course()
    enrolment = enrol_self(swede, course)

    (mail,) = mails_to(smtp, swede)
    assert mail["Subject"] == "Anmälan bekräftad: Hygienkompetens" and mail["Content-Language"] == "sv"
    assert "Kuopio" in mail.get_body().get_content()
    (attachment,) = mail.iter_attachments()
    assert attachment.get_filename() == f"enrolment-{enrolment.id}.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    assert len(calendar.walk("VEVENT")) == 2
    assert [notice.mail_status for notice in notices_of(swede)] == [MailStatus.SENT]

    log_in(client, swede)
    assert "Hygienkompetens" in client.get("/notices").get_data(as_text=True)


def test_the_counsellor_enrolling_a_client_gets_the_receipt_without_the_clients_name(
    app, make_course, counsellor, smtp
):
    client = case_services.register_client(
        counsellor, counsellor.organisation, first_name="Rahel", last_name="Tesfay", gender=Gender.FEMALE
    )
    case = case_services.open_case(
        counsellor,
        client,
        organisation=counsellor.organisation,
        client_type=ClientType.LONG_TERM,
        entry_date=TODAY,
        counsellor=counsellor,
    )
    services.enrol(
        counsellor, make_course(), Person(name="Rahel Tesfay", client=client), outside_payer(), accept_terms=True
    )
    db.session.commit()
    (notice,) = notices_of(counsellor)
    assert notice.case_id == case.id  # erasing the client's data takes the notice along
    (mail,) = mails_to(smtp, counsellor)
    assert mail["Subject"] == "Enrolment confirmed: Food hygiene"
    assert "Rahel" not in mail.as_string()


def test_a_cancellation_moves_the_waiting_list_up_and_the_person_is_told(app, make_course, make_user, member_org, smtp):
    first, second, third = (
        make_user(Role.COUNSELLOR, organisation=member_org, name=name) for name in ("One", "Two", "Three")
    )
    course = make_course(seats=2)
    taken = enrol_self(first, course)
    enrol_self(second, course)
    waiting = enrol_self(third, course)
    assert mails_to(smtp, third)[-1]["Subject"] == "On the waiting list: Food hygiene"
    assert not list(mails_to(smtp, third)[-1].iter_attachments())  # no seat, no calendar entry yet

    services.cancel_enrolment(first, taken)
    db.session.commit()
    assert waiting.status.value == "confirmed"
    promoted = mails_to(smtp, third)[-1]
    assert promoted["Subject"] == "A seat is yours: Food hygiene"
    assert len(list(promoted.iter_attachments())) == 1
    assert len(mails_to(smtp, first)) == 1  # the one who cancelled is not told of their own act


def test_changed_dates_and_a_cancelled_course_are_told_to_everyone_enrolled(
    app, make_course, make_user, member_org, publisher, provider, smtp
):
    course = make_course(seats=1)
    holder = enrol_self(make_user(Role.COUNSELLOR, organisation=member_org, name="Holder"), course)
    waiter = enrol_self(make_user(Role.COUNSELLOR, organisation=member_org, name="Waiter"), course)
    services.enrol(None, course, outside_person(), outside_payer(), accept_terms=True)  # no account: the link
    db.session.commit()
    smtp.inbox.messages.clear()

    moved = TODAY + timedelta(days=40)
    services.update_course(
        publisher,
        course,
        version=course.version,
        **course_fields(provider, seats=1, sessions=[SessionInput(moved), SessionInput(moved + timedelta(days=1))]),
    )
    db.session.commit()
    subjects = sorted((m["To"], m["Subject"]) for m in smtp.inbox.messages)
    assert subjects == sorted(
        [(e.enrolled_by.email, "The dates of Food hygiene have changed") for e in (holder, waiter)]
        + [("olli@outside.example", "Kurssin Hygieniaosaaminen päivät ovat muuttuneet")]
    )
    assert "terms stay those you accepted" in mails_to(smtp, holder.enrolled_by)[0].get_body().get_content()

    smtp.inbox.messages.clear()
    services.cancel_course(publisher, db.session.get(Course, course.id), "The teacher fell ill")
    db.session.commit()
    assert len(mails_to(smtp, "olli@outside.example")) == 1
    assert (
        sorted(m["Subject"] for m in mails_to(smtp, holder.enrolled_by) + mails_to(smtp, waiter.enrolled_by))
        == ["Food hygiene is cancelled"] * 2
    )
    body = mails_to(smtp, holder.enrolled_by)[0].get_body().get_content()
    assert "The teacher fell ill" in body and "free of charge" in body
    (attachment,) = mails_to(smtp, holder.enrolled_by)[0].iter_attachments()
    assert "STATUS:CANCELLED" in attachment.get_content()


def test_the_provider_cancelling_one_enrolment_tells_its_people(app, make_course, counsellor, publisher, smtp):
    enrolment = enrol_self(counsellor, make_course())
    services.cancel_enrolment(publisher, enrolment, by_provider=True)
    db.session.commit()
    subjects = [" ".join(m["Subject"].split()) for m in mails_to(smtp, counsellor)]  # unfolded
    assert subjects == [
        "Enrolment confirmed: Food hygiene",
        "The enrolment on Food hygiene is cancelled by the organisation offering it",
    ]
    assert not list(mails_to(smtp, counsellor)[-1].iter_attachments())
    assert notices_of(publisher) == []


def test_a_person_without_an_account_is_mailed_at_their_own_address(app, make_course, publisher, smtp):
    course = make_course(seats=1)
    aino = outside_person("Aino Ahonen")
    aino.email = "aino@outside.example"
    first, _token = services.enrol(None, course, aino, outside_payer(), accept_terms=True)
    services.enrol(None, course, outside_person(), outside_payer(), accept_terms=True)
    db.session.commit()

    (confirmed,) = mails_to(smtp, "aino@outside.example")
    assert confirmed["Content-Language"] == "fi"  # the course's language: no account to say otherwise
    assert confirmed["Subject"] == "Ilmoittautuminen vahvistettu: Hygieniaosaaminen"
    body = confirmed.get_body().get_content()
    assert "Aino Ahonen" in body
    assert f"/courses/{course.id}" in body.splitlines()[-4]  # the course's public page: no account to sign in with
    assert "ilmoittauduttaessa" in body and "Riitta" not in body and "PO-17" not in body  # not the payer's details
    (attachment,) = confirmed.iter_attachments()
    assert attachment.get_filename() == f"enrolment-{first.id}.ics"
    (waiting,) = mails_to(smtp, "olli@outside.example")
    assert not list(waiting.iter_attachments()) and "Aino" not in waiting.as_string()

    services.cancel_enrolment(publisher, first, by_provider=True)
    db.session.commit()
    assert mails_to(smtp, "aino@outside.example")[-1]["Subject"].startswith("Kurssin järjestäjä on perunut")
    promoted = mails_to(smtp, "olli@outside.example")[-1]
    assert (
        promoted["Subject"] == "Sinulle vapautui paikka: Hygieniaosaaminen"
        and len(list(promoted.iter_attachments())) == 1
    )


def test_a_client_without_a_login_is_mailed_once_without_the_counsellors_copy(app, make_course, counsellor, smtp):
    client = case_services.register_client(
        counsellor, counsellor.organisation, first_name="Rahel", last_name="Tesfay", gender=Gender.FEMALE
    )
    for course, email in ((make_course(), "rahel@example.fi"), (make_course(starts_in=60), counsellor.email)):
        person = Person(name="Rahel Tesfay", client=client, email=email)
        services.enrol(counsellor, course, person, outside_payer(), accept_terms=True)
    db.session.commit()

    (own,) = mails_to(smtp, "rahel@example.fi")
    assert own["Subject"].startswith("Ilmoittautuminen vahvistettu") and "Rahel" not in own.as_string()
    assert len(mails_to(smtp, counsellor)) == 2  # the address that is the counsellor's own is mailed once


def test_a_person_enrolling_through_the_form_in_their_language_is_mailed_in_it(app, make_course, smtp):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        enrolment, _token = services.enrol(None, make_course(), outside_person(), outside_payer(), accept_terms=True)
        db.session.commit()
    assert enrolment.locale == "sv"
    (mail,) = mails_to(smtp, "olli@outside.example")
    assert mail["Subject"] == "Anmälan bekräftad: Hygienkompetens" and mail["Content-Language"] == "sv"
