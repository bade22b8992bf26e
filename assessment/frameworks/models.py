"""Qualification frameworks and assessment scales (data, not code).

A framework is a qualification; each of its versions holds units → learning outcomes → criteria per level.
A version in use is never changed: editing it makes a new version, so an assessment stays explainable.
Texts are stored per language as {"fi": ..., "sv": ..., "en": ...} and shown through isok.i18n.localized.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l


class AssessmentScale(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. "fi-vocational-1-5", "t1-h2-k3", "pass-fail"
    name: Mapped[dict] = mapped_column(JSON)

    levels: Mapped[list["ScaleLevel"]] = relationship(
        back_populates="scale", order_by="ScaleLevel.rank", cascade="all, delete-orphan"
    )


class ScaleLevel(Model):
    __table_args__ = (UniqueConstraint("scale_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(ForeignKey("assessment_scale.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))  # "0" (not yet demonstrated), "1".."5", "T1", "pass", ...
    label: Mapped[dict] = mapped_column(JSON)
    rank: Mapped[int]  # order on the scale, lowest first
    passing: Mapped[bool] = mapped_column(default=True)  # does this level mean the outcome is demonstrated

    scale: Mapped[AssessmentScale] = relationship(back_populates="levels")


class Framework(Model):
    """A qualification's identity across its versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list["FrameworkVersion"]] = relationship(
        back_populates="framework", order_by="FrameworkVersion.number"
    )


class VersionStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    RETIRED = "retired", _l("Retired")


class FrameworkVersion(Model):
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


class FrameworkUnit(Model):
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


class LearningOutcome(Model):
    """What the person can do, e.g. "prepares cold dishes following a recipe"."""

    __table_args__ = (UniqueConstraint("unit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("framework_unit.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    text: Mapped[dict] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)

    unit: Mapped[FrameworkUnit] = relationship(back_populates="outcomes")
    criteria: Mapped[list["AssessmentCriterion"]] = relationship(back_populates="outcome", cascade="all, delete-orphan")


class AssessmentCriterion(Model):
    """What performance at one level of the scale looks like for one outcome."""

    __table_args__ = (UniqueConstraint("outcome_id", "level_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("learning_outcome.id", ondelete="CASCADE"), index=True)
    level_code: Mapped[str] = mapped_column(String(20))
    text: Mapped[dict] = mapped_column(JSON)

    outcome: Mapped[LearningOutcome] = relationship(back_populates="criteria")


# --- the case's target qualification ---------------------------------------------------------------------------


class CaseQualification(Model):
    """The framework version a case is validated against; fixed once assessments rest on it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[FrameworkVersion] = relationship()
