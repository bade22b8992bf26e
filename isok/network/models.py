"""The project's inputs to the ESF report: partners, dissemination, steering, narratives, and the project's own
settings and targets. The trainings of the counsellor and teacher programme are courses of the catalogue
(isok.catalogue), which counts their participants for the targets (see figures.py).

Who counts as what (research §1.1): training participants are ESF participants (they benefit directly);
dissemination attendees are only a headcount, never participants; partner organisations are entities, counted
once, in the period of their first cooperation date.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isok.accounts.models import Organisation, User
from isok.database import UTCDateTime, enum_type, utcnow
from isok.extensions import Model
from isok.labels import LabelledEnum
from isok.translation import lazy_gettext as _l

# --- project settings and targets ------------------------------------------------------------------------------


class RuleSet(LabelledEnum):
    """The ESF programming period whose indicator definitions (age bands, ISCED groupings) the report applies."""

    ESF_PLUS_2021_2027 = "esf_plus_2021_2027", _l("ESF+ 2021–2027 (Regulation (EU) 2021/1057)")
    ESF_2014_2020 = "esf_2014_2020", _l("ESF 2014–2020 (Regulation (EU) 1304/2013)")
    ESF_2007_2013 = "esf_2007_2013", _l("ESF 2007–2013 (Regulation (EC) 1828/2006, Annex XXIII)")


DEFAULT_SUPPRESSION_THRESHOLD = 5


class ProjectSettings(Model):
    """The one row describing the project (the ESF "operation"); id is always 1."""

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(40))  # e.g. the EURA project code
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    rule_set: Mapped[RuleSet] = mapped_column(enum_type(RuleSet), default=RuleSet.ESF_PLUS_2021_2027)
    # Public report exports hide cells counting fewer people than this.
    suppression_threshold: Mapped[int] = mapped_column(default=DEFAULT_SUPPRESSION_THRESHOLD)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


# Indicators a target can be set for. Keys are stored as text so the report can add indicators without a
# migration; add the key and its label here.
TARGET_INDICATORS = {
    "clients_started_validation": _l("Clients starting validation"),
    "training_participants": _l("Counsellor and teacher training participants"),
    "training_organisations": _l("Organisations sending training participants"),
    "partners_major_companies": _l("Partner companies: major"),
    "partners_smes": _l("Partner companies: small or medium-sized"),
    "partners_other_organisations": _l("Partner organisations other than companies"),
    "dissemination_events": _l("Dissemination events"),
    "dissemination_attendees": _l("Dissemination event attendees"),
}


class Target(Model):
    """A planned value for one indicator over the whole project (ESF "planned vs realised")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(60), unique=True)
    target_value: Mapped[int]

    @property
    def label(self):
        return TARGET_INDICATORS.get(self.indicator, self.indicator)


# --- partner network -------------------------------------------------------------------------------------------


class PartnerKind(LabelledEnum):
    """How the ESF tables group partner organisations; derived from the organisation's type and size."""

    MAJOR_COMPANY = "major_company", _l("Major companies")
    SME = "sme", _l("Small and medium-sized companies")
    UNSIZED_COMPANY = "unsized_company", _l("Companies without a recorded size")
    PUBLIC_BODY = "public_body", _l("Public bodies")
    EDUCATION_PROVIDER = "education_provider", _l("Education providers")
    OTHER_ORGANISATION = "other_organisation", _l("Other organisations")


COMPANY_KINDS = frozenset({PartnerKind.MAJOR_COMPANY, PartnerKind.SME, PartnerKind.UNSIZED_COMPANY})


class Partnership(Model):
    """An organisation's cooperation with the project; the organisation itself lives in accounts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    first_cooperation_on: Mapped[date] = mapped_column(index=True)  # decides the report period it counts in
    role: Mapped[str | None] = mapped_column(String(200))  # its role in the project, in words
    agreement_on: Mapped[date | None]  # date of the cooperation agreement, if one was signed
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    def __str__(self):
        return self.organisation.name


# --- dissemination ---------------------------------------------------------------------------------------------


class DisseminationEvent(Model):
    """An information or dissemination event; its attendees are a headcount, not ESF participants."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    audience: Mapped[str | None] = mapped_column(String(200))  # who it was for, in words
    headcount: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (CheckConstraint("headcount >= 0", name="headcount_not_negative"),)
    __mapper_args__ = {"version_id_col": version}

    def __str__(self):
        return self.title


# --- steering and narratives -----------------------------------------------------------------------------------


class SteeringMeeting(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(index=True)
    attendees: Mapped[str] = mapped_column(Text)  # one per line: name, organisation
    decisions: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


@dataclass(frozen=True, order=True)
class HalfYear:
    """A six-month reporting period: 1 January – 30 June (half 1) or 1 July – 31 December (half 2)."""

    year: int
    half: int

    @classmethod
    def containing(cls, day: date) -> "HalfYear":
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def parse(cls, code: str) -> "HalfYear":
        """Read a code such as 2025H1."""
        year, _sep, half = code.strip().upper().partition("H")
        if not (year.isdigit() and half in ("1", "2")):
            raise ValueError(code)
        return cls(int(year), int(half))

    @property
    def code(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def starts_on(self) -> date:
        return date(self.year, 1, 1) if self.half == 1 else date(self.year, 7, 1)

    @property
    def ends_on(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def next(self) -> "HalfYear":
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year + 1, 1)

    def __str__(self):
        return self.code


NARRATIVE_SECTIONS = {
    "progress": _l("Progress against the plan"),
    "qualitative_results": _l("Qualitative results"),
    "deviations": _l("Deviations and corrective actions"),
    "equality": _l("Equality and non-discrimination"),
    "dissemination": _l("Dissemination"),
}


class Narrative(Model):
    """The written part of one six-month report; several people edit it, hence the version."""

    __table_args__ = (UniqueConstraint("year", "half"), CheckConstraint("half in (1, 2)", name="half_1_or_2"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    half: Mapped[int]
    progress: Mapped[str | None] = mapped_column(Text)
    qualitative_results: Mapped[str | None] = mapped_column(Text)
    deviations: Mapped[str | None] = mapped_column(Text)
    equality: Mapped[str | None] = mapped_column(Text)
    dissemination: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    updated_by: Mapped[User | None] = relationship()

    @property
    def period(self) -> HalfYear:
        return HalfYear(self.year, self.half)

    def __str__(self):
        return self.period.code
