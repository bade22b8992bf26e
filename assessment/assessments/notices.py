"""Ratings awaited: a daily job tells each assessor whose ratings of a placement are still missing, once, when the
placement comes within a week of its end or has ended (a workplace tutor only while they may still rate)."""

from datetime import date, timedelta

from flask import Flask
from flask_babel import format_date
from sqlalchemy import select

from assessment.assessments import access
from assessment.assessments.models import Assessment, AssessmentAssessor, AssessmentStatus, AssessorRole, ConflictStatus
from assessment.placements.access import closed_to_tutor
from assessment.placements.models import Placement
from isok.accounts.models import Organisation
from isok.extensions import db
from isok.jobs import queue
from isok.notices import registry, services
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

KIND = "ratings_awaited"
NEAR_THE_END = timedelta(days=7)


def init_app(app: Flask) -> None:
    registry.kind(app, registry.Kind(KIND, _l("Your ratings of a placement awaited"), write, visible))
    queue.periodic(app, queue.crontab(minute="20", hour="5"), tell_of_ratings_awaited)


def awaited(today: date) -> list[AssessmentAssessor]:
    """The active assessors of open assessments who have not submitted, the placement near or past its end."""
    rows = db.session.scalars(
        select(AssessmentAssessor)
        .join(Assessment, AssessmentAssessor.assessment_id == Assessment.id)
        .join(Placement, Assessment.placement_id == Placement.id)
        .where(
            Assessment.status.in_((AssessmentStatus.OPEN, AssessmentStatus.REOPENED)),
            AssessmentAssessor.replaced_at.is_(None),
            AssessmentAssessor.submitted_at.is_(None),
            AssessmentAssessor.conflict != ConflictStatus.CONFLICT,  # that role waits for another assessor
            Placement.start_date <= today,
        )
        .order_by(AssessmentAssessor.id)
    )
    return [
        assessor
        for assessor in rows
        if assessor.assessment.placement.ends_on <= today + NEAR_THE_END
        and not (assessor.role is AssessorRole.WORKPLACE_TUTOR and closed_to_tutor(assessor.assessment.placement))
    ]


def tell_of_ratings_awaited() -> None:
    """The daily job: each assessor is told once per assessment."""
    for assessor in awaited(date.today()):
        if not services.already_told(assessor.user_id, KIND, assessor.id):
            services.tell(registry.Tell(assessor.user_id, KIND, assessor.id, case_id=assessor.assessment.case_id))
    db.session.commit()


def _assessor(user, notice) -> AssessmentAssessor | None:
    assessor = db.session.get(AssessmentAssessor, notice.object_id)
    if assessor is None or user is None or assessor.user_id != user.id or assessor.replaced_at is not None:
        return None
    return assessor


def visible(user, notice) -> bool:
    """The assessor while they still are one and still see the assessment (a replaced assessor is not told)."""
    assessor = _assessor(user, notice)
    if assessor is None:
        return False
    seen = access.visible_assessments(user).where(Assessment.id == assessor.assessment_id)
    return db.session.scalar(seen) is not None


def write(notice) -> registry.Written | None:
    assessor = db.session.get(AssessmentAssessor, notice.object_id)
    if assessor is None:
        return None
    placement = assessor.assessment.placement
    workplace = db.session.get(Organisation, placement.workplace_id).name
    end = format_date(placement.ends_on, "long")
    if placement.ends_on < date.today():
        subject = _(
            "Your ratings are awaited: the placement at %(workplace)s ended on %(date)s", workplace=workplace, date=end
        )
    else:
        subject = _(
            "Your ratings are awaited: the placement at %(workplace)s ends on %(date)s", workplace=workplace, date=end
        )
    body = _("Give and submit your ratings of the learning outcomes on the assessment's page.")
    if assessor.role is AssessorRole.WORKPLACE_TUTOR:
        body += " " + _("Your personal placement link opens it too.")
    return registry.Written(
        subject,
        body,
        registry.link("assessment.detail", assessment_id=assessor.assessment_id),
    )
