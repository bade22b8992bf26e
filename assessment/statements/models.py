"""Third-party statements: a former employer or supervisor confirms, through a personal link and without an account,
tasks the client did and learning outcomes of the client's target qualification, and says how they know."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.frameworks.models import LearningOutcome
from cases.models import Case
from isok.accounts.models import User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model
from isok.labels import LabelledEnum
from isok.links import PersonalLink
from isok.translation import lazy_gettext as _l


class Acquaintance(LabelledEnum):
    """How the referee knows the client's work."""

    SUPERVISED = "supervised", _l("I supervised their work")
    EMPLOYED = "employed", _l("I employed them")
    WORKED_ALONGSIDE = "worked_alongside", _l("I worked alongside them")
    CUSTOMER = "customer", _l("They worked for me as a customer")
    TRAINED = "trained", _l("I trained them")
    OTHER = "other", _l("Otherwise")


class VerificationMethod(LabelledEnum):
    """How the teacher checked that the statement comes from the person it names."""

    PHONE = "phone", _l("Verified by a phone call")
    DOCUMENT = "document", _l("Verified from a document")
    OTHER = "other", _l("Verified otherwise")
    NOT_VERIFIED = "not_verified", _l("Could not be verified")


class StatementState(LabelledEnum):
    WAITING = "waiting", _l("Waiting for the answer")
    ANSWERED = "answered", _l("Answered")
    EXPIRED = "expired", _l("Expired without an answer")
    REVOKED = "revoked", _l("Link revoked")


class RefereeStatement(PersonalLink, Model):
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


class StatementItem(Model):
    """One thing the referee is asked to confirm: a task in the counsellor's words, or a learning outcome."""

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("referee_statement.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    task: Mapped[str | None] = mapped_column(String(500))
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("learning_outcome.id"), index=True)
    confirmed: Mapped[bool | None]  # None: not answered yet

    statement: Mapped[RefereeStatement] = relationship(back_populates="items")
    outcome: Mapped[LearningOutcome | None] = relationship()
