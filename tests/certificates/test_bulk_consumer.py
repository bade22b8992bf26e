"""Bulk issue on a real consumer process, killed with SIGKILL in the middle: every certificate is issued once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select

from certificates import services
from certificates.models import BulkIssue, BulkIssueItem, BulkStatus, Certificate, ItemStatus
from isok.extensions import db
from isok.jobs import queue
from tests.certificates.helpers import MATRIX_MARK

ROOT = Path(__file__).resolve().parent.parent.parent
CASES = 12


def _consumer(app, tmp_path) -> subprocess.Popen:
    log = (tmp_path / "consumer.log").open("ab")
    env = {
        **os.environ,
        "ISOK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ISOK_SECRET_KEY": app.config["SECRET_KEY"],
        "ISOK_FILES_DIR": app.config["FILES_DIR"],
        "ISOK_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite'}",
    }
    with log:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.certificates.consumer"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


class Watcher:
    """Reads the job's progress on a connection of its own that never takes the write lock the consumer needs."""

    def __init__(self, app):
        self.engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    def read(self, statement):
        with self.engine.connect() as connection:
            return connection.scalar(statement)

    def issued(self, bulk_id) -> int:
        return self.read(
            select(func.count()).where(BulkIssueItem.bulk_id == bulk_id, BulkIssueItem.status == ItemStatus.ISSUED)
        )

    def finished(self, bulk_id) -> bool:
        return self.read(select(BulkIssue.status).where(BulkIssue.id == bulk_id)) == BulkStatus.FINISHED.value


def _wait_for(condition, what, process, tmp_path, seconds=300):
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, f"the consumer stopped: {(tmp_path / 'consumer.log').read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"{what}: {(tmp_path / 'consumer.log').read_text()[-3000:]}"
        time.sleep(0.05)


def test_a_consumer_killed_mid_job_leaves_no_certificate_twice_or_missing(
    app, counsellor, make_case, tmp_path, monkeypatch
):
    cases = [make_case(first_name=f"Killed{n}", last_name=MATRIX_MARK) for n in range(CASES)]
    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)  # the consumer's start finds the job
    job = services.start_bulk_issue(counsellor, cases, ["fi", "en"], "en")
    db.session.commit()
    bulk_id = job.id
    db.session.rollback()
    watcher = Watcher(app)

    first = _consumer(app, tmp_path)
    try:
        _wait_for(lambda: watcher.issued(bulk_id) >= 3, "nothing issued", first, tmp_path)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert watcher.issued(bulk_id) < CASES  # the kill came in the middle of the job

    second = _consumer(app, tmp_path)
    try:
        _wait_for(lambda: watcher.finished(bulk_id), "not finished", second, tmp_path)
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(60)
        watcher.engine.dispose()

    db.session.rollback()
    items = db.session.scalars(select(BulkIssueItem).where(BulkIssueItem.bulk_id == bulk_id)).all()
    assert [item.status for item in items] == [ItemStatus.ISSUED] * CASES
    per_case = dict(db.session.execute(select(Certificate.case_id, func.count()).group_by(Certificate.case_id)).all())
    assert per_case == {case.id: 1 for case in cases}
    assert {item.certificate.case_id for item in items} == {case.id for case in cases}
