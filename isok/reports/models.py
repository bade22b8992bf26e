"""ESF participation records and submitted reports.

A Participation is one person in the operation (research §1.5): derived from the client's cases by
services.sync_participations(). It keeps the first entry date and the entry data of the first participation, and
the exit and results of the latest one. Once a report whose period contains the entry is submitted, the entry
data are frozen: later changes to the client reach the record only through an audited correction.
"""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import Answer, Client, ClientType, Gender, LabourMarketResult, LabourStatus
from isok.accounts.models import User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l

# The entry data of a participation: copied from the client until frozen, then changed only by a correction.
ENTRY_FIELDS = [
    "gender",
    "age_at_entry",
    "labour_status",
    "long_term_unemployed",
    "in_education_or_training",
    "self_employed",
    "isced_level",
    "third_country_national",
    "foreign_background",
    "minority",
    "disability",
    "homeless",
    "rural",
]
CHARACTERISTICS = ["third_country_national", "foreign_background", "minority", "disability", "homeless", "rural"]


class Participation(Model):
    """One client in the operation: written by sync_participations() (set-based) and by audited corrections."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), unique=True)
    entry_date: Mapped[date] = mapped_column(index=True)  # the first case's entry date
    case_count: Mapped[int] = mapped_column(default=1)  # more than one: the person re-entered
    client_type: Mapped[ClientType] = mapped_column(enum_type(ClientType))  # of the latest case
    # Entry data (research §1.5: they refer to the first participation).
    gender: Mapped[Gender] = mapped_column(enum_type(Gender), index=True)
    age_at_entry: Mapped[int | None]
    labour_status: Mapped[LabourStatus | None] = mapped_column(enum_type(LabourStatus))
    long_term_unemployed: Mapped[bool] = mapped_column(default=False)
    in_education_or_training: Mapped[bool] = mapped_column(default=False)
    self_employed: Mapped[bool] = mapped_column(default=False)
    isced_level: Mapped[int | None]
    third_country_national: Mapped[Answer] = mapped_column(enum_type(Answer))
    foreign_background: Mapped[Answer] = mapped_column(enum_type(Answer))
    minority: Mapped[Answer] = mapped_column(enum_type(Answer))
    disability: Mapped[Answer] = mapped_column(enum_type(Answer))
    homeless: Mapped[Answer] = mapped_column(enum_type(Answer))
    rural: Mapped[Answer] = mapped_column(enum_type(Answer))
    entry_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entry_frozen_in: Mapped[str | None] = mapped_column(String(7))  # the submitted period that froze it, 2025H2
    # Exit and results: of the latest case (a re-entry updates them; an open latest case means no exit).
    exit_date: Mapped[date | None] = mapped_column(index=True)
    exit_labour_status: Mapped[LabourMarketResult | None] = mapped_column(enum_type(LabourMarketResult))
    exit_in_education: Mapped[bool] = mapped_column(default=False)
    exit_qualification: Mapped[bool] = mapped_column(default=False)
    qualification_certified: Mapped[bool] = mapped_column(default=False)  # from sources.certified_qualifications
    follow_up_due: Mapped[date | None] = mapped_column(index=True)
    follow_up_on: Mapped[date | None]
    follow_up_labour_status: Mapped[LabourMarketResult | None] = mapped_column(enum_type(LabourMarketResult))
    follow_up_in_education: Mapped[bool] = mapped_column(default=False)
    # What the record was derived from: the client's version, and the count, version sum and last id of its
    # cases. The sync compares them to find the few records to derive again, so a sync with nothing to do is cheap.
    client_version: Mapped[int] = mapped_column(default=0)
    case_versions: Mapped[int] = mapped_column(default=0)
    last_case_id: Mapped[int] = mapped_column(default=0)

    client: Mapped[Client] = relationship()
    result: Mapped["RecordedResult | None"] = relationship(
        back_populates="participation", uselist=False, cascade="all, delete-orphan"
    )
    corrections: Mapped[list["ParticipationCorrection"]] = relationship(
        back_populates="participation", order_by="ParticipationCorrection.id", cascade="all, delete-orphan"
    )

    @property
    def entry_frozen(self) -> bool:
        return self.entry_frozen_at is not None


class CaseProgress(Model):
    """One case as the report counts cases: its dates and the day it first reached each stage (a case moved back
    and forward again reaches a stage once). Written by sync_participations() with the participation records, at
    the commit that changes the case or its stage history, so computing a report reads one narrow row per case
    instead of grouping the whole stage history again."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    entry_date: Mapped[date]
    exit_date: Mapped[date | None]
    study_months_saved: Mapped[int | None]
    identification_on: Mapped[date | None]
    documentation_on: Mapped[date | None]
    assessment_on: Mapped[date | None]
    certification_on: Mapped[date | None]
    closed_on: Mapped[date | None]


class BetterSituation(LabelledEnum):
    """The only moves that count as a better labour-market situation six months after leaving (research §1.3)."""

    PRECARIOUS_TO_STABLE = "precarious_to_stable", _l("From precarious to stable employment")
    UNDER_TO_FULL = "under_to_full", _l("From underemployment to full employment")
    HIGHER_SKILLED_JOB = "higher_skilled_job", _l("To a job needing higher competences and more responsibility")
    PROMOTION = "promotion", _l("A promotion")


class RecordedResult(Model):
    """Results the case does not hold, recorded by the project manager: a qualification gained within 28 days of
    exit, whether the person answered the six-month follow-up, and a better labour-market situation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(ForeignKey("participation.id", ondelete="CASCADE"), unique=True)
    qualification_gained: Mapped[bool] = mapped_column(default=False)
    responded: Mapped[bool | None]  # None: read from the case's follow-up (a known situation is an answer)
    better_situation: Mapped[BetterSituation | None] = mapped_column(enum_type(BetterSituation))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    participation: Mapped[Participation] = relationship(back_populates="result")
    updated_by: Mapped[User | None] = relationship()


class ParticipationCorrection(Model):
    """A change to frozen entry data, with its reason: the correction trail the managing authority asks for."""

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(ForeignKey("participation.id", ondelete="CASCADE"), index=True)
    changes: Mapped[dict] = mapped_column(JSON)  # {field: [before, after]}
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participation: Mapped[Participation] = relationship(back_populates="corrections")
    by: Mapped[User | None] = relationship()


class SubmittedReport(Model):
    """A six-monthly report as submitted: the frozen figures of every table, period and cumulative."""

    __table_args__ = (UniqueConstraint("year", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    half: Mapped[int]
    rule_set: Mapped[str] = mapped_column(String(40))
    period_figures: Mapped[dict] = mapped_column(JSON)  # {table key: {row key: {column: value}}}
    cumulative_figures: Mapped[dict] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    submitted_by: Mapped[User | None] = relationship()

    @property
    def code(self) -> str:
        return f"{self.year}H{self.half}"


class ReportDataVersion(Model):
    """One row whose number goes up in the same transaction as every change to what the ESF report reads
    (isok.reports.freshness): a computed report is reused while the number it was computed at is current."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class CachedReport(Model):
    """A computed report as shown (period or cumulative, rule set, public or not, report date, language), kept
    with the data version it was computed at."""

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
