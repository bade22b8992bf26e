import unicodedata
from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isok.accounts.models import Organisation, User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l


class Gender(LabelledEnum):
    FEMALE = "female", _l("Female")
    MALE = "male", _l("Male")
    OTHER = "other", _l("Other")
    NOT_STATED = "not_stated", _l("Not stated")


class LabourStatus(LabelledEnum):
    """Labour-market status at entry, as the ESF common indicators define it."""

    UNEMPLOYED = "unemployed", _l("Unemployed")
    INACTIVE = "inactive", _l("Inactive")
    EMPLOYED = "employed", _l("Employed")


class Answer(LabelledEnum):
    """An optional, sensitive characteristic: declining to answer is a real answer, distinct from not asked."""

    YES = "yes", _l("Yes")
    NO = "no", _l("No")
    DECLINED = "declined", _l("Declined to answer")
    NOT_ASKED = "not_asked", _l("Not asked")


class Stage(LabelledEnum):
    """The validation stages of the 2012 Council Recommendation, then closed."""

    IDENTIFICATION = "identification", _l("Identification")
    DOCUMENTATION = "documentation", _l("Documentation")
    ASSESSMENT = "assessment", _l("Assessment")
    CERTIFICATION = "certification", _l("Certification")
    CLOSED = "closed", _l("Closed")


# What each stage means, in plain words for the client's own page.
STAGE_CLIENT_TEXT = {
    Stage.IDENTIFICATION: _l("We are finding out together what you know and can do."),
    Stage.DOCUMENTATION: _l("You are collecting proof of your skills in your portfolio."),
    Stage.ASSESSMENT: _l("A teacher and a workplace look at your skills in practice."),
    Stage.CERTIFICATION: _l("Your certificate is being prepared."),
    Stage.CLOSED: _l("Your validation is finished."),
}


class ClientType(LabelledEnum):
    """ISOK counted long-term clients (full validation path) and short-term clients (guidance, partial path)."""

    LONG_TERM = "long_term", _l("Long-term (full validation path)")
    SHORT_TERM = "short_term", _l("Short-term (guidance and a partial path)")


class LabourMarketResult(LabelledEnum):
    """The labour-market side of a result: where the client stood four weeks after leaving, or six months after.

    One value, because job searching and employment exclude each other (the last of them within the four weeks
    counts); being in education or training and gaining a qualification are recorded beside it, since they can go
    with either (ESF rules, research §1.5 rule 4).
    """

    EMPLOYED = "employed", _l("Employed")
    SELF_EMPLOYED = "self_employed", _l("Self-employed")
    JOB_SEARCHING = "job_searching", _l("Job searching")
    NEITHER = "neither", _l("Neither working nor looking for work")

    @property
    def employed(self) -> bool:
        return self in EMPLOYED_RESULTS


EMPLOYED_RESULTS = (LabourMarketResult.EMPLOYED, LabourMarketResult.SELF_EMPLOYED)


def search_key(text: str) -> str:
    """A name as searches compare it: Unicode-normalised and case-folded, so "ÄIJÄLÄ" finds "Äijälä"."""
    return unicodedata.normalize("NFKC", " ".join(text.split())).casefold()


def client_display_name(
    client_id: int, first_name: str | None, last_name: str | None, erased_at: datetime | None
) -> str:
    """A client's name as staff see it; an erased client is shown by number only."""
    if erased_at is not None:
        return str(_l("Erased client #%(id)s", id=client_id))
    return f"{first_name} {last_name}"


class Client(Model):
    """A person whose competences are validated; optionally linked to a user account of their own."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), unique=True)
    # The organisation that registered the client: its counsellors see the client before any case exists.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    # The name in Latin letters (as in a passport) when it is written in another script; certificates print both.
    latin_name: Mapped[str | None] = mapped_column(String(201))
    # "first last", case-folded in Python (SQLite folds only ASCII): name search and duplicate checks use it.
    search_name: Mapped[str] = mapped_column(String(201), default="", index=True)
    birth_date: Mapped[date | None]
    birth_year: Mapped[int | None]  # kept after erasure, when the exact birth date is gone
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
    certificate_language: Mapped[str | None] = mapped_column(String(10))
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
    organisation: Mapped[Organisation | None] = relationship()
    cases: Mapped[list["Case"]] = relationship(back_populates="client", order_by="Case.entry_date")
    consents: Mapped[list["Consent"]] = relationship(
        back_populates="client", order_by="Consent.given_on", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return client_display_name(self.id, self.first_name, self.last_name, self.erased_at)

    def __str__(self):
        return self.full_name


@event.listens_for(Client, "before_insert")
@event.listens_for(Client, "before_update")
def _keep_search_name(_mapper, _connection, client: Client) -> None:
    client.search_name = search_key(f"{client.first_name or ''} {client.last_name or ''}")


case_co_counsellor = Table(
    "case_co_counsellor",
    Model.metadata,
    Column("case_id", ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Case(Model):
    """One client's validation journey at one organisation: the hub every other feature hangs off."""

    # A counsellor's start page reads their cases by stage, by latest activity and by follow-up date.
    __table_args__ = (
        Index("ix_case_counsellor_stage", "counsellor_id", "stage"),
        Index("ix_case_counsellor_activity", "counsellor_id", "last_activity_at"),
        Index("ix_case_counsellor_follow_up", "counsellor_id", "follow_up_due"),
        # The network's count of clients who started validation reads client and entry date from the index alone.
        Index("ix_case_client_entry", "client_id", "entry_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    target: Mapped[str | None] = mapped_column(String(200))  # target field or qualification, in words
    client_type: Mapped[ClientType] = mapped_column(enum_type(ClientType))
    stage: Mapped[Stage] = mapped_column(enum_type(Stage), default=Stage.IDENTIFICATION, index=True)
    entry_date: Mapped[date] = mapped_column(index=True)
    exit_date: Mapped[date | None] = mapped_column(index=True)
    age_at_entry: Mapped[int | None]  # ESF counts age at entry; kept when the client is erased
    # Results within four weeks of exit: the labour-market status (None: not known) and what can go with it.
    exit_labour_status: Mapped[LabourMarketResult | None] = mapped_column(enum_type(LabourMarketResult))
    exit_in_education: Mapped[bool] = mapped_column(default=False)
    exit_qualification: Mapped[bool] = mapped_column(default=False)
    # Whether the validation shortened the client's study path, and by how many months.
    study_path_shortened: Mapped[Answer] = mapped_column(enum_type(Answer), default=Answer.NOT_ASKED)
    study_months_saved: Mapped[int | None]
    follow_up_due: Mapped[date | None] = mapped_column(index=True)  # six months after exit
    follow_up_on: Mapped[date | None]
    # Six months after exit (None with a follow-up date: the client did not answer).
    follow_up_labour_status: Mapped[LabourMarketResult | None] = mapped_column(enum_type(LabourMarketResult))
    follow_up_in_education: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship(back_populates="cases")
    organisation: Mapped[Organisation] = relationship()
    counsellor: Mapped[User | None] = relationship(foreign_keys=[counsellor_id])
    co_counsellors: Mapped[list[User]] = relationship(secondary=case_co_counsellor, order_by=User.name)
    stage_changes: Mapped[list["StageChange"]] = relationship(
        back_populates="case", order_by="StageChange.id", cascade="all, delete-orphan"
    )
    guidance_entries: Mapped[list["GuidanceEntry"]] = relationship(
        back_populates="case",
        order_by="[GuidanceEntry.on.desc(), GuidanceEntry.id.desc()]",
        cascade="all, delete-orphan",
    )
    appointments: Mapped[list["Appointment"]] = relationship(
        back_populates="case", order_by="Appointment.starts_at", cascade="all, delete-orphan"
    )
    handovers: Mapped[list["Handover"]] = relationship(
        back_populates="case", order_by="Handover.id", cascade="all, delete-orphan"
    )

    def __str__(self):
        return f"{self.client} ({self.stage.label})"


class StageChange(Model):
    """One explicit move of a case between stages, with its date and reason."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[Stage | None] = mapped_column(enum_type(Stage))  # None: the case was opened
    to_stage: Mapped[Stage] = mapped_column(enum_type(Stage))
    on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(String(1000))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="stage_changes")
    by: Mapped[User | None] = relationship()


class GuidanceKind(LabelledEnum):
    INDIVIDUAL_GUIDANCE = "individual_guidance", _l("Individual guidance")
    INTERVIEW = "interview", _l("Interview")
    MONITORING_VISIT = "monitoring_visit", _l("Monitoring visit")
    PHONE = "phone", _l("Phone call")
    EMAIL = "email", _l("E-mail")


class GuidanceEntry(Model):
    """A meeting or contact in the guidance log; the note is for staff unless marked shareable with the client."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    on: Mapped[date]
    kind: Mapped[GuidanceKind] = mapped_column(enum_type(GuidanceKind))
    duration_minutes: Mapped[int | None]
    interpreter_language: Mapped[str | None] = mapped_column(String(3))  # None: no interpreter
    note: Mapped[str | None] = mapped_column(Text)
    shareable: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="guidance_entries")
    author: Mapped[User | None] = relationship()


class Appointment(Model):
    """A coming meeting the client should know about; shown on the client's own page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[GuidanceKind] = mapped_column(enum_type(GuidanceKind))
    place: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="appointments")


class ConsentPurpose(LabelledEnum):
    VALIDATION = "validation", _l("Processing of personal data for validation")
    SHARE_WITH_WORKPLACE = "share_with_workplace", _l("Sharing with a named workplace")
    STATISTICS = "statistics", _l("Use in statistics")


class Consent(Model):
    """What the client agreed to and when; a withdrawal is recorded beside it, never by deleting it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_type(ConsentPurpose))
    workplace: Mapped[str | None] = mapped_column(String(200))  # the named workplace, for sharing
    given_on: Mapped[date]
    information_language: Mapped[str] = mapped_column(String(3))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_on: Mapped[date | None]
    withdrawn_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    client: Mapped[Client] = relationship(back_populates="consents")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    withdrawn_recorded_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_recorded_by_id])

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None


class HandoverKind(LabelledEnum):
    # another counsellor of the same organisation, at once
    REASSIGNMENT = "reassignment", _l("Reassigned to another counsellor")
    TRANSFER = "transfer", _l("Transfer to another organisation")  # another organisation, which accepts or declines


class HandoverStatus(LabelledEnum):
    PENDING = "pending", _l("Waiting for an answer")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")


class Handover(Model):
    """A change of responsible counsellor or organisation; the history stays on the case."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[HandoverKind] = mapped_column(enum_type(HandoverKind))
    status: Mapped[HandoverStatus] = mapped_column(enum_type(HandoverStatus), index=True)
    from_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    to_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    from_counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    to_counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(1000))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="handovers")
    from_organisation: Mapped[Organisation] = relationship(foreign_keys=[from_organisation_id])
    to_organisation: Mapped[Organisation] = relationship(foreign_keys=[to_organisation_id])
    from_counsellor: Mapped[User | None] = relationship(foreign_keys=[from_counsellor_id])
    to_counsellor: Mapped[User | None] = relationship(foreign_keys=[to_counsellor_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])


# --- counts kept in step with the cases (cases/counts.py), so start pages read a few rows, not every case ----------


class StageCount(Model):
    """How many cases each counsellor has in each stage (counsellor_key 0: cases without a responsible counsellor)."""

    __tablename__ = "case_stage_count"

    counsellor_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stage: Mapped[Stage] = mapped_column(enum_type(Stage), primary_key=True)
    cases: Mapped[int] = mapped_column(default=0)


class ClientLatestEntry(Model):
    """The entry date of each client's latest case: a client started validation in a period from a date on when
    their latest case was opened on or after it."""

    __tablename__ = "client_latest_entry"

    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), primary_key=True, autoincrement=False)
    entry_date: Mapped[date]


class LatestEntryCount(Model):
    """How many clients have their latest case opened on each date (the sums of ClientLatestEntry)."""

    __tablename__ = "latest_entry_count"

    entry_date: Mapped[date] = mapped_column(primary_key=True)
    clients: Mapped[int] = mapped_column(default=0)
