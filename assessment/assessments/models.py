"""Assessments: three independent ratings of a placement's units, the joint decision and sign-off; and the
evidence map, portfolio items mapped to the learning outcomes of the case's target qualification.
"""

import enum
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.frameworks.models import FrameworkUnit, FrameworkVersion, LearningOutcome
from assessment.placements.models import Placement
from cases.models import Case
from isok.accounts.models import Organisation, User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import db
from isok.translation import lazy_gettext as _l
from portfolio.models import EvidenceFile, PortfolioEntry


class AssessmentStatus(enum.StrEnum):
    OPEN = "open"
    RECONCILED = "reconciled"
    SIGNED_OFF = "signed_off"
    REOPENED = "reopened"

    @property
    def label(self):
        return ASSESSMENT_STATUS_LABELS[self]


ASSESSMENT_STATUS_LABELS = {
    AssessmentStatus.OPEN: _l("Open"),
    AssessmentStatus.RECONCILED: _l("Reconciled"),
    AssessmentStatus.SIGNED_OFF: _l("Signed off"),
    AssessmentStatus.REOPENED: _l("Reopened"),
}


class AssessorRole(enum.StrEnum):
    COUNSELLOR = "counsellor"
    TEACHER = "teacher"
    WORKPLACE_TUTOR = "workplace_tutor"

    @property
    def label(self):
        return ASSESSOR_ROLE_LABELS[self]


ASSESSOR_ROLE_LABELS = {
    AssessorRole.COUNSELLOR: _l("Counsellor"),
    AssessorRole.TEACHER: _l("Vocational teacher"),
    AssessorRole.WORKPLACE_TUTOR: _l("Workplace tutor"),
}


class ConflictStatus(enum.StrEnum):
    UNDECLARED = "undeclared"
    NO_CONFLICT = "no_conflict"
    CONFLICT = "conflict"

    @property
    def label(self):
        return CONFLICT_STATUS_LABELS[self]


CONFLICT_STATUS_LABELS = {
    ConflictStatus.UNDECLARED: _l("Not declared yet"),
    ConflictStatus.NO_CONFLICT: _l("No conflict of interest"),
    ConflictStatus.CONFLICT: _l("Conflict of interest declared"),
}


class EvidenceSource(enum.StrEnum):
    """The independent kinds of evidence a level can rest on; triangulation counts kinds, not items."""

    INTERVIEW = "interview"
    OBSERVATION = "observation"
    PORTFOLIO = "portfolio"
    STATEMENT = "statement"  # a former employer's or supervisor's confirmation (assessment.statements)

    @property
    def label(self):
        return EVIDENCE_SOURCE_LABELS[self]


EVIDENCE_SOURCE_LABELS = {
    EvidenceSource.INTERVIEW: _l("Interview"),
    EvidenceSource.OBSERVATION: _l("Workplace observation"),
    EvidenceSource.PORTFOLIO: _l("Portfolio items"),
    EvidenceSource.STATEMENT: _l("Third-party statements"),
}


class OutcomeResult(enum.StrEnum):
    RECOGNISED = "recognised"
    PARTLY = "partly"
    TO_ACQUIRE = "to_acquire"

    @property
    def label(self):
        return OUTCOME_RESULT_LABELS[self]


OUTCOME_RESULT_LABELS = {
    OutcomeResult.RECOGNISED: _l("Recognised"),
    OutcomeResult.PARTLY: _l("Partly recognised"),
    OutcomeResult.TO_ACQUIRE: _l("Still to be acquired"),
}


assessment_unit = Table(
    "assessment_unit",
    db.Model.metadata,
    Column("assessment_id", ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("framework_unit.id"), primary_key=True),
)

assessment_participant = Table(
    "assessment_participant",
    db.Model.metadata,
    Column("assessment_id", ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Assessment(db.Model):
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


class AssessmentAssessor(db.Model):
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


class Rating(db.Model):
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


class OutcomeDecision(db.Model):
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


class UnitDecision(db.Model):
    __table_args__ = (UniqueConstraint("assessment_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("framework_unit.id"), index=True)
    level_code: Mapped[str] = mapped_column(String(20))
    rationale: Mapped[str | None] = mapped_column(Text)


class AssessmentEvent(db.Model):
    """The assessment's own history (sign-off, reopening with its reason, ...), shown on its page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()


# --- the client's self-assessment -------------------------------------------------------------------------------


class SelfRating(db.Model):
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


class EvidenceRule(enum.StrEnum):
    """The four rules recognition-of-prior-learning assessors weigh each piece of evidence by."""

    VALID = "valid"
    AUTHENTIC = "authentic"
    CURRENT = "current"
    SUFFICIENT = "sufficient"

    @property
    def label(self):
        return EVIDENCE_RULE_LABELS[self][0]

    @property
    def description(self):
        return EVIDENCE_RULE_LABELS[self][1]


EVIDENCE_RULE_LABELS = {
    EvidenceRule.VALID: (_l("Valid"), _l("It shows this learning outcome, not something else.")),
    EvidenceRule.AUTHENTIC: (_l("Authentic"), _l("It is the client's own work.")),
    EvidenceRule.CURRENT: (_l("Current"), _l("It shows the skill as the client has it now.")),
    EvidenceRule.SUFFICIENT: (_l("Sufficient"), _l("There is enough of it to judge the outcome.")),
}


class EvidenceJudgement(db.Model):
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


class AppealStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    CHANGED = "changed"

    @property
    def label(self):
        return APPEAL_STATUS_LABELS[self]


APPEAL_STATUS_LABELS = {
    AppealStatus.OPEN: _l("Waiting for the review"),
    AppealStatus.UPHELD: _l("Reviewed: the decision stands"),
    AppealStatus.CHANGED: _l("Reviewed: the decision was changed"),
}


class Appeal(db.Model):
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


class EvidenceLink(db.Model):
    """A portfolio entry (or one of its files) mapped as evidence of a learning outcome of the case's target."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("learning_outcome.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("portfolio_entry.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_file.id", ondelete="CASCADE"), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    outcome: Mapped[LearningOutcome] = relationship()
    entry: Mapped[PortfolioEntry] = relationship()
    file: Mapped[EvidenceFile | None] = relationship()
