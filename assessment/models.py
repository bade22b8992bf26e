"""Qualification frameworks and assessment scales (data, not code).

A framework is a qualification; each of its versions holds units → learning outcomes → criteria per level.
A version in use is never changed: editing it makes a new version, so an assessment stays explainable.
Texts are stored per language as {"fi": ..., "sv": ..., "en": ...} and shown through isok.i18n.localized.
"""

import enum
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import Case
from isok.accounts.models import User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import db


class AssessmentScale(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. "fi-vocational-1-5", "t1-h2-k3", "pass-fail"
    name: Mapped[dict] = mapped_column(JSON)

    levels: Mapped[list["ScaleLevel"]] = relationship(
        back_populates="scale", order_by="ScaleLevel.rank", cascade="all, delete-orphan"
    )


class ScaleLevel(db.Model):
    __table_args__ = (UniqueConstraint("scale_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(ForeignKey("assessment_scale.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))  # "0" (not yet demonstrated), "1".."5", "T1", "pass", ...
    label: Mapped[dict] = mapped_column(JSON)
    rank: Mapped[int]  # order on the scale, lowest first
    passing: Mapped[bool] = mapped_column(default=True)  # does this level mean the outcome is demonstrated

    scale: Mapped[AssessmentScale] = relationship(back_populates="levels")


class Framework(db.Model):
    """A qualification's identity across its versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list["FrameworkVersion"]] = relationship(
        back_populates="framework", order_by="FrameworkVersion.number"
    )


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"

    @property
    def label(self):
        return VERSION_STATUS_LABELS[self]


VERSION_STATUS_LABELS = {VersionStatus.DRAFT: _l("Draft"), VersionStatus.PUBLISHED: _l("Published"),
                         VersionStatus.RETIRED: _l("Retired")}


class FrameworkVersion(db.Model):
    __table_args__ = (UniqueConstraint("framework_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id"), index=True)
    number: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(enum_type(VersionStatus), default=VersionStatus.DRAFT)
    name: Mapped[dict] = mapped_column(JSON)
    field: Mapped[dict | None] = mapped_column(JSON)  # field of study or work, e.g. {"en": "Catering"}
    scale_id: Mapped[int] = mapped_column(ForeignKey("assessment_scale.id"))
    source: Mapped[str | None] = mapped_column(String(300))  # e.g. the national requirements it follows
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    framework: Mapped[Framework] = relationship(back_populates="versions")
    scale: Mapped[AssessmentScale] = relationship()
    units: Mapped[list["FrameworkUnit"]] = relationship(
        back_populates="version", order_by="FrameworkUnit.position", cascade="all, delete-orphan"
    )


class FrameworkUnit(db.Model):
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[dict] = mapped_column(JSON)
    credits: Mapped[int | None]  # competence points
    position: Mapped[int] = mapped_column(default=0)

    version: Mapped[FrameworkVersion] = relationship(back_populates="units")
    outcomes: Mapped[list["LearningOutcome"]] = relationship(
        back_populates="unit", order_by="LearningOutcome.position", cascade="all, delete-orphan"
    )


class LearningOutcome(db.Model):
    """What the person can do, e.g. "prepares cold dishes following a recipe"."""

    __table_args__ = (UniqueConstraint("unit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("framework_unit.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    text: Mapped[dict] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)

    unit: Mapped[FrameworkUnit] = relationship(back_populates="outcomes")
    criteria: Mapped[list["AssessmentCriterion"]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan"
    )


class AssessmentCriterion(db.Model):
    """What performance at one level of the scale looks like for one outcome."""

    __table_args__ = (UniqueConstraint("outcome_id", "level_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("learning_outcome.id", ondelete="CASCADE"), index=True)
    level_code: Mapped[str] = mapped_column(String(20))
    text: Mapped[dict] = mapped_column(JSON)

    outcome: Mapped[LearningOutcome] = relationship(back_populates="criteria")


# --- the case's target qualification ---------------------------------------------------------------------------

class CaseQualification(db.Model):
    """The framework version a case is validated against; fixed once assessments rest on it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[FrameworkVersion] = relationship()


# --- interviews ------------------------------------------------------------------------------------------------

class InterviewStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    RECORDED = "recorded"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return INTERVIEW_STATUS_LABELS[self]


INTERVIEW_STATUS_LABELS = {InterviewStatus.SCHEDULED: _l("Scheduled"), InterviewStatus.RECORDED: _l("Recorded"),
                           InterviewStatus.CANCELLED: _l("Cancelled")}


class Interview(db.Model):
    """A professional teacher's interview with the client, to verify the skills the portfolio claims."""

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
    status: Mapped[InterviewStatus] = mapped_column(enum_type(InterviewStatus), default=InterviewStatus.SCHEDULED)
    # {"placement": bool, "training": bool, "certify_units": [unit ids], "note": str}
    next_steps: Mapped[dict | None] = mapped_column(JSON)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    findings: Mapped[list["InterviewFinding"]] = relationship(
        back_populates="interview", cascade="all, delete-orphan"
    )
    case: Mapped[Case] = relationship()
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id])

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Verification(enum.StrEnum):
    VERIFIED = "verified"
    PARTLY = "partly"
    NOT_VERIFIED = "not_verified"

    @property
    def label(self):
        return VERIFICATION_LABELS[self]


VERIFICATION_LABELS = {Verification.VERIFIED: _l("Verified"), Verification.PARTLY: _l("Partly verified"),
                       Verification.NOT_VERIFIED: _l("Not verified")}


class InterviewFinding(db.Model):
    __table_args__ = (UniqueConstraint("interview_id", "outcome_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("learning_outcome.id"), index=True)
    result: Mapped[Verification] = mapped_column(enum_type(Verification))
    note: Mapped[str | None] = mapped_column(String(2000))

    interview: Mapped[Interview] = relationship(back_populates="findings")
    outcome: Mapped[LearningOutcome] = relationship()


class CalendarFeed(db.Model):
    """A user's private calendar subscription: the token is shown once, only its hash is kept; replacing or
    deleting the row revokes the old address."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- placements ------------------------------------------------------------------------------------------------

placement_unit = Table(
    "placement_unit",
    db.Model.metadata,
    Column("placement_id", ForeignKey("placement.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("framework_unit.id"), primary_key=True),
)


class Placement(db.Model):
    """An on-the-job placement where the client shows the competences of some units at a real workplace."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    workplace_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    tutor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    tasks: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    units: Mapped[list[FrameworkUnit]] = relationship(secondary=placement_unit)
