"""The nightly retention job: scheduled on the queue, erasing what the command erases once the period is set."""

from datetime import date, datetime

from cases import services
from cases.models import Client
from isok.extensions import db
from isok.jobs import queue


def _due_at(app, moment):
    return [task.name for task in queue.huey_of(app).read_periodic(moment)]


def test_the_erasure_runs_nightly_and_only_once_the_period_is_set(app, counsellor, make_case, monkeypatch):
    assert "erase_expired_clients" in _due_at(app, datetime(2026, 12, 6, 2, 30))
    assert "erase_expired_clients" not in _due_at(app, datetime(2026, 12, 6, 12, 30))
    old = make_case(entry_date=date(2019, 1, 1))
    services.record_exit(counsellor, old, exit_date=date(2019, 6, 1), labour_status=None)
    recent = make_case(entry_date=date(2019, 1, 1))
    db.session.commit()
    old_client, recent_client = old.client_id, recent.client_id
    nightly = next(
        task
        for task in queue.huey_of(app).read_periodic(datetime(2026, 12, 6, 2, 30))
        if task.name == "erase_expired_clients"
    )
    db.session.rollback()  # the job writes in a transaction of its own

    queue.huey_of(app).execute(nightly)
    db.session.rollback()
    assert db.session.get(Client, old_client).erased_at is None  # no retention period set: nothing erased

    monkeypatch.setitem(app.config, "RETENTION_YEARS", 5)
    db.session.rollback()
    queue.huey_of(app).execute(nightly)
    db.session.rollback()
    assert db.session.get(Client, old_client).erased_at is not None
    assert db.session.get(Client, recent_client).erased_at is None
