"""Ratings awaited: the daily job tells each assessor who has not submitted, once, as the placement nears or passes
its end; a replaced assessor is not mailed."""

from datetime import date, timedelta

from sqlalchemy import select

from assessment.assessments import notices as rating_notices
from assessment.assessments import services as assessment_services
from assessment.assessments.models import AssessorRole
from isok.extensions import db
from isok.jobs import queue
from isok.notices import mail
from isok.notices.models import MailStatus, Notice
from tests.assessment.conftest import submit_ratings
from tests.conftest import log_in


def _told():
    return sorted(
        (notice.user_id, notice.object_id)
        for notice in db.session.scalars(select(Notice).where(Notice.kind == rating_notices.KIND))
    )


def test_each_assessor_still_to_rate_is_told_once(client, setup):
    submit_ratings(setup.teacher, setup.assessment)
    db.session.commit()
    rating_notices.tell_of_ratings_awaited()
    rating_notices.tell_of_ratings_awaited()  # the next day: nobody is told twice
    assessors = {a.user_id: a.id for a in setup.assessment.active_assessors()}
    assert _told() == sorted((user.id, assessors[user.id]) for user in (setup.counsellor, setup.tutor))
    log_in(client, setup.tutor)
    page = client.get("/notices").get_data(as_text=True)
    assert "Your ratings are awaited" in page and setup.workplace.name in page


def test_nobody_is_told_while_the_placement_is_far_from_its_end(setup):
    placement = setup.placement
    placement.start_date, placement.end_date = date.today() - timedelta(days=5), date.today() + timedelta(days=30)
    db.session.commit()
    assert rating_notices.awaited(date.today()) == []
    assert len(rating_notices.awaited(date.today() + timedelta(days=24))) == 3  # a week before the end


def test_a_replaced_assessor_is_not_mailed(setup, people, monkeypatch):
    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)  # the mails wait: no consumer yet
    rating_notices.tell_of_ratings_awaited()
    (notice,) = db.session.scalars(select(Notice).where(Notice.user_id == setup.teacher.id)).all()
    assessment_services.replace_assessor(setup.counsellor, setup.assessment, AssessorRole.TEACHER, people.other_teacher)
    db.session.commit()
    mail.send_notice_mail(notice.id)
    db.session.rollback()
    assert db.session.get(Notice, notice.id).mail_status == MailStatus.WITHHELD
