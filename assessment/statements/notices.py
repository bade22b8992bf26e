"""Telling people about statements: the referee gets their link by e-mail in their own language (they have no account,
so the mail is written and sent here, through the notices' mail delivery and outbox); the counsellor who asked gets a
notice when the referee answers."""

from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import format_date
from sqlalchemy import delete

from assessment.statements import access
from assessment.statements.models import RefereeStatement
from isok.extensions import db
from isok.jobs import queue
from isok.notices import mail, registry
from isok.notices.models import OutboxMail
from isok.translation import force_locale
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

ANSWERED = "statement_answered"
SEND_REQUEST = "send_statement_request"
HEADER = "X-Isok-Statement"  # names the request a mail carries, so erasure finds the mails kept in the outbox


def init_app(app: Flask) -> None:
    registry.kind(app, registry.Kind(ANSWERED, _l("Statements the referees sent"), write_answered, visible))
    registry.on_audit(app, "statement_submitted", told_of_answer)
    queue.task(app, send_request, name=SEND_REQUEST, retries=8, retry_delay=60)


def told_of_answer(entry) -> list[registry.Tell]:
    statement = db.session.get(RefereeStatement, entry.object_id)
    return [registry.Tell(statement.requested_by_id, ANSWERED, statement.id, case_id=statement.case_id)]


def visible(user, notice) -> bool:
    stmt = access.visible_statements(user).where(RefereeStatement.id == notice.object_id)
    return db.session.scalar(stmt) is not None


def write_answered(notice) -> registry.Written | None:
    statement = db.session.get(RefereeStatement, notice.object_id)
    if statement is None:
        return None
    return registry.Written(
        _("%(name)s sent their statement", name=statement.referee_name),
        _(
            "%(name)s (%(organisation)s) answered your request.",
            name=statement.referee_name,
            organisation=statement.referee_organisation,
        ),
        registry.link("assessment.statement", statement_id=statement.id),
    )


def mail_request(statement: RefereeStatement, token: str) -> None:
    """Send the referee their link once the request is committed (the token is handed to the job, never stored)."""
    queue.enqueue(SEND_REQUEST, statement.id, token)


def request_mail(statement: RefereeStatement, token: str) -> EmailMessage:
    """The request in the referee's language; without the client's name, which the link shows (a mail outlives the
    record, and an erased client's name must not stay in it)."""
    with force_locale(statement.language):
        subject = _("A request to confirm a person's work experience")
        body = _(
            "%(counsellor)s from the guidance service asks you to confirm the work of a person you knew at "
            "%(organisation)s. It helps to recognise the skills the person learnt at work. The link below opens a "
            "short form; no account is needed. It works until %(date)s.",
            counsellor=statement.requested_by.name if statement.requested_by else "isok",
            organisation=statement.referee_organisation,
            date=format_date(statement.deadline, "long"),
        )
        url = registry.link("assessment.referee_answer", token=token)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = statement.referee_email
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=urlsplit(current_app.config["PUBLIC_URL"]).hostname or "isok")
    message[HEADER] = str(statement.id)
    message.set_content(f"{body}\n\n{url}\n")
    message["Content-Language"] = statement.language
    return message


def send_request(statement_id: int, token: str) -> None:
    """The job: mail the link while the request still waits for its answer; kept in the outbox with no mail server."""
    statement = db.session.get(RefereeStatement, statement_id)
    if statement is None or statement.submitted_at is not None or not statement.usable():
        return
    message = request_mail(statement, token)
    smtp = current_app.config.get("SMTP_URL")
    if not smtp:
        db.session.add(
            OutboxMail(recipient=statement.referee_email, subject=message["Subject"], message=message.as_string())
        )
        db.session.commit()
        return
    try:
        mail.deliver(smtp, message)
    except OSError as error:  # smtplib's errors are OSErrors: the job is retried with back-off
        raise mail.MailRefused(f"{type(error).__name__}: {error}"[:500]) from error


def erase_request_mails(statements: list[RefereeStatement]) -> int:
    """Remove the requests kept in the outbox for these statements (they name the referee and the workplace)."""
    if not statements:
        return 0
    names = [f"{HEADER}: {statement.id}\n" for statement in statements]
    mails = db.session.scalars(db.select(OutboxMail).where(OutboxMail.notice_id.is_(None))).all()
    ids = [kept.id for kept in mails if any(name in kept.message for name in names)]
    if ids:
        db.session.execute(delete(OutboxMail).where(OutboxMail.id.in_(ids)))
    return len(ids)
