"""The retention period kept without a person: the nightly job that erases the clients past it."""

import logging

from flask import current_app

from cases import services
from isok.extensions import db
from isok.jobs import queue

log = logging.getLogger(__name__)


def init_app(app) -> None:
    queue.periodic(app, queue.crontab(minute="30", hour="2"), erase_expired_clients)


def erase_expired_clients() -> int:
    """Erase every client past `ISOK_RETENTION_YEARS` (nothing when it is unset), each in its own transaction, as
    `flask erase-expired-clients` does; the audit trail names no actor."""
    years = current_app.config.get("RETENTION_YEARS")
    if not years:
        return 0
    due = services.clients_due_for_erasure(years)
    for client in due:
        services.erase_client(None, client)
        db.session.commit()
    log.info("retention: erased %s clients (retention period %s years)", len(due), years)
    return len(due)
