"""Telling people: notices added in the caller's transaction, their mails sent by a job after it commits."""

from sqlalchemy import select

from isok import audit
from isok.accounts.models import User
from isok.database import utcnow
from isok.extensions import db
from isok.jobs import queue
from isok.notices import registry
from isok.notices.models import MailChoice, MailStatus, Notice

SEND_MAIL = "send_notice_mail"


def wants_mail(user_id: int, kind: str) -> bool:
    unwanted = select(MailChoice.id).where(MailChoice.user_id == user_id, MailChoice.kind == kind)
    return db.session.scalar(unwanted) is None


def mark_read(user: User) -> int:
    """Mark the person's unread notices read; how many there were."""
    unread = db.session.scalars(select(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))).all()
    for notice in unread:
        notice.read_at = utcnow()
    if unread:
        audit.record(user, "read_notices", object_type="user", object_id=user.id, changes={"count": len(unread)})
    db.session.flush()
    return len(unread)


def tell(told: registry.Tell) -> Notice | None:
    """Add a notice for its recipient (none for an account that is closed); queue its mail at the commit."""
    if told.user_id is None:
        return _tell_by_mail(told)
    user = db.session.get(User, told.user_id)
    if user is None or not user.active:
        return None
    status = MailStatus.WAITING
    if not user.email:
        status = MailStatus.NO_ADDRESS
    elif not wants_mail(user.id, told.kind):
        status = MailStatus.NOT_WANTED
    notice = Notice(
        user_id=user.id,
        kind=told.kind,
        object_id=told.object_id,
        case_id=told.case_id,
        params=dict(told.params),
        mail_status=status,
    )
    db.session.add(notice)
    return notice


def _tell_by_mail(told: registry.Tell) -> Notice | None:
    """A person without an account has no notices page: the notice exists to be mailed (and retried)."""
    if not told.email:
        return None
    notice = Notice(
        email=told.email,
        locale=told.locale,
        kind=told.kind,
        object_id=told.object_id,
        case_id=told.case_id,
        params=dict(told.params),
        mail_status=MailStatus.WAITING,
    )
    db.session.add(notice)
    return notice


def already_told(user_id: int, kind: str, object_id: int | None, **params) -> bool:
    """Whether the person already has this notice (daily jobs tell once, not every day)."""
    notices = db.session.scalars(
        select(Notice).where(Notice.user_id == user_id, Notice.kind == kind, Notice.object_id == object_id)
    )
    return any(all(notice.params.get(key) == value for key, value in params.items()) for notice in notices)


def queue_mails(session, _context) -> None:
    """After a flush: ask for the mail of every new notice that waits for one (sent once the transaction commits)."""
    for notice in session.new:
        if isinstance(notice, Notice) and notice.mail_status == MailStatus.WAITING:
            queue.enqueue(SEND_MAIL, notice.id)


def set_mail_choices(user: User, mailed_kinds: set[str]) -> None:
    """Record which kinds of notices the person wants by e-mail; the app always shows them all."""
    kinds = set(registry.of().kinds)
    unwanted = kinds - set(mailed_kinds)
    current = {
        choice.kind: choice for choice in db.session.scalars(select(MailChoice).where(MailChoice.user_id == user.id))
    }
    for name in unwanted - set(current):
        db.session.add(MailChoice(user_id=user.id, kind=name))
    for name in set(current) - unwanted:
        db.session.delete(current[name])
    audit.record(user, "set_notice_mail_choices", user, changes={"not_by_mail": sorted(unwanted)})
    db.session.flush()
