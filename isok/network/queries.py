"""Read-only figures of the network, for the overview, the dashboard and the ESF report.

Every function takes an optional inclusive date range (`since`, `until`); leave `since` out for "cumulative from
the start". Counting follows research §1.1 and §7: partners count once, in the period of their first cooperation;
dissemination attendees are a headcount only. Training participants are counted by the catalogue, which keeps the
programme's trainings (figures.py).
"""

from dataclasses import dataclass
from datetime import date

from flask_babel.speaklater import LazyString
from sqlalchemy import ColumnElement, Select, and_, case, func, select, true

from cases import counts
from isok.accounts.models import CompanySize, Organisation, OrganisationType
from isok.extensions import db
from isok.network import figures
from isok.network.models import (
    COMPANY_KINDS,
    TARGET_INDICATORS,
    DisseminationEvent,
    Narrative,
    PartnerKind,
    Partnership,
    ProjectSettings,
    SteeringMeeting,
    Target,
)


def _between(column, since: date | None, until: date | None) -> ColumnElement[bool]:
    conditions = [column >= since] if since else []
    if until:
        conditions.append(column <= until)
    return and_(true(), *conditions)


# --- settings --------------------------------------------------------------------------------------------------


def project_settings() -> ProjectSettings | None:
    return db.session.get(ProjectSettings, 1)


def targets() -> dict[str, int]:
    """Planned values by indicator key (see models.TARGET_INDICATORS)."""
    return dict(db.session.execute(select(Target.indicator, Target.target_value)).all())


# --- partners --------------------------------------------------------------------------------------------------


def partner_kind() -> ColumnElement[str]:
    """The PartnerKind of an Organisation row as an SQL expression, so reports can group by it."""
    return case(
        (
            and_(Organisation.type == OrganisationType.COMPANY, Organisation.size_class == CompanySize.MAJOR),
            PartnerKind.MAJOR_COMPANY.value,
        ),
        (
            and_(Organisation.type == OrganisationType.COMPANY, Organisation.size_class == CompanySize.SME),
            PartnerKind.SME.value,
        ),
        (Organisation.type == OrganisationType.COMPANY, PartnerKind.UNSIZED_COMPANY.value),
        (Organisation.type == OrganisationType.PUBLIC_BODY, PartnerKind.PUBLIC_BODY.value),
        (Organisation.type == OrganisationType.EDUCATION_PROVIDER, PartnerKind.EDUCATION_PROVIDER.value),
        else_=PartnerKind.OTHER_ORGANISATION.value,
    )


def partnerships(since: date | None = None, until: date | None = None) -> Select:
    """Partnerships whose first cooperation falls in the range, with the organisation and its kind."""
    return (
        select(Partnership, Organisation, partner_kind().label("kind"))
        .join(Organisation, Partnership.organisation_id == Organisation.id)
        .where(_between(Partnership.first_cooperation_on, since, until))
        .order_by(Organisation.name)
    )


def partners_by_kind(since: date | None = None, until: date | None = None) -> dict[PartnerKind, int]:
    """How many organisations started cooperating in the range, by kind (every kind present, zeros included)."""
    kind = partner_kind()
    rows = db.session.execute(
        select(kind, func.count(Partnership.id))
        .join(Organisation, Partnership.organisation_id == Organisation.id)
        .where(_between(Partnership.first_cooperation_on, since, until))
        .group_by(kind)
    )
    counts = dict.fromkeys(PartnerKind, 0)
    counts.update({PartnerKind(k): n for k, n in rows})
    return counts


def partners_by_kind_ever_and_since(since: date | None) -> tuple[dict[PartnerKind, int], dict[PartnerKind, int]]:
    """partners_by_kind() and partners_by_kind(since) in one reading, for the overview beside its targets."""
    kind = partner_kind()
    in_range = _between(Partnership.first_cooperation_on, since, None)
    rows = db.session.execute(
        select(kind, func.count(Partnership.id), func.count(Partnership.id).filter(in_range))
        .join(Organisation, Partnership.organisation_id == Organisation.id)
        .group_by(kind)
    )
    ever, recent = dict.fromkeys(PartnerKind, 0), dict.fromkeys(PartnerKind, 0)
    for k, n, n_since in rows:
        ever[PartnerKind(k)], recent[PartnerKind(k)] = n, n_since
    return ever, recent


def companies(counts: dict[PartnerKind, int]) -> int:
    return sum(n for kind, n in counts.items() if kind in COMPANY_KINDS)


def other_organisations(counts: dict[PartnerKind, int]) -> int:
    """Partners other than companies: public bodies, education providers and other organisations."""
    return sum(n for kind, n in counts.items() if kind not in COMPANY_KINDS)


# --- dissemination ---------------------------------------------------------------------------------------------


def dissemination_totals(since: date | None = None, until: date | None = None) -> tuple[int, int]:
    """Number of events held in the range and their total headcount (attendees are not ESF participants)."""
    events, heads = db.session.execute(
        select(func.count(DisseminationEvent.id), func.coalesce(func.sum(DisseminationEvent.headcount), 0)).where(
            _between(DisseminationEvent.held_on, since, until)
        )
    ).one()
    return events, heads


def dissemination_totals_ever_and_since(since: date | None) -> tuple[tuple[int, int], tuple[int, int]]:
    """dissemination_totals() and dissemination_totals(since) in one reading."""
    in_range = _between(DisseminationEvent.held_on, since, None)
    row = db.session.execute(
        select(
            func.count(DisseminationEvent.id),
            func.coalesce(func.sum(DisseminationEvent.headcount), 0),
            func.count(DisseminationEvent.id).filter(in_range),
            func.coalesce(func.sum(DisseminationEvent.headcount).filter(in_range), 0),
        )
    ).one()
    return (row[0], row[1]), (row[2], row[3])


def events(since: date | None = None, until: date | None = None) -> Select:
    return (
        select(DisseminationEvent)
        .where(_between(DisseminationEvent.held_on, since, until))
        .order_by(DisseminationEvent.held_on.desc(), DisseminationEvent.id.desc())
    )


# --- steering and narratives -----------------------------------------------------------------------------------


def meetings(since: date | None = None, until: date | None = None) -> Select:
    return (
        select(SteeringMeeting)
        .where(_between(SteeringMeeting.held_on, since, until))
        .order_by(SteeringMeeting.held_on.desc(), SteeringMeeting.id.desc())
    )


def narrative(year: int, half: int) -> Narrative | None:
    return db.session.scalar(select(Narrative).where(Narrative.year == year, Narrative.half == half))


# --- targets against realised values ---------------------------------------------------------------------------


def clients_started_validation(since: date | None = None) -> int:
    """Distinct clients with a case opened since the date (validation started), from the counts the cases keep."""
    return counts.clients_with_a_case_since(since)


def project_start() -> date | None:
    settings = project_settings()
    return settings.starts_on if settings else None


def indicator_values() -> dict[str, int]:
    """Realised values, cumulative from the project start to today, for every indicator a target can be set for."""
    since = project_start()
    return _indicator_values(since, partners_by_kind(since), dissemination_totals(since))


def _indicator_values(since: date | None, kinds: dict[PartnerKind, int], events: tuple[int, int]) -> dict[str, int]:
    event_count, headcount = events
    return {
        "clients_started_validation": clients_started_validation(since),
        "training_participants": 0,
        "training_organisations": 0,
        **figures.counted(since, None),
        "partners_major_companies": kinds[PartnerKind.MAJOR_COMPANY],
        "partners_smes": kinds[PartnerKind.SME],
        "partners_other_organisations": other_organisations(kinds),
        "dissemination_events": event_count,
        "dissemination_attendees": headcount,
    }


@dataclass
class Overview:
    """The overview page's figures: partners and events of all time, and the targets' progress since the start."""

    kinds: dict[PartnerKind, int]
    events: tuple[int, int]
    progress: list["Progress"]


def overview() -> Overview:
    """The overview's partner and event figures read once for both of their periods (all time, since the start)."""
    since = project_start()
    kinds, kinds_since = partners_by_kind_ever_and_since(since)
    events, events_since = dissemination_totals_ever_and_since(since)
    return Overview(kinds, events, target_progress(_indicator_values(since, kinds_since, events_since)))


@dataclass
class Progress:
    indicator: str
    label: LazyString | str
    target: int
    actual: int

    @property
    def percent(self) -> int:
        return round(100 * self.actual / self.target) if self.target else 100

    @property
    def reached(self) -> bool:
        return self.actual >= self.target


def target_progress(values: dict[str, int] | None = None) -> list[Progress]:
    """Each target set for the project, with its realised value (`values`, when the caller has read them), in the
    order of TARGET_INDICATORS."""
    values = indicator_values() if values is None else values
    order = list(TARGET_INDICATORS)
    rows = sorted(targets().items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    return [Progress(key, TARGET_INDICATORS.get(key, key), target, values.get(key, 0)) for key, target in rows]
