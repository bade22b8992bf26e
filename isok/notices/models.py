from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isok.accounts.models import User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l


class MailStatus(LabelledEnum):
    WAITING = "waiting", _l("E-mail on its way")  # a job will send it (again, after a refusal)
    SENT = "sent", _l("Sent by e-mail")
    # no mail server configured: kept for the administrator to read
    IN_OUTBOX = "in_outbox", _l("E-mail kept in the outbox")
    NOT_WANTED = "not_wanted", _l("In the app only")  # the person reads this kind of notice in the app only
    NO_ADDRESS = "no_address", _l("No e-mail address")
    WITHHELD = "withheld", _l("Not sent")  # the person may no longer see the record the notice is about


class Notice(Model):
    """Something a person is told: shown in their notices, and mailed when they want this kind by e-mail.

    It keeps what it is about (kind, object, plain parameters), not its words: it is written in the recipient's
    language each time it is shown or mailed, and from what the recipient may see at that moment."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    # the case it is about, if any: erasing the client's data removes the notices about them and their mails
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_status: Mapped[MailStatus] = mapped_column(enum_type(MailStatus), default=MailStatus.WAITING)
    mail_attempts: Mapped[int] = mapped_column(default=0)
    mail_error: Mapped[str | None] = mapped_column(String(500))  # the last refusal, for the administrator
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class MailChoice(Model):
    """A kind of notice a person does not want by e-mail (every kind is mailed unless they said no)."""

    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))


class OutboxMail(Model):
    """A mail written while no mail server is configured: the embedded default keeps it for the administrator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)  # the whole message as sent (RFC 5322), attachments included
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
