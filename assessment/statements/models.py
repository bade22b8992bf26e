"""Third-party statements: a former employer or supervisor confirms, through a personal link and without an account,
tasks the client did and learning outcomes of the client's target qualification, and says how they know."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.frameworks.models import LearningOutcome
from cases.models import Case
from isok.accounts.models import User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import db
from isok.links import PersonalLink
from isok.translation import lazy_gettext as _l


class Acquaintance(enum.StrEnum):
    """How the referee knows the client's work."""

    SUPERVISED = "supervised"
    EMPLOYED = "employed"
    WORKED_ALONGSIDE = "worked_alongside"
    CUSTOMER = "customer"
    TRAINED = "trained"
    OTHER = "other"

    @property
    def label(self):
        return ACQUAINTANCE_LABELS[self]


ACQUAINTANCE_LABELS = {
    Acquaintance.SUPERVISED: _l("I supervised their work"),
    Acquaintance.EMPLOYED: _l("I employed them"),
    Acquaintance.WORKED_ALONGSIDE: _l("I worked alongside them"),
    Acquaintance.CUSTOMER: _l("They worked for me as a customer"),
    Acquaintance.TRAINED: _l("I trained them"),
    Acquaintance.OTHER: _l("Otherwise"),
}


class VerificationMethod(enum.StrEnum):
    """How the teacher checked that the statement comes from the person it names."""

    PHONE = "phone"
    DOCUMENT = "document"
    OTHER = "other"
    NOT_VERIFIED = "not_verified"

    @property
    def label(self):
        return VERIFICATION_LABELS[self]


VERIFICATION_LABELS = {
    VerificationMethod.PHONE: _l("Verified by a phone call"),
    VerificationMethod.DOCUMENT: _l("Verified from a document"),
    VerificationMethod.OTHER: _l("Verified otherwise"),
    VerificationMethod.NOT_VERIFIED: _l("Could not be verified"),
}


class StatementState(enum.StrEnum):
    WAITING = "waiting"
    ANSWERED = "answered"
    EXPIRED = "expired"
    REVOKED = "revoked"

    @property
    def label(self):
        return STATEMENT_STATE_LABELS[self]


STATEMENT_STATE_LABELS = {
    StatementState.WAITING: _l("Waiting for the answer"),
    StatementState.ANSWERED: _l("Answered"),
    StatementState.EXPIRED: _l("Expired without an answer"),
    StatementState.REVOKED: _l("Link revoked"),
}


class RefereeStatement(PersonalLink, db.Model):
    """A request to one referee and, once they answer, their statement; the link works until the deadline's end.

    The request names what to confirm (its items); the referee answers each item, says how and when they knew the
    client's work, and submits once. The teacher then records whether and how they verified it.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    referee_name: Mapped[str] = mapped_column(String(200))
    referee_organisation: Mapped[str] = mapped_column(String(200))
    referee_country: Mapped[str] = mapped_column(String(2))  # ISO 3166 code
    referee_email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(10))
    deadline: Mapped[date]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acquaintance: Mapped[Acquaintance | None] = mapped_column(enum_type(Acquaintance))
    period: Mapped[str | None] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)
    verification: Mapped[VerificationMethod | None] = mapped_column(enum_type(VerificationMethod))
    verification_note: Mapped[str | None] = mapped_column(Text)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    items: Mapped[list["StatementItem"]] = relationship(
        back_populates="statement", cascade="all, delete-orphan", order_by="StatementItem.position"
    )

    @property
    def state(self) -> StatementState:
        if self.submitted_at is not None:
            return StatementState.ANSWERED
        if self.revoked_at is not None:
            return StatementState.REVOKED
        return StatementState.WAITING if self.usable() else StatementState.EXPIRED

    @property
    def tasks(self) -> list["StatementItem"]:
        return [item for item in self.items if item.outcome_id is None]

    @property
    def outcome_items(self) -> list["StatementItem"]:
        return [item for item in self.items if item.outcome_id is not None]


class StatementItem(db.Model):
    """One thing the referee is asked to confirm: a task in the counsellor's words, or a learning outcome."""

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("referee_statement.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    task: Mapped[str | None] = mapped_column(String(500))
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("learning_outcome.id"), index=True)
    confirmed: Mapped[bool | None]  # None: not answered yet

    statement: Mapped[RefereeStatement] = relationship(back_populates="items")
    outcome: Mapped[LearningOutcome | None] = relationship()
