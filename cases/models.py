import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isok.accounts.models import Organisation, User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import db


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    NOT_STATED = "not_stated"

    @property
    def label(self):
        return GENDER_LABELS[self]


GENDER_LABELS = {Gender.FEMALE: _l("Female"), Gender.MALE: _l("Male"), Gender.OTHER: _l("Other"),
                 Gender.NOT_STATED: _l("Not stated")}


class LabourStatus(enum.StrEnum):
    """Labour-market status at entry, as the ESF common indicators define it."""

    UNEMPLOYED = "unemployed"
    INACTIVE = "inactive"
    EMPLOYED = "employed"

    @property
    def label(self):
        return LABOUR_STATUS_LABELS[self]


LABOUR_STATUS_LABELS = {LabourStatus.UNEMPLOYED: _l("Unemployed"), LabourStatus.INACTIVE: _l("Inactive"),
                        LabourStatus.EMPLOYED: _l("Employed")}


class Answer(enum.StrEnum):
    """An optional, sensitive characteristic: declining to answer is a real answer, distinct from not asked."""

    YES = "yes"
    NO = "no"
    DECLINED = "declined"
    NOT_ASKED = "not_asked"

    @property
    def label(self):
        return ANSWER_LABELS[self]


ANSWER_LABELS = {Answer.YES: _l("Yes"), Answer.NO: _l("No"), Answer.DECLINED: _l("Declined to answer"),
                 Answer.NOT_ASKED: _l("Not asked")}


class Stage(enum.StrEnum):
    """The validation stages of the 2012 Council Recommendation, then closed."""

    IDENTIFICATION = "identification"
    DOCUMENTATION = "documentation"
    ASSESSMENT = "assessment"
    CERTIFICATION = "certification"
    CLOSED = "closed"

    @property
    def label(self):
        return STAGE_LABELS[self]


STAGE_LABELS = {Stage.IDENTIFICATION: _l("Identification"), Stage.DOCUMENTATION: _l("Documentation"),
                Stage.ASSESSMENT: _l("Assessment"), Stage.CERTIFICATION: _l("Certification"),
                Stage.CLOSED: _l("Closed")}


class ClientType(enum.StrEnum):
    """ISOK counted long-term clients (full validation path) and short-term clients (guidance, partial path)."""

    LONG_TERM = "long_term"
    SHORT_TERM = "short_term"

    @property
    def label(self):
        return CLIENT_TYPE_LABELS[self]


CLIENT_TYPE_LABELS = {ClientType.LONG_TERM: _l("Long-term (full validation path)"),
                      ClientType.SHORT_TERM: _l("Short-term (guidance and a partial path)")}


class Client(db.Model):
    """A person whose competences are validated; optionally linked to a user account of their own."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    birth_date: Mapped[date | None]
    gender: Mapped[Gender] = mapped_column(enum_type(Gender), default=Gender.NOT_STATED)
    country_of_birth: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    citizenship: Mapped[str | None] = mapped_column(String(2))
    mother_tongue: Mapped[str | None] = mapped_column(String(3))  # ISO 639-1 (or -3 where no two-letter code)
    languages: Mapped[list | None] = mapped_column(JSON)  # [{"code": "fi", "level": "A2"}, ...]
    arrival_year: Mapped[int | None]
    municipality: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    preferred_language: Mapped[str] = mapped_column(String(10), default="fi")
    # Situation at entry (raw facts; reports band them).
    labour_status: Mapped[LabourStatus | None] = mapped_column(enum_type(LabourStatus))
    long_term_unemployed: Mapped[bool] = mapped_column(default=False)
    in_education_or_training: Mapped[bool] = mapped_column(default=False)
    self_employed: Mapped[bool] = mapped_column(default=False)
    isced_level: Mapped[int | None]  # ISCED 2011, 0-8
    education_country: Mapped[str | None] = mapped_column(String(2))
    third_country_national: Mapped[Answer] = mapped_column(enum_type(Answer), default=Answer.NOT_ASKED)
    foreign_background: Mapped[Answer] = mapped_column(enum_type(Answer), default=Answer.NOT_ASKED)
    minority: Mapped[Answer] = mapped_column(enum_type(Answer), default=Answer.NOT_ASKED)
    disability: Mapped[Answer] = mapped_column(enum_type(Answer), default=Answer.NOT_ASKED)
    homeless: Mapped[Answer] = mapped_column(enum_type(Answer), default=Answer.NOT_ASKED)
    rural: Mapped[Answer] = mapped_column(enum_type(Answer), default=Answer.NOT_ASKED)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    user: Mapped[User | None] = relationship()
    cases: Mapped[list["Case"]] = relationship(back_populates="client", order_by="Case.entry_date")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __str__(self):
        return self.full_name


case_co_counsellor = Table(
    "case_co_counsellor",
    db.Model.metadata,
    Column("case_id", ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Case(db.Model):
    """One client's validation journey at one organisation: the hub every other feature hangs off."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    target: Mapped[str | None] = mapped_column(String(200))  # target field or qualification, in words
    client_type: Mapped[ClientType] = mapped_column(enum_type(ClientType))
    stage: Mapped[Stage] = mapped_column(enum_type(Stage), default=Stage.IDENTIFICATION, index=True)
    entry_date: Mapped[date] = mapped_column(index=True)
    exit_date: Mapped[date | None] = mapped_column(index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship(back_populates="cases")
    organisation: Mapped[Organisation] = relationship()
    counsellor: Mapped[User | None] = relationship(foreign_keys=[counsellor_id])
    co_counsellors: Mapped[list[User]] = relationship(secondary=case_co_counsellor)

    def __str__(self):
        return f"{self.client} ({self.stage.label})"
