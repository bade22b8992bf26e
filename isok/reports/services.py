"""The ESF report: participation records kept in step with the cases, the report computed from them, submitted
(frozen) reports with their correction reports, and the audited corrections of frozen entry data."""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from sqlalchemy import ColumnElement, CursorResult, Result, and_, delete, func, insert, or_, select, true, update

from cases.models import Answer, Case, Client, Gender, LabourStatus, StageChange
from isok import audit
from isok.catalogue import queries as catalogue
from isok.database import utcnow
from isok.extensions import db
from isok.network import queries as network
from isok.network.models import COMPANY_KINDS, NARRATIVE_SECTIONS, TARGET_INDICATORS, HalfYear, PartnerKind, RuleSet
from isok.reports import indicators, sources
from isok.reports.indicators import COLUMNS, GENDER_COLUMNS, PEOPLE_TABLES
from isok.reports.models import (
    CHARACTERISTICS,
    ENTRY_FIELDS,
    BetterSituation,
    CaseProgress,
    Participation,
    ParticipationCorrection,
    RecordedResult,
    SubmittedReport,
)
from isok.rules import RuleBroken
from isok.translation import gettext as _

P, R, C = Participation, RecordedResult, CaseProgress
SCOPES = ("period", "cumulative")
QUALIFICATION_DAYS = 28  # immediate results: within four weeks of exit (research §1.5 rule 3)


class ReportError(RuleBroken):
    """A rule of the reports domain was broken; the message is shown next to the field it names."""


def today() -> date:
    return utcnow().date()


# --- participation records ---------------------------------------------------------------------------------------

# Derived from the latest case: a re-entry updates them (research §1.5 rule 1).
EXIT_FIELDS = [
    "client_type",
    "case_count",
    "exit_date",
    "exit_labour_status",
    "exit_in_education",
    "exit_qualification",
    "follow_up_due",
    "follow_up_on",
    "follow_up_labour_status",
    "follow_up_in_education",
]
SOURCE_FIELDS = ["client_version", "case_versions", "last_case_id"]
CLIENT_ENTRY_FIELDS = [name for name in ENTRY_FIELDS if name != "age_at_entry"]


def _changed_clients():
    """Clients whose record or cases changed since their participation record was derived."""
    cases = (
        select(
            Case.client_id,
            func.count().label("case_count"),
            func.sum(Case.version).label("case_versions"),
            func.max(Case.id).label("last_case_id"),
        )
        .group_by(Case.client_id)
        .subquery("case_sources")
    )
    return (
        select(cases.c.client_id)
        .join(Client, Client.id == cases.c.client_id)
        .join(P, P.client_id == cases.c.client_id)
        .where(
            or_(
                P.client_version != Client.version,
                P.case_count != cases.c.case_count,
                P.case_versions != cases.c.case_versions,
                P.last_case_id != cases.c.last_case_id,
            )
        )
    )


def _derived(clients=None) -> tuple:
    """Per client with cases: entry data from the client and the first case, exit data from the latest case."""
    ranked = (
        select(
            Case.client_id,
            Case.entry_date,
            Case.age_at_entry,
            *(getattr(Case, name) for name in EXIT_FIELDS if name != "case_count"),
            func.row_number()
            .over(partition_by=Case.client_id, order_by=(Case.entry_date, Case.id))
            .label("first_rank"),
            func.row_number()
            .over(partition_by=Case.client_id, order_by=(Case.entry_date.desc(), Case.id.desc()))
            .label("latest_rank"),
            func.count().over(partition_by=Case.client_id).label("case_count"),
            func.sum(Case.version).over(partition_by=Case.client_id).label("case_versions"),
            func.max(Case.id).over(partition_by=Case.client_id).label("last_case_id"),
        )
        .where(Case.client_id.in_(clients) if clients is not None else true())
        .subquery("ranked")
    )
    first = select(ranked).where(ranked.c.first_rank == 1).subquery("first_case")
    latest = select(ranked).where(ranked.c.latest_rank == 1).subquery("latest_case")
    columns = {
        "client_id": Client.id,
        "entry_date": first.c.entry_date,
        "age_at_entry": first.c.age_at_entry,
        **{name: getattr(Client, name) for name in CLIENT_ENTRY_FIELDS},
        "case_count": first.c.case_count,
        "client_type": latest.c.client_type,
        **{name: latest.c[name] for name in EXIT_FIELDS if name not in ("client_type", "case_count")},
        "client_version": Client.version,
        "case_versions": first.c.case_versions,
        "last_case_id": first.c.last_case_id,
    }
    derived = (
        select(*(column.label(name) for name, column in columns.items()))
        .join(first, first.c.client_id == Client.id)
        .join(latest, latest.c.client_id == Client.id)
        .subquery("derived")
    )
    return derived, list(columns)


def _changed(names: list[str], source) -> ColumnElement[bool]:
    return or_(*(getattr(P, name).is_distinct_from(source.c[name]) for name in names))


def _no_record(client_id) -> ColumnElement[bool]:
    return ~select(P.id).where(P.client_id == client_id).exists()


SYNC_CHUNK = 5000  # clients derived again per statement, well under every driver's parameter limit


def sync_participations(clients: Collection[int] | None = None) -> int:
    """Bring the participation records in step with the cases, of the given clients or of everyone; answer how
    many records changed.

    Idempotent and set-based: clients without a record are inserted in one statement; records whose sources
    changed (told by the versions of the client and its cases) are derived again, a chunk of clients per
    statement; only values that differ are written. Entry data stop following the client once frozen by a
    submitted report. With nothing to do it costs one grouped read of the cases (or of the given clients' cases).
    The same clients' case progress (what the report counts cases by) is brought in step too; it is not counted.
    """
    # NOT EXISTS rather than NOT IN: both databases plan it as an anti-join on the unique client_id.
    changed = 0
    chosen = (lambda column: column.in_(clients)) if clients is not None else (lambda column: true())
    if clients is not None and not clients:
        return 0
    if db.session.scalar(select(select(Case.id).where(chosen(Case.client_id), _no_record(Case.client_id)).exists())):
        derived, names = _derived(clients)
        changed += _rowcount(
            db.session.execute(
                insert(P).from_select(
                    names, select(*(derived.c[n] for n in names)).where(_no_record(derived.c.client_id))
                )
            )
        )
    stale = sorted(clients) if clients is not None else db.session.scalars(_changed_clients()).all()
    entry_names = ["entry_date", *ENTRY_FIELDS]
    result_names = [*EXIT_FIELDS, *SOURCE_FIELDS]
    for start in range(0, len(stale), SYNC_CHUNK):
        derived, _names = _derived(stale[start : start + SYNC_CHUNK])
        changed += _rowcount(
            db.session.execute(
                update(P)
                .where(P.client_id == derived.c.client_id, P.entry_frozen_at.is_(None), _changed(entry_names, derived))
                .values({n: derived.c[n] for n in entry_names})
            )
        )
        changed += _rowcount(
            db.session.execute(
                update(P)
                .where(P.client_id == derived.c.client_id, _changed(result_names, derived))
                .values({n: derived.c[n] for n in result_names})
            )
        )
    without_cases = ~select(Case.id).where(Case.client_id == P.client_id).exists()
    changed += _rowcount(
        db.session.execute(delete(P).where(chosen(P.client_id), without_cases, P.entry_frozen_at.is_(None)))
    )
    changed += _sync_certified_qualifications(chosen)
    _sync_case_progress(clients)
    for record in [obj for obj in db.session.identity_map.values() if isinstance(obj, P | C)]:
        db.session.expire(record)  # written by statements, not through these objects
    return changed


STAGES = ("identification", "documentation", "assessment", "certification", "closed")
PROGRESS_FIELDS = ["client_id", "entry_date", "exit_date", "study_months_saved", *(f"{stage}_on" for stage in STAGES)]


def _progress(*where: ColumnElement[bool]):
    """Per case: what CaseProgress keeps, the day each stage was first reached read from the stage history."""
    return (
        select(
            Case.id.label("case_id"),
            Case.client_id,
            Case.entry_date,
            Case.exit_date,
            Case.study_months_saved,
            *(func.min(StageChange.on).filter(StageChange.to_stage == stage).label(f"{stage}_on") for stage in STAGES),
        )
        .outerjoin(StageChange, StageChange.case_id == Case.id)
        .where(*where)
        .group_by(Case.id)
        .subquery("progress")
    )


def _sync_case_progress(clients: Collection[int] | None) -> None:
    """Bring the case progress of the given clients (or of everyone) in step with their cases and stage history:
    cases without a row are inserted, rows that differ are written again, rows of cases gone are deleted."""
    chosen = (lambda column: column.in_(clients)) if clients is not None else (lambda column: true())
    missing = ~select(C.id).where(C.case_id == Case.id).exists()
    if db.session.scalar(select(select(Case.id).where(chosen(Case.client_id), missing).exists())):
        progress = _progress(chosen(Case.client_id), missing)
        names = ["case_id", *PROGRESS_FIELDS]
        db.session.execute(insert(C).from_select(names, select(*(progress.c[name] for name in names))))
    ordered = sorted(clients) if clients is not None else []
    chunks = [None] if clients is None else [ordered[i : i + SYNC_CHUNK] for i in range(0, len(ordered), SYNC_CHUNK)]
    for chunk in chunks:
        progress = _progress(Case.client_id.in_(chunk) if chunk is not None else true())
        db.session.execute(
            update(C)
            .where(
                C.case_id == progress.c.case_id,
                or_(*(getattr(C, name).is_distinct_from(progress.c[name]) for name in PROGRESS_FIELDS)),
            )
            .values({name: progress.c[name] for name in PROGRESS_FIELDS})
        )
    gone = ~select(Case.id).where(Case.id == C.case_id, Case.client_id == C.client_id).exists()
    db.session.execute(delete(C).where(chosen(C.client_id), gone))


def _sync_certified_qualifications(chosen) -> int:
    """Mark who gained a formally recognised qualification between entry and 28 days after exit."""
    issued = sources.certified_qualifications()
    certified = []
    if issued:
        rows = db.session.execute(
            select(P.client_id, P.entry_date, P.exit_date).where(P.client_id.in_(issued), P.exit_date.is_not(None))
        )
        certified = [
            client_id
            for client_id, entry, exit_date in rows
            if exit_date is not None
            and any(entry <= day and (day - exit_date).days <= QUALIFICATION_DAYS for day in issued[client_id])
        ]
    is_certified = P.client_id.in_(certified)
    return _rowcount(
        db.session.execute(
            update(P)
            .where(chosen(P.client_id), P.qualification_certified.is_distinct_from(is_certified))
            .values(qualification_certified=is_certified)
        )
    )


def _rowcount(result: Result) -> int:
    """Rows a statement changed; psycopg answers -1 for an INSERT … SELECT that added nothing."""
    return max(cast(CursorResult, result).rowcount, 0)


# --- the report --------------------------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    cells: dict
    code: str | None = None
    level: int = 0
    unit: str = "persons"  # persons | organisations | events | units | months | percent
    sums_into: str | None = None
    drill: bool = False  # the people behind each cell can be listed

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "code": self.code,
            "level": self.level,
            "unit": self.unit,
            "sums_into": self.sums_into,
            "drill": self.drill,
            "cells": dict(self.cells),
        }


@dataclass
class Table:
    key: str
    number: int
    title: str
    columns: list[str]
    rows: list[Row]
    note: str | None = None

    def row(self, key: str) -> Row | None:
        return next((row for row in self.rows if row.key == key), None)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "number": self.number,
            "title": self.title,
            "note": self.note,
            "columns": self.columns,
            "rows": [row.as_dict() for row in self.rows],
        }


@dataclass
class Report:
    period: HalfYear
    scope: str
    since: date | None
    until: date
    as_of: date
    rule_set: RuleSet
    project: dict
    tables: list[Table]
    quality: Table
    checks: list[dict]
    narrative: list[dict]
    meetings: list[dict]
    timeline: list[dict]
    submitted: dict | None = None
    generated_at: datetime = field(default_factory=utcnow)

    def table(self, key: str) -> Table | None:
        return next((table for table in [*self.tables, self.quality] if table.key == key), None)

    def figures(self) -> dict:
        """Every value by table and row key: what a submitted report freezes (language-neutral)."""
        return {table.key: {row.key: dict(row.cells) for row in table.rows} for table in [*self.tables, self.quality]}

    @property
    def has_other_gender(self) -> bool:
        return any(row.cells.get("other") for table in self.tables for row in table.rows)

    def as_dict(self) -> dict:
        return {
            "period": self.period.code,
            "scope": self.scope,
            "from": self.since.isoformat() if self.since else None,
            "to": self.until.isoformat(),
            "as_of": self.as_of.isoformat(),
            "rule_set": self.rule_set.value,
            "project": self.project,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "submitted": self.submitted,
            "columns": {key: str(label) for key, label in COLUMNS.items()},
            "tables": [table.as_dict() for table in self.tables],
            "data_quality": self.quality.as_dict(),
            "checks": self.checks,
            "narrative": self.narrative,
            "steering_meetings": self.meetings,
            "timeline": self.timeline,
        }


def window(period: HalfYear, scope: str) -> tuple[date | None, date]:
    """The dates a report counts: the half-year, or from the project start to the half-year's end.

    A half-year counts from the project start at the earliest, so every cumulative figure is the previous one plus
    the period's.
    """
    settings = network.project_settings()
    start = settings.starts_on if settings else None
    if scope == "period":
        return (max(period.starts_on, start) if start else period.starts_on), period.ends_on
    return start, period.ends_on


def _between(column, since: date | None, until: date | None) -> ColumnElement[bool]:
    return and_(column >= since if since else true(), column <= until if until else true())


def _by_gender(rows) -> dict[str, int]:
    """{total, women, men, other} from (gender, value) rows; people without a stated gender count in total only."""
    cells = dict.fromkeys(COLUMNS, 0)
    for gender, value in rows:
        value = int(value or 0)
        cells["total"] += value
        for column, column_gender in GENDER_COLUMNS.items():
            if gender == column_gender:
                cells[column] += value
    return cells


def _counts_by_gender(stmt_from, gender, items: dict, where=None) -> dict:
    """One GROUP BY gender with a conditional aggregate per item: {key: {total, women, men, other}}."""
    keys = list(items)
    rows = db.session.execute(
        select(gender, *items.values())
        .select_from(stmt_from)
        .where(true() if where is None else where)
        .group_by(gender)
    ).all()
    return {key: _by_gender((row[0], row[i + 1]) for row in rows) for i, key in enumerate(keys)}


def _half_years(since: date | None, until: date) -> list[HalfYear]:
    first = (
        HalfYear.containing(since)
        if since
        else HalfYear.containing(db.session.scalar(select(func.min(P.entry_date))) or until)
    )
    halves, half = [], first
    while half <= HalfYear.containing(until):
        halves.append(half)
        half = half.next()
    return halves


PERSON_SPECS = (*PEOPLE_TABLES, indicators.EXCLUDED, indicators.CLIENTS)
SCOPES_PER_SCAN = 3  # 2 × 2¹⁰ groups at most per scan: small enough for PostgreSQL to plan a hash table


def _participant_figures(windows: dict, as_of: date, rule_set: RuleSet, halves: list[HalfYear]) -> dict:
    """Every figure read from the participation records, for every scope, {(scope, table, row): cells}, and the
    timeline of entrants and leavers per half-year: one scan of the table per few scopes.

    Each person's conditions are evaluated once, in an inner query that the database keeps apart (OFFSET 0); the
    outer query groups people by gender, completeness and whether their entry, exit and follow-up fall in each
    scope's window, and counts each condition per group. The populations of the tables are then sums of those few
    groups (indicators.population defines the same sets for the drill-down). Grouping by the inner query's yes/no
    columns lets PostgreSQL see the groups are few and count them in a hash table, not by sorting every person.
    """
    conditions = {(spec.key, row.key): row.condition for spec in PERSON_SPECS for row in spec.rows(rule_set)}
    population_of = {spec.key: spec.population for spec in PERSON_SPECS}
    populations = {
        "entrants": (True, "entry"),
        "excluded": (False, "entry"),
        "leavers": (True, "exit"),
        "follow_up": (True, "due"),
    }
    timeline = {
        (half.code, kind): column.between(half.starts_on, half.ends_on)
        for half in halves
        for kind, column in (("entrants", P.entry_date), ("leavers", P.exit_date))
    }
    figures: dict = {}
    scopes = list(windows)
    for start in range(0, len(scopes), SCOPES_PER_SCAN):
        flags = {}
        for scope in scopes[start : start + SCOPES_PER_SCAN]:
            since, until = windows[scope]
            flags[(scope, "entry")] = _between(P.entry_date, since, until)
            flags[(scope, "exit")] = _between(P.exit_date, since, until)
            flags[(scope, "due")] = _between(P.follow_up_due, since, min(until, as_of))
        counted = {**conditions, **(timeline if start == 0 else {})}
        person = (
            select(
                P.gender.label("gender"),
                indicators.CORE_COMPLETE.label("complete"),
                *(flag.label(f"flag_{i}") for i, flag in enumerate(flags.values())),
                *(condition.label(f"condition_{i}") for i, condition in enumerate(counted.values())),
            )
            .select_from(P)
            .outerjoin(R, R.participation_id == P.id)
            .offset(0)
            .subquery("person")
        )
        keys = [person.c.gender, person.c.complete, *(person.c[f"flag_{i}"] for i in range(len(flags)))]
        groups = db.session.execute(
            select(*keys, *(func.count().filter(person.c[f"condition_{i}"]) for i in range(len(counted)))).group_by(
                *keys
            )
        ).all()
        flag_index = {flag: 2 + i for i, flag in enumerate(flags)}
        count_index = {key: len(keys) + i for i, key in enumerate(counted)}
        for scope, _date in list(flags)[::3]:
            for table, row in conditions:
                complete, date_flag = populations[population_of[table]]
                figures[(scope, table, row)] = _by_gender(
                    (group[0], group[count_index[(table, row)]])
                    for group in groups
                    if bool(group[1]) is complete and group[flag_index[(scope, date_flag)]]
                )
        if start == 0:
            figures["timeline"] = [
                {
                    "period": half.code,
                    **{
                        kind: sum(group[count_index[(half.code, kind)]] for group in groups if group[1])
                        for kind in ("entrants", "leavers")
                    },
                }
                for half in halves
            ]
    return figures


def _people_tables(figures: dict, scope: tuple[str, str], rule_set: RuleSet, specs) -> list[Table]:
    tables = []
    for spec in specs:
        rows = [
            Row(
                row.key,
                str(row.label),
                figures[(scope, spec.key, row.key)],
                code=row.code(rule_set),
                level=row.level,
                sums_into=row.sums_into,
                drill=True,
            )
            for row in spec.rows(rule_set)
        ]
        tables.append(
            Table(spec.key, spec.number, str(spec.title), list(COLUMNS), rows, str(spec.note) if spec.note else None)
        )
        if spec.key == "six_month_results":
            due, responded = figures[(scope, spec.key, "due")], figures[(scope, spec.key, "responded")]
            rows.insert(
                3,
                Row(
                    "response_rate",
                    _("Response rate (%)"),
                    {
                        column: round(100 * responded[column] / due[column], 1) if due[column] else None
                        for column in COLUMNS
                    },
                    level=1,
                    unit="percent",
                ),
            )
    return tables


def _entity_table(since, until) -> Table:
    kinds = network.partners_by_kind(since, until)
    rows = [Row("companies", _("Companies"), {"total": network.companies(kinds)}, unit="organisations")]
    rows += [
        Row(kind.value, str(kind.label), {"total": n}, level=1, unit="organisations")
        for kind, n in kinds.items()
        if kind in COMPANY_KINDS
    ]
    rows.append(
        Row(
            "other_organisations",
            _("Organisations other than companies"),
            {"total": network.other_organisations(kinds)},
            unit="organisations",
        )
    )
    rows += [
        Row(kind.value, str(kind.label), {"total": n}, level=1, unit="organisations")
        for kind, n in kinds.items()
        if kind not in COMPANY_KINDS
    ]
    rows.append(
        Row("all_partners", _("All co-operating organisations"), {"total": sum(kinds.values())}, unit="organisations")
    )
    return Table(
        "entities", 7, _("Co-operating organisations by kind (counted once, when cooperation began)"), ["total"], rows
    )


def _case_figures(windows: dict) -> dict:
    """The figures read from cases, for every scope, in one grouped query over the case progress: each case once,
    with the day it first reached each stage.

    Cases count like the ESF tables: only those of participants with complete core data, by the gender of the
    participation record.
    """
    items: dict[tuple[str, str], ColumnElement] = {}
    for scope, (since, until) in windows.items():
        items[(scope, "validation_started")] = func.count().filter(_between(C.entry_date, since, until))
        items[(scope, "study_months_saved")] = func.sum(C.study_months_saved).filter(
            _between(C.exit_date, since, until)
        )
        for stage in STAGES:
            items[(scope, f"stage_{stage}")] = func.count().filter(_between(getattr(C, f"{stage}_on"), since, until))
    cases = C.__table__.join(P.__table__, C.client_id == P.client_id)
    return _counts_by_gender(cases, P.gender, items, where=indicators.CORE_COMPLETE)


UNITS = {
    "units_recognised": "units",
    "study_months_saved": "months",
    "training_organisations": "organisations",
    "dissemination_events": "events",
    "dissemination_attendees": "persons",
}


def _project_table(scope: tuple[str, str], since, until, people: dict, cases: dict) -> Table:
    values = {key: cases[(scope, key)] for key in indicators.CASE_ROWS}
    values["study_months_saved"] = cases[(scope, "study_months_saved")]
    values["units_recognised"] = {"total": sources.units_recognised(since, until)}
    trained = catalogue.training_figures(since, until)
    values["training_participants"] = {
        "total": trained.participants,
        "women": trained.women,
        "men": trained.men,
        "other": trained.other_gender,
    }
    values["training_organisations"] = {"total": trained.organisations}
    events, headcount = network.dissemination_totals(since, until)
    values["dissemination_events"] = {"total": events}
    values["dissemination_attendees"] = {"total": headcount}
    rows = [
        Row(key, str(label), values[key], level=1 if key.startswith("stage_") else 0)
        for key, label in indicators.CASE_ROWS.items()
    ]
    rows += [
        Row(
            row.key,
            str(row.label),
            people[(scope, "project", row.key)],
            level=row.level,
            sums_into=row.sums_into,
            drill=True,
        )
        for row in indicators.CLIENTS.indicators
    ]
    rows += [
        Row(key, str(label), values[key], unit=UNITS.get(key, "persons"))
        for key, label in indicators.OTHER_PROJECT_ROWS.items()
    ]
    return Table(
        "project",
        8,
        _("Project-specific figures"),
        list(COLUMNS),
        rows,
        _(
            "People and cases count as in the ESF tables: only participants with complete core data. "
            "Attendees of dissemination events are counted, not registered as ESF participants."
        ),
    )


def _target_values(entities: Table, project: Table) -> dict[str, int]:
    """Realised values of the targets (network.models.TARGET_INDICATORS), read from the cumulative tables."""

    def total(table, key):
        return table.row(key).cells["total"]

    return {
        "clients_started_validation": total(project, "clients_started"),
        "training_participants": total(project, "training_participants"),
        "training_organisations": total(project, "training_organisations"),
        "partners_major_companies": total(entities, PartnerKind.MAJOR_COMPANY.value),
        "partners_smes": total(entities, PartnerKind.SME.value),
        "partners_other_organisations": total(entities, "other_organisations"),
        "dissemination_events": total(project, "dissemination_events"),
        "dissemination_attendees": total(project, "dissemination_attendees"),
    }


def _targets_table(values: dict[str, int]) -> Table:
    """Targets against the realised values of the cumulative tables."""
    order = list(TARGET_INDICATORS)
    targets = sorted(
        network.targets().items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
    )
    progress = [
        network.Progress(key, TARGET_INDICATORS.get(key, key), target, values.get(key, 0)) for key, target in targets
    ]
    rows = [
        Row(
            item.indicator,
            str(item.label),
            {"target": item.target, "value": item.actual, "percent": item.percent},
            unit="persons"
            if item.indicator in ("clients_started_validation", "training_participants", "dissemination_attendees")
            else "count",
        )
        for item in progress
    ]
    return Table(
        "targets",
        9,
        _("Targets against cumulative values"),
        ["target", "value", "percent"],
        rows,
        _("Realised values are cumulative from the project start to the end of the period."),
    )


def _narrative(period: HalfYear) -> list[dict]:
    written = network.narrative(period.year, period.half)
    if written is None:
        return []
    return [
        {"key": key, "label": str(label), "text": getattr(written, key)}
        for key, label in NARRATIVE_SECTIONS.items()
        if getattr(written, key)
    ]


def _meetings(since, until) -> list[dict]:
    return [
        {"held_on": meeting.held_on.isoformat(), "attendees": meeting.attendee_list, "decisions": meeting.decisions}
        for meeting in db.session.scalars(network.meetings(since, until)).all()
    ]


def report_rule_set() -> RuleSet:
    settings = network.project_settings()
    return settings.rule_set if settings else RuleSet.ESF_PLUS_2021_2027


def compute_series(
    periods: list[HalfYear], scopes=SCOPES, *, rule_set: RuleSet | None = None, as_of: date | None = None
) -> dict[tuple[str, str], Report]:
    """Compute the ESF reports of several half-years at once, {(period code, scope): report}: one scan of the
    participation records and of the cases serves them all. A scope is the half-year itself, or cumulative from
    the project start to its end; the cumulative figures are always computed, since the targets compare with them.
    """
    if any(scope not in SCOPES for scope in scopes):
        raise ValueError(scopes)
    rule_set = RuleSet(rule_set or report_rule_set())
    as_of = as_of or today()
    windows = {
        (period.code, scope): window(period, scope)
        for period in periods
        for scope in SCOPES
        if scope in scopes or scope == "cumulative"
    }
    settings = network.project_settings()
    last = max(periods, key=lambda period: period.ends_on)
    halves = _half_years(settings.starts_on if settings else None, last.ends_on)
    people = _participant_figures(windows, as_of, rule_set, halves)
    cases = _case_figures(windows)
    project = (
        {
            "name": settings.name,
            "code": settings.code,
            "starts_on": settings.starts_on.isoformat(),
            "ends_on": settings.ends_on.isoformat(),
            "suppression_threshold": settings.suppression_threshold,
        }
        if settings
        else {}
    )
    built = {
        key: (_entity_table(since, until), _project_table(key, since, until, people, cases))
        for key, (since, until) in windows.items()
    }
    reports = {}
    for period in periods:
        submitted = submitted_report(period)
        submission = (
            {
                "at": submitted.submitted_at.isoformat(timespec="seconds"),
                "by": submitted.submitted_by.name if submitted.submitted_by else None,
            }
            if submitted
            else None
        )
        targets = _targets_table(_target_values(*built[(period.code, "cumulative")]))
        timeline = [point for point in people["timeline"] if HalfYear.parse(point["period"]) <= period]
        narrative = _narrative(period)
        for scope in scopes:
            key = (period.code, scope)
            since, until = windows[key]
            tables = [*_people_tables(people, key, rule_set, PEOPLE_TABLES), *built[key], targets]
            quality = _people_tables(people, key, rule_set, (indicators.EXCLUDED,))[0]
            figures = {table.key: {row.key: row.cells for row in table.rows} for table in tables}
            checks = [
                {"key": check.key, "label": str(check.label), "ok": bool(check.test(figures))}
                for check in indicators.CHECKS
            ]
            reports[key] = Report(
                period,
                scope,
                since,
                until,
                as_of,
                rule_set,
                project,
                tables,
                quality,
                checks,
                narrative,
                _meetings(since, until),
                timeline,
                submitted=submission,
            )
    return reports


def compute_reports(
    period: HalfYear, scopes=SCOPES, *, rule_set: RuleSet | None = None, as_of: date | None = None
) -> dict[str, Report]:
    """Compute the ESF report of a half-year for each scope: the half-year itself, and cumulatively from the
    project start to its end."""
    series = compute_series([period], scopes, rule_set=rule_set, as_of=as_of)
    return {scope: series[(period.code, scope)] for scope in scopes}


def compute_report(
    period: HalfYear, scope: str = "period", *, rule_set: RuleSet | None = None, as_of: date | None = None
) -> Report:
    """Compute the ESF report of a half-year, or cumulatively from the project start to its end."""
    return compute_reports(period, (scope,), rule_set=rule_set, as_of=as_of)[scope]


# --- drill-down --------------------------------------------------------------------------------------------------


def records_behind(
    period: HalfYear,
    scope: str,
    table_key: str,
    row_key: str,
    column: str,
    *,
    rule_set: RuleSet | None = None,
    as_of: date | None = None,
):
    """The participation records counted in one person cell, as a query; None if there is no such cell."""
    rule_set = RuleSet(rule_set or report_rule_set())
    found = indicators.indicator(table_key, row_key, rule_set)
    if found is None or column not in COLUMNS or scope not in SCOPES:
        return None
    table, row = found
    since, until = window(period, scope)
    return (
        select(P)
        .outerjoin(R, R.participation_id == P.id)
        .where(
            indicators.population(table.population, since, until, as_of or today()),
            row.condition,
            indicators.column_condition(column),
        )
        .order_by(P.entry_date, P.id)
    )


def missing_core_data(participation: Participation) -> list[str]:
    """Why a participation is left out of the indicators (labels of the missing core data)."""
    reasons = []
    if participation.gender is Gender.NOT_STATED:
        reasons.append(str(indicators.MISSING["gender"][1]))
    if participation.age_at_entry is None:
        reasons.append(str(indicators.MISSING["age"][1]))
    if participation.labour_status is None:
        reasons.append(str(indicators.MISSING["labour_status"][1]))
    if participation.isced_level is None:
        reasons.append(str(indicators.MISSING["isced"][1]))
    return reasons


# --- submission and correction reports ---------------------------------------------------------------------------


def submitted_report(period: HalfYear) -> SubmittedReport | None:
    return db.session.scalar(
        select(SubmittedReport).where(SubmittedReport.year == period.year, SubmittedReport.half == period.half)
    )


def submit_report(actor, period: HalfYear, *, as_of: date | None = None) -> SubmittedReport:
    """Submit a half-year's report: freeze its tables (period and cumulative) and the entry data they count."""
    as_of = as_of or today()
    if submitted_report(period) is not None:
        raise ReportError(_("The report of %(period)s has already been submitted.", period=period.code), "period")
    if period.ends_on >= as_of:
        raise ReportError(_("A period can be submitted once it has ended."), "period")
    sync_participations()
    rule_set = report_rule_set()
    figures = {
        scope: report.figures() for scope, report in compute_reports(period, rule_set=rule_set, as_of=as_of).items()
    }
    frozen = _rowcount(
        db.session.execute(
            update(P)
            .where(P.entry_date <= period.ends_on, P.entry_frozen_at.is_(None))
            .values(entry_frozen_at=utcnow(), entry_frozen_in=period.code)
        )
    )
    report = SubmittedReport(
        year=period.year,
        half=period.half,
        rule_set=rule_set.value,
        period_figures=figures["period"],
        cumulative_figures=figures["cumulative"],
        submitted_by=actor,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        actor,
        "esf_report_submitted",
        report,
        changes={"period": period.code, "rule_set": rule_set.value, "frozen_entries": frozen},
    )
    return report


def _difference(current, frozen):
    if isinstance(current, int | float) and isinstance(frozen, int | float):
        return (
            round(current - frozen, 1)
            if isinstance(current, float) or isinstance(frozen, float)
            else (current - frozen)
        )
    return None if current == frozen else current


def correction_report(submitted: SubmittedReport, *, as_of: date | None = None) -> dict[str, list[dict]]:
    """New minus frozen, per scope: every row of the submitted period whose figures changed since (negatives
    allowed), as in the EURA 2007 correction form."""
    period = HalfYear(submitted.year, submitted.half)
    result = {}
    reports = compute_reports(period, rule_set=RuleSet(submitted.rule_set), as_of=as_of)
    for scope, frozen in (("period", submitted.period_figures), ("cumulative", submitted.cumulative_figures)):
        current = reports[scope]
        changes = []
        for table in [*current.tables, current.quality]:
            for row in table.rows:
                before = frozen.get(table.key, {}).get(row.key, {})
                delta = {column: _difference(row.cells.get(column), before.get(column)) for column in table.columns}
                if any(value not in (0, None) for value in delta.values()):
                    changes.append(
                        {
                            "table": table.key,
                            "number": table.number,
                            "title": table.title,
                            "row": row.key,
                            "label": row.label,
                            "columns": table.columns,
                            "frozen": before,
                            "current": dict(row.cells),
                            "delta": delta,
                        }
                    )
        result[scope] = changes
    return result


# --- corrections and recorded results ----------------------------------------------------------------------------

CORRECTABLE_FIELDS = ["entry_date", *ENTRY_FIELDS]


def current_entry_data(participation: Participation) -> dict:
    """What the client record and the first case say now, for comparison with frozen entry data."""
    client, first = (
        participation.client,
        min(participation.client.cases, key=lambda c: (c.entry_date, c.id), default=None),
    )
    data = {name: getattr(client, name) for name in CLIENT_ENTRY_FIELDS}
    data["entry_date"] = first.entry_date if first else participation.entry_date
    data["age_at_entry"] = first.age_at_entry if first else participation.age_at_entry
    return data


def entry_differences(participation: Participation) -> dict[str, tuple]:
    """Frozen entry fields that the client record now answers differently: {field: (frozen, now)}."""
    if not participation.entry_frozen:
        return {}
    now = current_entry_data(participation)
    return {
        name: (getattr(participation, name), now[name])
        for name in CORRECTABLE_FIELDS
        if getattr(participation, name) != now[name]
    }


def correct_participation(actor, participation: Participation, *, reason: str, **fields) -> ParticipationCorrection:
    """Correct frozen entry data, with a reason; the change and its reason stay on the record."""
    if not participation.entry_frozen:
        raise ReportError(_("These entry data are not frozen yet: correct the client record instead."), "reason")
    reason = (reason or "").strip()
    if not reason:
        raise ReportError(_("Give the reason for the correction."), "reason")
    if len(reason) > 2000:
        raise ReportError(_("Use at most %(n)d characters.", n=2000), "reason")
    clean = _clean_entry(fields)
    for name, value in clean.items():
        setattr(participation, name, value)
    changes = audit.changes_of(participation, CORRECTABLE_FIELDS)
    if not changes:
        raise ReportError(_("Nothing was changed."), "reason")
    correction = ParticipationCorrection(participation=participation, changes=changes, reason=reason, by=actor)
    db.session.add(correction)
    audit.record(actor, "participation_corrected", participation, changes=changes)
    return correction


def _clean_entry(fields: dict) -> dict:
    clean = {name: value for name, value in fields.items() if name in CORRECTABLE_FIELDS}
    if clean.get("gender") is not None:
        clean["gender"] = Gender(clean["gender"])
    for name in CHARACTERISTICS:
        if clean.get(name) is not None:
            clean[name] = Answer(clean[name])
    if "labour_status" in clean:
        clean["labour_status"] = LabourStatus(clean["labour_status"]) if clean["labour_status"] else None
    status = clean.get("labour_status")
    flags = {
        "long_term_unemployed": LabourStatus.UNEMPLOYED,
        "in_education_or_training": LabourStatus.INACTIVE,
        "self_employed": LabourStatus.EMPLOYED,
    }
    for flag, needs in flags.items():
        if flag in clean:
            clean[flag] = bool(clean[flag])
            if clean[flag] and status is not needs:
                raise ReportError(
                    _("This applies only when the labour-market status is “%(status)s”.", status=needs.label), flag
                )
    if clean.get("isced_level") is not None and not 0 <= int(clean["isced_level"]) <= 8:
        raise ReportError(_("The ISCED level must be a number from 0 to 8."), "isced_level")
    if clean.get("age_at_entry") is not None and not 0 <= int(clean["age_at_entry"]) <= 120:
        raise ReportError(_("Give the age as a number from 0 to 120."), "age_at_entry")
    if "entry_date" in clean and clean["entry_date"] is None:
        raise ReportError(_("A value is required."), "entry_date")
    return clean


RESULT_FIELDS = ["qualification_gained", "responded", "better_situation"]


def record_results(
    actor,
    participation: Participation,
    version=None,
    *,
    qualification_gained: bool,
    responded: bool | None,
    better_situation: BetterSituation | None,
) -> RecordedResult:
    """Record the results the case does not hold: a qualification at exit, the follow-up answer, a better
    situation (only for people employed at entry)."""
    result = participation.result
    if result is not None and version not in (None, "") and str(version) != str(result.version):
        raise ReportError(
            _(
                "Someone else saved these results while you were editing them. Reload the page to see "
                "their changes, then apply yours again."
            ),
            "version",
        )
    better_situation = BetterSituation(better_situation) if better_situation else None
    if better_situation is not None and participation.labour_status is not LabourStatus.EMPLOYED:
        raise ReportError(
            _("A better labour-market situation applies only to people employed at entry."), "better_situation"
        )
    if better_situation is not None and responded is False:
        raise ReportError(_("A person who did not answer cannot have a recorded better situation."), "better_situation")
    creating = result is None
    if result is None:
        result = RecordedResult(participation=participation)
        db.session.add(result)
    result.qualification_gained = bool(qualification_gained)
    result.responded = responded
    result.better_situation = better_situation
    result.updated_by = actor
    changes = audit.snapshot(result, RESULT_FIELDS) if creating else audit.changes_of(result, RESULT_FIELDS)
    audit.record(actor, "participation_results_recorded", participation, changes=changes)
    return result


def project_periods(until: date | None = None) -> list[HalfYear]:
    """The project's half-years up to the one containing `until` (today), newest first."""
    settings = network.project_settings()
    last = HalfYear.containing(until or today())
    if settings is None:
        return [last]
    last = min(last, HalfYear.containing(settings.ends_on))
    periods, period = [], HalfYear.containing(settings.starts_on)
    while period <= last:
        periods.append(period)
        period = period.next()
    return list(reversed(periods)) or [last]
