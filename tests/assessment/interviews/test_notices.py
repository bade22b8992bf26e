"""Interview notices: the client and the teacher are told, each in their own language, in the app and by mail
with the calendar file; the mail server may refuse, a person may opt out or lose sight of the case."""

import socket
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from assessment.interviews import services
from isok.accounts.models import Role
from isok.database import utcnow
from isok.extensions import db
from isok.jobs import queue
from isok.jobs.models import FailedJob
from isok.notices import mail
from isok.notices.models import MailStatus, Notice, OutboxMail
from tests.conftest import log_in
from tests.notices.smtp import LoopbackSMTP, free_port

BOOKED_AR = "تم حجز مقابلة"


@pytest.fixture
def smtp(app, monkeypatch):
    server = LoopbackSMTP().start()
    monkeypatch.setitem(app.config, "SMTP_URL", server.url)
    yield server
    server.stop()


@pytest.fixture
def people(make_version, make_case, make_user, make_organisation):
    org = make_organisation()
    counsellor = make_user(Role.COUNSELLOR, organisation=org)
    teacher = make_user(Role.TEACHER, name="Matti Opettaja", locale="fi")
    client_user = make_user(Role.CLIENT, name="Amina", locale="ar")
    case = make_case(organisation=org, counsellor=counsellor, version=make_version(), client_user=client_user)
    return counsellor, teacher, client_user, case


def book(actor, case, teacher):
    starts_at = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    interview = services.schedule_interview(
        actor, case, teacher=teacher, starts_at=starts_at, duration_minutes=60, place="Room 1"
    )
    db.session.commit()  # the mails are sent by jobs queued at the commit (at once in tests)
    return interview


def _notices(user):
    return db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)).all()


def _check_calendar(text: str, interview) -> None:
    """The attachment read by an iCalendar parser: one event at the interview's time."""
    (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert event.decoded("DTSTART") == interview.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") > event.decoded("DTSTART")


def test_a_booking_tells_client_and_teacher_in_their_languages_with_the_calendar_file(app, client, people, smtp):
    counsellor, teacher, client_user, case = people
    interview = book(counsellor, case, teacher)

    assert _notices(counsellor) == []  # nobody is told of their own act
    by_recipient = {message["To"]: message for message in smtp.inbox.messages}
    assert set(by_recipient) == {client_user.email, teacher.email}
    to_client = by_recipient[client_user.email]
    assert BOOKED_AR in to_client["Subject"] and to_client["Content-Language"] == "ar"
    (attachment,) = to_client.iter_attachments()
    assert attachment.get_filename() == f"interview-{interview.id}.ics"
    assert "BEGIN:VCALENDAR" in attachment.get_content() and "LOCATION:Room 1" in attachment.get_content()
    _check_calendar(attachment.get_content(), interview)
    assert "Haastattelu" in by_recipient[teacher.email]["Subject"]  # the teacher reads Finnish
    assert [notice.mail_status for notice in _notices(client_user)] == [MailStatus.SENT]

    log_in(client, client_user)
    page = client.get("/notices").get_data(as_text=True)
    assert BOOKED_AR in page and "Room 1" in page


def test_moving_and_cancelling_tell_again(people, smtp):
    counsellor, teacher, client_user, case = people
    interview = book(counsellor, case, teacher)
    services.reschedule_interview(
        counsellor,
        interview,
        interview.version,
        teacher=teacher,
        starts_at=interview.starts_at + timedelta(days=1),
        duration_minutes=60,
        place="Room 2",
    )
    db.session.commit()
    services.cancel_interview(counsellor, interview, interview.version)
    db.session.commit()
    actions = [notice.params["action"] for notice in _notices(client_user)]
    assert actions == ["schedule_interview", "reschedule_interview", "cancel_interview"]
    assert len(smtp.inbox.messages) == 6
    cancelled = {message["To"]: next(message.iter_attachments()).get_content() for message in smtp.inbox.messages[-2:]}
    assert all("STATUS:CANCELLED" in ics for ics in cancelled.values())
    assert all(case.client.first_name not in ics for ics in cancelled.values())  # no names in mails


def test_without_a_mail_server_the_mail_waits_in_the_outbox_for_the_administrator(app, client, people, make_user):
    counsellor, teacher, client_user, case = people
    book(counsellor, case, teacher)
    kept = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
    assert {mail.recipient for mail in kept} == {client_user.email, teacher.email}
    assert {notice.mail_status for notice in _notices(client_user)} == {MailStatus.IN_OUTBOX}
    log_in(client, make_user(Role.ADMIN))
    outbox = client.get("/admin/outbox").get_data(as_text=True)
    assert BOOKED_AR in outbox
    one = client.get(f"/admin/outbox/{kept[0].id}").get_data(as_text=True)
    assert "Room 1" in one and ".ics" in one


def test_a_refusing_mail_server_leaves_the_notice_in_the_app_and_the_mail_is_tried_again(app, client, people, smtp):
    counsellor, teacher, client_user, case = people
    smtp.inbox.refusing = True
    book(counsellor, case, teacher)
    (notice,) = _notices(client_user)
    assert notice.mail_status == MailStatus.WAITING and "451" in notice.mail_error
    failure = db.session.scalar(select(FailedJob).where(FailedJob.arguments == repr((notice.id,))))
    assert failure.task == "send_notice_mail" and failure.retries_left > 0  # retried with back-off
    log_in(client, client_user)
    assert BOOKED_AR in client.get("/notices").get_data(as_text=True)

    smtp.inbox.refusing = False
    db.session.rollback()
    mail.send_notice_mail(notice.id)  # what the retry does
    db.session.rollback()
    assert db.session.get(Notice, notice.id).mail_status == MailStatus.SENT
    assert [message["To"] for message in smtp.inbox.messages] == [client_user.email]


def test_a_mail_server_that_is_down_counts_as_refusing(app, people, monkeypatch):
    counsellor, teacher, client_user, case = people
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nobody listens there
    book(counsellor, case, teacher)
    (notice,) = _notices(client_user)
    assert notice.mail_status == MailStatus.WAITING and notice.mail_attempts == 1


def test_whoever_opts_out_reads_it_in_the_app_only(client, people, smtp):
    counsellor, teacher, client_user, case = people
    log_in(client, teacher)
    response = client.post("/notices/mail", data={"by_mail": ["certificate"]})
    assert response.status_code == 302
    book(counsellor, case, teacher)
    assert [message["To"] for message in smtp.inbox.messages] == [client_user.email]
    assert [notice.mail_status for notice in _notices(teacher)] == [MailStatus.NOT_WANTED]
    assert "Haastattelu" in client.get("/notices", headers={"Accept-Language": "fi"}).get_data(as_text=True)


def test_no_mail_for_someone_who_may_no_longer_see_the_case(app, people, smtp, monkeypatch, make_user):
    counsellor, teacher, client_user, case = people
    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)  # the mails wait: no consumer yet
    interview = book(counsellor, case, teacher)
    services.reschedule_interview(
        counsellor,
        interview,
        interview.version,
        teacher=make_user(Role.TEACHER),
        starts_at=interview.starts_at,
        duration_minutes=60,
        place="Room 1",
    )
    db.session.commit()  # the first teacher no longer has an interview in this case, so no longer sees it
    (teacher_notice,) = _notices(teacher)
    db.session.rollback()
    mail.send_notice_mail(teacher_notice.id)
    db.session.rollback()
    assert db.session.get(Notice, teacher_notice.id).mail_status == MailStatus.WITHHELD
    assert smtp.inbox.messages == []


def book_with_interpreter(actor, case, teacher, email="layla@tulkit.example"):
    starts_at = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    interview = services.schedule_interview(
        actor,
        case,
        teacher=teacher,
        starts_at=starts_at,
        duration_minutes=60,
        place="Room 1",
        interpreter_language="ar",
        interpreter_name="Layla Haddad",
        interpreter_email=email,
    )
    db.session.commit()
    return interview


def test_the_interpreter_is_mailed_time_place_and_languages_only(people, smtp):
    counsellor, teacher, client_user, case = people
    interview = book_with_interpreter(counsellor, case, teacher)
    by_recipient = {message["To"]: message for message in smtp.inbox.messages}
    assert set(by_recipient) == {client_user.email, teacher.email, "layla@tulkit.example"}
    to_interpreter = by_recipient["layla@tulkit.example"]
    assert to_interpreter["Content-Language"] == "ar"  # the language they interpret, which the interface speaks
    body = to_interpreter.get_body(("plain",)).get_content()
    (attachment,) = to_interpreter.iter_attachments()
    ics = attachment.get_content()
    assert "LOCATION:Room 1" in ics and f"interview-{interview.id}@" in ics
    _check_calendar(ics, interview)
    for case_detail in (case.client.first_name, case.client.last_name, teacher.name, f"/interviews/{interview.id}"):
        assert case_detail not in body + ics + to_interpreter["Subject"]
    (notice,) = db.session.scalars(select(Notice).where(Notice.user_id.is_(None))).all()
    assert (notice.email, notice.mail_status) == ("layla@tulkit.example", MailStatus.SENT)


def test_a_replaced_interpreter_is_told_they_are_no_longer_needed_and_nothing_more(people, smtp, monkeypatch):
    counsellor, teacher, client_user, case = people
    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)  # the mails wait: no consumer yet
    interview = book_with_interpreter(counsellor, case, teacher)
    services.reschedule_interview(
        counsellor,
        interview,
        interview.version,
        teacher=teacher,
        starts_at=interview.starts_at + timedelta(hours=1),
        duration_minutes=60,
        place="Room 1",
        interpreter_language="ar",
        interpreter_name="Omar Saleh",
        interpreter_email="omar@tulkit.example",
    )
    db.session.commit()
    services.reschedule_interview(  # then no interpreter is needed after all
        counsellor,
        interview,
        interview.version,
        teacher=teacher,
        starts_at=interview.starts_at,
        duration_minutes=60,
        place="Room 1",
    )
    db.session.commit()
    to_interpreters = db.session.scalars(select(Notice).where(Notice.user_id.is_(None)).order_by(Notice.id)).all()
    assert [(n.email, n.params["action"]) for n in to_interpreters] == [
        ("layla@tulkit.example", "schedule_interview"),
        ("omar@tulkit.example", "reschedule_interview"),
        ("layla@tulkit.example", "release_interpreter"),
        ("omar@tulkit.example", "release_interpreter"),
    ]
    ids = [notice.id for notice in to_interpreters]
    db.session.rollback()
    for notice_id in ids:
        mail.send_notice_mail(notice_id)
    db.session.rollback()
    # the first booking's mail went nowhere (Layla is no longer its interpreter); she is told she is released
    assert db.session.get(Notice, ids[0]).mail_status == MailStatus.WITHHELD
    assert db.session.get(Notice, ids[1]).mail_status == MailStatus.WITHHELD  # Omar's booking went before he got it
    assert [message["To"] for message in smtp.inbox.messages] == ["layla@tulkit.example", "omar@tulkit.example"]
    for released in smtp.inbox.messages:
        assert "STATUS:CANCELLED" in next(released.iter_attachments()).get_content()
        assert "Omar" not in released.get_body(("plain",)).get_content()


def test_an_interpreter_without_an_e_mail_address_is_not_mailed_and_the_page_says_so(client, people, smtp):
    counsellor, teacher, client_user, case = people
    interview = book_with_interpreter(counsellor, case, teacher, email="")
    assert {message["To"] for message in smtp.inbox.messages} == {client_user.email, teacher.email}
    assert db.session.scalars(select(Notice).where(Notice.user_id.is_(None))).all() == []
    log_in(client, counsellor)
    page = client.get(f"/interviews/{interview.id}").get_data(as_text=True)
    assert "Layla Haddad: no e-mail address, so not told of the booking by isok" in page


def test_a_mail_server_that_does_not_answer_in_time_counts_as_refusing(app, people, monkeypatch):
    counsellor, teacher, client_user, case = people
    with socket.socket() as silent:  # accepts connections (the backlog does) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.setattr(mail, "SMTP_TIMEOUT", 0.5)
        book(counsellor, case, teacher)
    (notice,) = _notices(client_user)
    assert notice.mail_status == MailStatus.WAITING and "timed out" in notice.mail_error
    assert db.session.scalar(select(FailedJob).where(FailedJob.arguments == repr((notice.id,)))).retries_left > 0
