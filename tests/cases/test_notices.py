"""The daily job of follow-ups due this week: the counsellor is told once per case."""

from datetime import date, datetime

from sqlalchemy import select

from cases import services
from isok.extensions import db
from isok.jobs import queue
from isok.notices.models import Notice, OutboxMail


def test_counsellors_are_told_once_of_follow_ups_due_this_week(app, counsellor, make_case, monkeypatch):
    wednesday = date(2026, 12, 9)
    monkeypatch.setattr(services, "today", lambda: wednesday)
    due, later = make_case(entry_date=date(2026, 1, 5)), make_case(entry_date=date(2026, 1, 5))
    services.record_exit(counsellor, due, exit_date=date(2026, 6, 12), labour_status=None)  # due Sat 12 Dec
    services.record_exit(counsellor, later, exit_date=date(2026, 6, 20), labour_status=None)  # next week
    db.session.commit()
    daily = next(
        task
        for task in queue.huey_of(app).read_periodic(datetime(2026, 12, 9, 5, 10))
        if task.name == "tell_of_follow_ups_due"
    )
    db.session.rollback()
    for _day in range(2):
        queue.huey_of(app).execute(daily)
    told = db.session.scalars(select(Notice).where(Notice.user_id == counsellor.id).order_by(Notice.id)).all()
    assert [notice.object_id for notice in told] == [due.id]
    assert db.session.scalar(select(OutboxMail.subject)).startswith("A six-month follow-up is due on")
