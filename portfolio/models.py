"""The client's portfolio: entries in sections, and evidence files attached to them."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import db


class Section(enum.StrEnum):
    WORK = "work"
    EDUCATION = "education"
    LANGUAGES = "languages"
    OTHER_SKILLS = "other_skills"
    GOALS = "goals"
    DOCUMENTS = "documents"  # foreign documents registered as evidence of their own kind

    @property
    def label(self):
        return SECTION_LABELS[self]


SECTION_LABELS = {Section.WORK: _l("Work experience"), Section.EDUCATION: _l("Education and training"),
                  Section.LANGUAGES: _l("Language skills"), Section.OTHER_SKILLS: _l("Other skills"),
                  Section.GOALS: _l("Goals"), Section.DOCUMENTS: _l("Foreign documents")}


class PortfolioEntry(db.Model):
    """One item of the portfolio; its fields depend on the section and are kept in `details`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    section: Mapped[Section] = mapped_column(enum_type(Section))
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(10))  # the language the text was typed in
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    evidence: Mapped[list["EvidenceFile"]] = relationship(back_populates="entry", cascade="all, delete-orphan")


class EvidenceFile(db.Model):
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
