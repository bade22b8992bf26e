"""The client's portfolio: entries in sections, evidence files attached to them, their history and review."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isok.accounts.models import User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l


class Section(LabelledEnum):
    WORK = "work", _l("Work experience")
    EDUCATION = "education", _l("Education and training")
    LANGUAGES = "languages", _l("Language skills")
    OTHER_SKILLS = "other_skills", _l("Other skills")
    GOALS = "goals", _l("Goals")
    DOCUMENTS = "documents", _l("Foreign documents")  # foreign documents registered as evidence of their own kind


class PortfolioStatus(LabelledEnum):
    DRAFT = "draft", _l("Being prepared")
    SUBMITTED = "submitted", _l("Submitted for review")
    RETURNED = "returned", _l("Returned for changes")
    ACCEPTED = "accepted", _l("Accepted")


class Portfolio(Model):
    """The review state of one case's portfolio; the entries hang off the case itself."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    status: Mapped[PortfolioStatus] = mapped_column(enum_type(PortfolioStatus), default=PortfolioStatus.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    review_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class PortfolioEntry(Model):
    """One item of the portfolio; its fields depend on the section and are kept in `details`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    section: Mapped[Section] = mapped_column(enum_type(Section))
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(10))  # the language the text was typed in
    source_key: Mapped[str | None] = mapped_column(String(60))  # the questionnaire answer it came from, if any
    # Marked to go to the workplace of a placement; it goes only while the client's consent names that workplace.
    shareable: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    evidence: Mapped[list["EvidenceFile"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="EvidenceFile.id"
    )
    revisions: Mapped[list["EntryRevision"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EntryRevision.id"
    )
    comments: Mapped[list["EntryComment"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EntryComment.id"
    )


class EvidenceFile(Model):
    """A file attached to an entry; the bytes live in isok.storage under their SHA-256."""

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("portfolio_entry.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))  # decided from the content, not the name
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[PortfolioEntry] = relationship(back_populates="evidence")


class RevisionAction(LabelledEnum):
    CREATED = "created", _l("Created")
    UPDATED = "updated", _l("Changed")
    FILE_ADDED = "file_added", _l("File added")
    FILE_REMOVED = "file_removed", _l("File removed")


class EntryRevision(Model):
    """One kept version of an entry: who changed it, when, and what it said afterwards."""

    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("portfolio_entry.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    action: Mapped[RevisionAction] = mapped_column(enum_type(RevisionAction))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(10))
    changed_fields: Mapped[list] = mapped_column(JSON, default=list)
    filename: Mapped[str | None] = mapped_column(String(200))  # for file events

    changed_by: Mapped[User | None] = relationship()


class EntryComment(Model):
    """A reviewer's comment on one entry, shown to the client beside it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("portfolio_entry.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class Questionnaire(Model):
    """The identification questionnaire's answers for a case, keyed by portfolio.questionnaire question keys."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(10))  # the language the answers were typed in
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
