"""Mail of the notices: written in the recipient's language, sent through the configured SMTP server by a job with
retries, or kept in the outbox when no server is configured (the embedded default).

`ISOK_SMTP_URL`: `smtp://user:password@host:587` (STARTTLS when the server offers it), `smtps://…:465` (TLS from the
start) or `smtp://host:25` without credentials.
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from flask import current_app

from isok.database import utcnow
from isok.extensions import db
from isok.notices import registry
from isok.notices.models import MailStatus, Notice, OutboxMail
from isok.translation import force_locale
from isok.translation import gettext as _

SMTP_TIMEOUT = 20  # seconds; a server that does not answer in time counts as refusing, and the job retries


class MailRefused(Exception):
    """The mail server refused or did not answer; the job is retried with back-off."""


def recipient_locale(notice: Notice) -> str:
    told = notice.user.locale if notice.user is not None else notice.locale
    return told or current_app.config.get("BABEL_DEFAULT_LOCALE", "fi")


def write(notice: Notice) -> registry.Written | None:
    """The notice in its recipient's language, or None when what it is about is gone."""
    kind = registry.of().kinds.get(notice.kind)
    if kind is None:
        return None
    with force_locale(recipient_locale(notice)):
        return kind.write(notice)


def visible(notice: Notice) -> bool:
    kind = registry.of().kinds.get(notice.kind)
    user = notice.user
    return kind is not None and (user is None or user.active) and kind.visible(user, notice)


def message(notice: Notice, written: registry.Written) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = current_app.config["MAIL_FROM"]
    mail["To"] = notice.address
    mail["Subject"] = written.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=urlsplit(current_app.config["PUBLIC_URL"]).hostname or "isok")
    with force_locale(recipient_locale(notice)):
        footer = (
            _(
                "You get this e-mail because of your account in isok. Choose which notices come by e-mail on "
                "the page of your notices."
            )
            if notice.user is not None
            else written.footer or _("You get this e-mail because your address was given in isok for this appointment.")
        )
    mail.set_content("\n\n".join(part for part in (written.body, written.url, "-- \n" + footer) if part))
    for filename, mime_type, content in written.attachments:
        maintype, subtype = mime_type.split("/", 1)
        if isinstance(content, str):  # text: sent as UTF-8
            mail.add_attachment(content, subtype=subtype, filename=filename)
        else:
            mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    mail["Content-Language"] = recipient_locale(notice)  # after the content, which resets Content-* headers
    return mail


def send_notice_mail(notice_id: int) -> None:
    """The job: mail one notice, unless its recipient may no longer see what it is about."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.mail_status != MailStatus.WAITING:
        return
    if not visible(notice):
        notice.mail_status = MailStatus.WITHHELD
        db.session.commit()
        return
    written = write(notice)
    if written is None:
        notice.mail_status = MailStatus.WITHHELD
        db.session.commit()
        return
    mail = message(notice, written)
    url = current_app.config.get("SMTP_URL")
    if not url:
        db.session.add(
            OutboxMail(notice_id=notice.id, recipient=notice.address, subject=written.subject, message=mail.as_string())
        )
        notice.mail_status, notice.mailed_at = MailStatus.IN_OUTBOX, utcnow()
        db.session.commit()
        return
    notice.mail_attempts += 1
    try:
        deliver(url, mail)
    except (OSError, smtplib.SMTPException) as error:
        notice.mail_error = f"{type(error).__name__}: {error}"[:500]
        db.session.commit()  # the notice stays in the app; the job is tried again later
        raise MailRefused(notice.mail_error) from error
    notice.mail_status, notice.mailed_at, notice.mail_error = MailStatus.SENT, utcnow(), None
    db.session.commit()


def deliver(url: str, mail: EmailMessage) -> None:
    parts = urlsplit(url)
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 25)
    if secure:
        server = smtplib.SMTP_SSL(parts.hostname, port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(parts.hostname, port, timeout=SMTP_TIMEOUT)
    with server:
        server.ehlo()
        if not secure and server.has_extn("starttls"):
            server.starttls(context=ssl.create_default_context())
        if parts.username:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        server.send_message(mail)
