"""Bulk issue in a background thread: one case at a time, each in its own transaction, failures kept per case.

The request that starts a bulk issue commits the job and starts a thread with its own application context (and so
its own database session). Nothing accumulates: every case's objects are released from the session after its
commit, and the PDF goes to storage at once, so memory does not grow with the number of cases.
"""

import logging
import threading

from flask import Flask, current_app
from sqlalchemy import select

from certificates import services
from certificates.models import BulkIssue, BulkIssueItem, BulkStatus, ItemStatus
from isok.accounts.models import User
from isok.database import utcnow
from isok.extensions import db
from isok.translation import force_locale
from isok.translation import gettext as _

log = logging.getLogger(__name__)
_threads: dict[int, threading.Thread] = {}


def start(bulk_id: int, app: Flask | None = None) -> threading.Thread:
    """Run the bulk issue in a daemon thread; the job record is the only shared state."""
    app = app or current_app._get_current_object()
    thread = threading.Thread(target=_run_in_context, args=(app, bulk_id), name=f"bulk-issue-{bulk_id}", daemon=True)
    _threads[bulk_id] = thread
    thread.start()
    return thread


def wait(bulk_id: int, timeout: float | None = None) -> None:
    """Wait for a running bulk issue to end (tests and the CLI; the web shows progress instead)."""
    thread = _threads.get(bulk_id)
    if thread is not None:
        thread.join(timeout)
        if not thread.is_alive():
            _threads.pop(bulk_id, None)


def _run_in_context(app: Flask, bulk_id: int) -> None:
    with app.app_context():
        try:
            run(bulk_id)
        except Exception:
            log.exception("bulk issue %s stopped", bulk_id)
        finally:
            db.session.remove()


def run(bulk_id: int) -> None:
    """Issue the certificates of every pending item of the job, one case at a time."""
    bulk = db.session.get(BulkIssue, bulk_id)
    bulk.status = BulkStatus.RUNNING
    bulk.started_at = utcnow()
    user_id, languages, locale = bulk.created_by_id, list(bulk.languages), bulk.locale
    db.session.commit()
    item_ids = db.session.scalars(select(BulkIssueItem.id).where(
        BulkIssueItem.bulk_id == bulk_id, BulkIssueItem.status == ItemStatus.PENDING).order_by(BulkIssueItem.id)).all()
    with force_locale(locale):
        for item_id in item_ids:
            _issue_one(item_id, user_id, languages)
            db.session.expunge_all()
    bulk = db.session.get(BulkIssue, bulk_id)
    bulk.status = BulkStatus.FINISHED
    bulk.finished_at = utcnow()
    db.session.commit()


def _issue_one(item_id: int, user_id: int | None, languages: list[str]) -> None:
    item = db.session.get(BulkIssueItem, item_id)
    user = db.session.get(User, user_id) if user_id else None
    try:
        if user is None or not user.active:
            raise services.CertificateError(_("The person who started this bulk issue can no longer issue."))
        certificate = services.issue_certificate(user, item.case, languages)
        item.status = ItemStatus.ISSUED
        item.certificate = certificate
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        if not isinstance(error, services.CertificateError):
            log.exception("bulk issue item %s failed", item_id)
        item = db.session.get(BulkIssueItem, item_id)
        item.status = ItemStatus.FAILED
        item.error = (str(error) if isinstance(error, services.CertificateError)
                      else _("Unexpected error (%(kind)s); the log has the details.", kind=type(error).__name__))[:500]
        db.session.commit()
