"""Assessments: three independent ratings of a placement's units, the joint decision and sign-off; and the
evidence map, portfolio items mapped to the learning outcomes of the case's target qualification.
"""

from datetime import datetime

from flask_babel.speaklater import LazyString
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.frameworks.models import FrameworkUnit, FrameworkVersion, LearningOutcome
from assessment.placements.models import Placement
from cases.models import Case
from isok.accounts.models import Organisation, User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l
from portfolio.models import EvidenceFile, PortfolioEntry


class AssessmentStatus(LabelledEnum):
    OPEN = "open", _l("Open")
    RECONCILED = "reconciled", _l("Reconciled")
    SIGNED_OFF = "signed_off", _l("Signed off")
    REOPENED = "reopened", _l("Reopened")


class AssessorRole(LabelledEnum):
    COUNSELLOR = "counsellor", _l("Counsellor")
    TEACHER = "teacher", _l("Vocational teacher")
    WORKPLACE_TUTOR = "workplace_tutor", _l("Workplace tutor")


class ConflictStatus(LabelledEnum):
    UNDECLARED = "undeclared", _l("Not declared yet")
    NO_CONFLICT = "no_conflict", _l("No conflict of interest")
    CONFLICT = "conflict", _l("Conflict of interest declared")


class EvidenceSource(LabelledEnum):
    """The independent kinds of evidence a level can rest on; triangulation counts kinds, not items."""

    INTERVIEW = "interview", _l("Interview")
    OBSERVATION = "observation", _l("Workplace observation")
    PORTFOLIO = "portfolio", _l("Portfolio items")
    STATEMENT = "statement", _l("Third-party statements")  # a referee's confirmation (assessment.statements)


class OutcomeResult(LabelledEnum):
    RECOGNISED = "recognised", _l("Recognised")
    PARTLY = "partly", _l("Partly recognised")
    TO_ACQUIRE = "to_acquire", _l("Still to be acquired")


assessment_unit = Table(
    "assessment_unit",
    Model.metadata,
    Column("assessment_id", ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("framework_unit.id"), primary_key=True),
)

assessment_participant = Table(
    "assessment_participant",
    Model.metadata,
    Column("assessment_id", ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Assessment(Model):
    """The tripartite assessment of a placement's units: three independent ratings, one joint decision, sign-off.

    The framework snapshot keeps the exact texts and levels used, so the result stays explainable after the
    national requirements (and so the framework) change.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    framework_version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id"), index=True)
    framework_snapshot: Mapped[dict] = mapped_column(JSON)
    status: Mapped[AssessmentStatus] = mapped_column(
        enum_type(AssessmentStatus), default=AssessmentStatus.OPEN, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gap_provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    gap_handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    placement: Mapped[Placement] = relationship()
    framework_version: Mapped[FrameworkVersion] = relationship()
    units: Mapped[list[FrameworkUnit]] = relationship(secondary=assessment_unit, order_by="FrameworkUnit.position")
    participants: Mapped[list[User]] = relationship(secondary=assessment_participant)
    assessors: Mapped[list["AssessmentAssessor"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="AssessmentAssessor.id"
    )
    outcome_decisions: Mapped[list["OutcomeDecision"]] = relationship(cascade="all, delete-orphan")
    unit_decisions: Mapped[list["UnitDecision"]] = relationship(cascade="all, delete-orphan")
    events: Mapped[list["AssessmentEvent"]] = relationship(cascade="all, delete-orphan", order_by="AssessmentEvent.id")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    gap_provider: Mapped[Organisation | None] = relationship()

    @property
    def locked(self) -> bool:
        return self.status is AssessmentStatus.SIGNED_OFF

    def active_assessors(self) -> list["AssessmentAssessor"]:
        return [a for a in self.assessors if a.replaced_at is None]

    def assessor_in(self, role: "AssessorRole") -> "AssessmentAssessor | None":
        return next((a for a in self.active_assessors() if a.role is role), None)


class AssessmentAssessor(Model):
    """One assessor's place in an assessment: their conflict declaration and their own rating sheet."""

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    role: Mapped[AssessorRole] = mapped_column(enum_type(AssessorRole))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    conflict: Mapped[ConflictStatus] = mapped_column(enum_type(ConflictStatus), default=ConflictStatus.UNDECLARED)
    conflict_note: Mapped[str | None] = mapped_column(String(1000))
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    assessment: Mapped[Assessment] = relationship(back_populates="assessors")
    user: Mapped[User] = relationship()
    ratings: Mapped[list["Rating"]] = relationship(back_populates="assessor", cascade="all, delete-orphan")

    def rating_for(self, outcome_id: int) -> "Rating | None":
        return next((r for r in self.ratings if r.outcome_id == outcome_id), None)


class Rating(Model):
    """One assessor's level for one learning outcome, with the justification and the evidence it rests on."""

    __table_args__ = (UniqueConstraint("assessor_id", "outcome_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("assessment_assessor.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("learning_outcome.id"), index=True)
    level_code: Mapped[str] = mapped_column(String(20))
    justification: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list] = mapped_column(JSON, default=list)  # EvidenceSource values
    entry_ids: Mapped[list] = mapped_column(JSON, default=list)  # portfolio entries it rests on

    assessor: Mapped[AssessmentAssessor] = relationship(back_populates="ratings")


class OutcomeDecision(Model):
    """The joint final level of one outcome; outcomes not recognised carry their gap-plan line."""

    __table_args__ = (UniqueConstraint("assessment_id", "outcome_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("learning_outcome.id"), index=True)
    level_code: Mapped[str] = mapped_column(String(20))
    result: Mapped[OutcomeResult] = mapped_column(enum_type(OutcomeResult))
    rationale: Mapped[str | None] = mapped_column(Text)
    shown_by: Mapped[list] = mapped_column(JSON, default=list)  # EvidenceSource values
    gap_what: Mapped[str | None] = mapped_column(Text)
    gap_where: Mapped[str | None] = mapped_column(String(300))


class UnitDecision(Model):
    __table_args__ = (UniqueConstraint("assessment_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("framework_unit.id"), index=True)
    level_code: Mapped[str] = mapped_column(String(20))
    rationale: Mapped[str | None] = mapped_column(Text)


class AssessmentEvent(Model):
    """The assessment's own history (sign-off, reopening with its reason, ...), shown on its page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()


# --- the client's self-assessment -------------------------------------------------------------------------------


class SelfRating(Model):
    """The client's own level for one learning outcome of their target, given before the interview, with the
    portfolio items they say show it. It is shown beside the assessors' levels and never counts as evidence."""

    __table_args__ = (UniqueConstraint("case_id", "outcome_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("learning_outcome.id"), index=True)
    level_code: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10))
    entry_ids: Mapped[list] = mapped_column(JSON, default=list)  # portfolio entries the client names
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- the rules of evidence -------------------------------------------------------------------------------------


class EvidenceRule(LabelledEnum):
    """The four rules recognition-of-prior-learning assessors weigh each piece of evidence by."""

    VALID = "valid", _l("Valid"), _l("It shows this learning outcome, not something else.")
    AUTHENTIC = "authentic", _l("Authentic"), _l("It is the client's own work.")
    CURRENT = "current", _l("Current"), _l("It shows the skill as the client has it now.")
    SUFFICIENT = "sufficient", _l("Sufficient"), _l("There is enough of it to judge the outcome.")

    def __init__(self, value: str, label: LazyString, description: LazyString) -> None:
        self.description = description


class EvidenceJudgement(Model):
    """The teacher's judgement of one piece of evidence behind one outcome: which rules of evidence it meets.

    `source` is the kind of evidence (EvidenceSource) and `ref_id` the piece: an evidence link, an interview finding
    or a workplace tutor's rating.
    """

    __table_args__ = (UniqueConstraint("assessment_id", "outcome_id", "source", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("learning_outcome.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int]
    valid: Mapped[bool] = mapped_column(default=False)
    authentic: Mapped[bool] = mapped_column(default=False)
    current: Mapped[bool] = mapped_column(default=False)
    sufficient: Mapped[bool] = mapped_column(default=False)
    judged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    judged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def meets(self, rule: EvidenceRule) -> bool:
        return getattr(self, rule.value)


# --- appeals ---------------------------------------------------------------------------------------------------


class AppealStatus(LabelledEnum):
    OPEN = "open", _l("Waiting for the review")
    UPHELD = "upheld", _l("Reviewed: the decision stands")
    CHANGED = "changed", _l("Reviewed: the decision was changed")


class Appeal(Model):
    """The client's request that a signed-off decision be reviewed (Finnish vocational law's rectification request).

    A teacher who was not an assessor of the assessment reviews it; `changes` keeps each changed outcome's level and
    result before and after, so the first decision stays on record.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    language: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reviewer_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[AppealStatus] = mapped_column(enum_type(AppealStatus), default=AppealStatus.OPEN, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    # [{"outcome_id": int, "code": str, "level": [before, after], "result": [before, after]}, ...]
    changes: Mapped[list] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    assessment: Mapped[Assessment] = relationship()
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])


# --- evidence mapping ------------------------------------------------------------------------------------------


class EvidenceLink(Model):
    """A portfolio entry (or one of its files) mapped as evidence of a learning outcome of the case's target.

    A link the client proposed (`by_client`) counts as evidence only once staff confirm it (`confirmed_at`); a link
    staff make is confirmed when made. It stays marked as the client's after confirmation.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("learning_outcome.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("portfolio_entry.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_file.id", ondelete="CASCADE"), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_client: Mapped[bool] = mapped_column(default=False, server_default=false())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    outcome: Mapped[LearningOutcome] = relationship()
    entry: Mapped[PortfolioEntry] = relationship()
    file: Mapped[EvidenceFile | None] = relationship()
