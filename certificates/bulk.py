"""Bulk issue as a job on the queue: one case per step, each in its own transaction, failures kept per case.

The request that starts a bulk issue commits the job and its items; each step of the job takes the next waiting
item, issues its certificate and marks the item issued in one transaction, then asks for the next step. The
database is the job's only memory: a consumer killed in the middle of a step leaves that item waiting (its
transaction never committed), and the next consumer to start resumes every unfinished job (`resume`), so each
certificate is issued once. Items are taken under a row lock that skips the locked ones (PostgreSQL) or in a
write transaction (SQLite), so two consumers never issue the same item.
"""

import logging

from sqlalchemy import select

from certificates import services
from certificates.models import BulkIssue, BulkIssueItem, BulkStatus, ItemStatus
from isok.accounts.models import User
from isok.database import utcnow
from isok.extensions import db
from isok.jobs import queue
from isok.translation import force_locale
from isok.translation import gettext as _

log = logging.getLogger(__name__)
STEP = "bulk_issue_step"  # asked for by services.start_bulk_issue
RESUME = "resume_bulk_issues"


def init_app(app) -> None:
    queue.task(app, step, name=STEP, on_give_up=stop)
    queue.task(app, resume, name=RESUME)
    queue.at_consumer_start(app, RESUME)


def step(bulk_id: int) -> None:
    """The job: issue one case's certificate, then ask for the next step (or finish the bulk issue)."""
    if issue_next(bulk_id):
        queue.enqueue(STEP, bulk_id)
        db.session.commit()  # hands the next step to the queue


def run(bulk_id: int) -> None:
    """Issue every waiting item of the job in this process, one case at a time."""
    while issue_next(bulk_id):
        db.session.expunge_all()


def resume() -> None:
    """Queue a step of every unfinished bulk issue (after a consumer was killed, the step in hand is lost)."""
    waiting = (
        select(BulkIssueItem.id)
        .where(BulkIssueItem.bulk_id == BulkIssue.id, BulkIssueItem.status == ItemStatus.PENDING)
        .exists()
    )
    unfinished = BulkIssue.status.in_((BulkStatus.QUEUED, BulkStatus.RUNNING))  # a stopped one waits to be run again
    for bulk_id in db.session.scalars(select(BulkIssue.id).where(unfinished, waiting)):
        queue.enqueue(STEP, bulk_id)
    db.session.commit()


def issue_next(bulk_id: int) -> bool:
    """Issue the certificate of the job's next waiting case; False when none is left to take."""
    bulk = db.session.get(BulkIssue, bulk_id)
    if bulk is None or bulk.status == BulkStatus.FINISHED:
        return False
    item = db.session.scalar(
        select(BulkIssueItem)
        .where(BulkIssueItem.bulk_id == bulk_id, BulkIssueItem.status == ItemStatus.PENDING)
        .order_by(BulkIssueItem.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if item is None:
        _finish_if_done(bulk_id)
        return False
    if bulk.status in (BulkStatus.QUEUED, BulkStatus.STOPPED):
        bulk.status, bulk.started_at = BulkStatus.RUNNING, bulk.started_at or utcnow()
    user = db.session.get(User, bulk.created_by_id) if bulk.created_by_id else None
    item_id = item.id
    with force_locale(bulk.locale):
        try:
            if user is None or not user.active:
                raise services.CertificateError(_("The person who started this bulk issue can no longer issue."))
            item.certificate = services.issue_certificate(user, item.case, list(bulk.languages))
            item.status, item.error = ItemStatus.ISSUED, None
            db.session.commit()
        except services.CertificateError as error:
            db.session.rollback()
            _fail(item_id, str(error))
    return True


def stop(bulk_id: int, *, error: str) -> None:
    """A step failed through all its retries (the file store down for an hour, say): the bulk issue stops, never
    left running, and the case it was on shows the error; the rest wait until an administrator runs it again."""
    bulk = db.session.scalar(select(BulkIssue).where(BulkIssue.id == bulk_id).with_for_update())
    if bulk is None or bulk.status == BulkStatus.FINISHED:
        return
    bulk.status = BulkStatus.STOPPED
    item = db.session.scalar(
        select(BulkIssueItem)
        .where(BulkIssueItem.bulk_id == bulk_id, BulkIssueItem.status == ItemStatus.PENDING)
        .order_by(BulkIssueItem.id)
        .limit(1)
    )
    if item is not None:
        item.error = error[:500]


def _fail(item_id: int, reason: str) -> None:
    item = db.session.scalar(select(BulkIssueItem).where(BulkIssueItem.id == item_id).with_for_update())
    if item.status == ItemStatus.PENDING:
        bulk = item.bulk
        if bulk.status == BulkStatus.QUEUED:
            bulk.status, bulk.started_at = BulkStatus.RUNNING, utcnow()
        item.status, item.error = ItemStatus.FAILED, reason[:500]
    db.session.commit()


def _finish_if_done(bulk_id: int) -> None:
    """Finish the job once no item waits (one locked by another consumer still waits: that consumer finishes)."""
    bulk = db.session.scalar(select(BulkIssue).where(BulkIssue.id == bulk_id).with_for_update())
    waiting = db.session.scalar(
        select(BulkIssueItem.id)
        .where(BulkIssueItem.bulk_id == bulk_id, BulkIssueItem.status == ItemStatus.PENDING)
        .limit(1)
    )
    if waiting is None and bulk.status != BulkStatus.FINISHED:
        bulk.status, bulk.finished_at = BulkStatus.FINISHED, utcnow()
        if bulk.started_at is None:
            bulk.started_at = bulk.finished_at
    db.session.commit()
