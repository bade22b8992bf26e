"""A bulk issue whose step fails through all its retries stops (never left running), shows the error on the case it
was on, and an administrator runs it again from the failed jobs once the cause is fixed."""

from sqlalchemy import select

from certificates import bulk, services
from certificates.models import BulkIssue, BulkIssueItem, BulkStatus, ItemStatus
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.extensions import db
from isok.jobs import queue
from isok.jobs.models import FailedJob
from tests.conftest import log_in


def _last_retry(bulk_id):
    """What the consumer does when the step's retries are spent: run it once more with none left."""
    task = queue.of().tasks[bulk.STEP].s(bulk_id)
    task.retries = 0
    queue.huey_of().enqueue(task)


def test_a_step_out_of_retries_stops_the_job_until_it_is_run_again(
    app, client, counsellor, make_case, signed_off, make_user, monkeypatch
):
    cases = [make_case(first_name=f"Ready{n}") for n in range(2)]
    for case in cases:
        signed_off(case)
    store_down = [True]
    issue = services.issue_certificate

    def issue_unless_the_store_is_down(*args, **kwargs):
        if store_down[0]:
            raise OSError("the file store does not answer")
        return issue(*args, **kwargs)

    monkeypatch.setattr(services, "issue_certificate", issue_unless_the_store_is_down)
    job = services.start_bulk_issue(counsellor, cases, ["fi"], "en")
    db.session.commit()  # the first step runs and fails; the queue would retry it later
    job_id = job.id
    assert db.session.get(BulkIssue, job_id).status == BulkStatus.QUEUED  # the failed step changed nothing
    db.session.rollback()
    _last_retry(job_id)
    db.session.rollback()
    stopped = db.session.get(BulkIssue, job_id)
    first = stopped.items[0]
    assert stopped.status == BulkStatus.STOPPED
    assert (first.status, first.error) == (ItemStatus.PENDING, "OSError: the file store does not answer")

    log_in(client, counsellor)
    page = client.get(f"/certificates/bulk/{job_id}")
    text = page.get_data(as_text=True)
    assert "Stopped by an error" in text and "the file store does not answer" in text
    assert "Refresh" not in page.headers

    given_up = db.session.scalar(select(FailedJob).where(FailedJob.retries_left == 0))
    store_down[0] = False
    admin = app.test_client()
    log_in(admin, make_user(Role.ADMIN))
    assert "Run again" in admin.get("/admin/jobs/failed").get_data(as_text=True)
    assert admin.post(f"/admin/jobs/failed/{given_up.id}/run-again").status_code == 302
    db.session.rollback()
    items = db.session.scalars(select(BulkIssueItem).where(BulkIssueItem.bulk_id == job_id)).all()
    assert {item.status for item in items} == {ItemStatus.ISSUED} and {item.error for item in items} == {None}
    assert db.session.get(BulkIssue, job_id).status == BulkStatus.FINISHED
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "run_job_again")).object_id == given_up.id

    again = admin.post(f"/admin/jobs/failed/{given_up.id}/run-again")
    assert again.status_code == 400 and "This job was already run again." in again.get_data(as_text=True)


def test_a_stopped_job_is_not_resumed_by_a_starting_consumer(counsellor, make_case, signed_off, monkeypatch):
    case = make_case()
    signed_off(case)
    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)
    job = services.start_bulk_issue(counsellor, [case], ["fi"], "en")
    db.session.commit()
    bulk.stop(job.id, error="RuntimeError: out of retries")
    db.session.commit()
    asked = []
    monkeypatch.setattr(queue, "enqueue", lambda *args: asked.append(args))
    bulk.resume()
    assert asked == []
