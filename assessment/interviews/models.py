"""Interviews: a vocational teacher verifies with the client the skills the portfolio claims, outcome by
outcome; and each user's private calendar feed of their interviews.
"""

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.frameworks.models import LearningOutcome
from cases.models import Case
from isok.accounts.models import User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l


class InterviewStatus(LabelledEnum):
    SCHEDULED = "scheduled", _l("Scheduled")
    RECORDED = "recorded", _l("Recorded")
    CANCELLED = "cancelled", _l("Cancelled")


class Interview(Model):
    """A professional teacher's interview with the client, to verify the skills the portfolio claims."""

    # The teacher's lists (to record, upcoming, recorded) read one page of their interviews in time order.
    __table_args__ = (Index("ix_interview_teacher_status_start", "teacher_id", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    place: Mapped[str | None] = mapped_column(String(200))
    video_link: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(10), default="fi")
    interpreter_language: Mapped[str | None] = mapped_column(String(10))  # None: no interpreter needed
    # the interpreter, told of the booking by mail (time, place, language: nothing else of the case)
    interpreter_name: Mapped[str | None] = mapped_column(String(200))
    interpreter_email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[InterviewStatus] = mapped_column(enum_type(InterviewStatus), default=InterviewStatus.SCHEDULED)
    # {"placement": bool, "training": bool, "certify_units": [unit ids], "note": str}
    next_steps: Mapped[dict | None] = mapped_column(JSON)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    findings: Mapped[list["InterviewFinding"]] = relationship(back_populates="interview", cascade="all, delete-orphan")
    case: Mapped[Case] = relationship()
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id])

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Verification(LabelledEnum):
    VERIFIED = "verified", _l("Verified")
    PARTLY = "partly", _l("Partly verified")
    NOT_VERIFIED = "not_verified", _l("Not verified")


class InterviewFinding(Model):
    __table_args__ = (UniqueConstraint("interview_id", "outcome_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("learning_outcome.id"), index=True)
    result: Mapped[Verification] = mapped_column(enum_type(Verification))
    note: Mapped[str | None] = mapped_column(String(2000))

    interview: Mapped[Interview] = relationship(back_populates="findings")
    outcome: Mapped[LearningOutcome] = relationship()


class CalendarFeed(Model):
    """A user's private calendar subscription: the token is shown once, only its hash is kept; replacing or
    deleting the row revokes the old address."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
