"""The notices' part of a client's data export and of their erasure (declared in notices.init_app): the notices
to the client and those about their cases, with the mails written from them."""

from sqlalchemy import delete, or_, select

from isok import audit, hooks
from isok.extensions import db
from isok.notices.models import Notice, OutboxMail

NOTICE_FIELDS = [
    "id",
    "user_id",
    "locale",  # (an interpreter's address stays out: it is theirs, not the client's)
    "kind",
    "object_id",
    "case_id",
    "params",
    "created_at",
    "read_at",
    "mail_status",
    "mail_attempts",
    "mail_error",
    "mailed_at",
]
MAIL_FIELDS = ["id", "notice_id", "recipient", "subject", "message", "created_at"]


def _concerning(client):
    about = Notice.case_id.in_([case.id for case in client.cases])
    return or_(about, Notice.user_id == client.user_id) if client.user_id is not None else about


def notices_part(client) -> list[hooks.ExportPart]:
    notices = db.session.scalars(select(Notice).where(_concerning(client)).order_by(Notice.id)).all()
    if not notices:
        return []
    mails = db.session.scalars(
        select(OutboxMail).where(OutboxMail.notice_id.in_([n.id for n in notices])).order_by(OutboxMail.id)
    ).all()
    data = {
        "notices": [audit.snapshot(notice, NOTICE_FIELDS) for notice in notices],
        "outbox_mails": [audit.snapshot(mail, MAIL_FIELDS) for mail in mails],
    }
    return [
        hooks.ExportPart(
            "notices",
            data,
            "notices/export_summary.html",
            context={"notices": notices},
            tables=("notice", "outbox_mail"),
        )
    ]


def erase_notices(actor, client) -> None:
    """The notices go with the client's personal data, and so do the mails written from them (a mail copies what
    the record said when it was sent)."""
    condition = _concerning(client)
    notice_ids = select(Notice.id).where(condition)
    mails = db.session.execute(delete(OutboxMail).where(OutboxMail.notice_id.in_(notice_ids))).rowcount
    notices = db.session.execute(delete(Notice).where(condition)).rowcount
    audit.record(actor, "erase_notices", client, changes={"notices": notices, "mails": mails})
    db.session.flush()
