"""The queue: jobs asked for in a transaction go out at its commit, a failing job is kept for the administrators."""

from sqlalchemy import select

from isok.accounts.models import Role
from isok.extensions import db
from isok.jobs import queue
from isok.jobs.models import FailedJob
from tests.conftest import log_in

ran = []


def _remember(value):
    ran.append(value)


def _fail(value):
    raise RuntimeError(f"the mail server said no to {value}")


def _declare(app):
    if "remember" not in queue.of(app).tasks:
        queue.task(app, _remember, name="remember")
        queue.task(app, _fail, name="fail", retries=2, retry_delay=60)


def test_a_job_asked_for_in_a_transaction_waits_for_its_commit(app, make_user):
    _declare(app)
    ran.clear()
    make_user(Role.ADMIN)  # a transaction: the factory committed; open another
    db.session.execute(select(1))
    queue.enqueue("remember", "committed")
    assert ran == []
    db.session.commit()
    assert ran == ["committed"]
    db.session.execute(select(1))
    queue.enqueue("remember", "rolled back")
    db.session.rollback()
    db.session.execute(select(1))
    db.session.commit()
    assert ran == ["committed"]


def test_a_failed_job_is_shown_to_administrators_with_its_error(app, client, make_user):
    _declare(app)
    queue.enqueue("fail", "mail 7")
    failure = db.session.scalar(select(FailedJob))
    assert failure.task == "fail" and failure.retries_left == 2  # retried later, with back-off
    assert failure.error == "RuntimeError: the mail server said no to mail 7"
    log_in(client, make_user(Role.ADMIN))
    page = client.get("/admin/jobs/failed").get_data(as_text=True)
    assert "the mail server said no to mail 7" in page and "Will be tried again (2 more times)" in page


def test_a_job_still_retried_by_the_queue_is_not_run_again_by_hand(app, client, make_user):
    _declare(app)
    queue.enqueue("fail", "mail 8")
    failure = db.session.scalar(select(FailedJob).where(FailedJob.arguments == repr(("mail 8",))))
    log_in(client, make_user(Role.ADMIN))
    assert "Run again" not in client.get("/admin/jobs/failed").get_data(as_text=True)
    refused = client.post(f"/admin/jobs/failed/{failure.id}/run-again")
    assert refused.status_code == 400 and "This job is still tried again by itself." in refused.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(FailedJob, failure.id).run_again_at is None
