"""The catalogue's reports, as plain tables: a course's participant list, participants and completion per
organisation and period, and the billing statement per payer under the network's pricing rules. Each table goes to
the page, to CSV and to XLSX (through isok.spreadsheets: no typed formula reaches a spreadsheet).
"""

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from sqlalchemy import Select, case, func, select

from isok import spreadsheets
from isok.catalogue.models import Completion, Course, CourseStatus, Enrolment, EnrolmentStatus, PricingRule
from isok.extensions import db
from isok.translation import gettext as _


@dataclass
class Table:
    """Column titles and rows of plain values (text, numbers, dates); money in euros as numbers."""

    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    totals: list | None = None


# --- a course's participants -----------------------------------------------------------------------------------


def participant_list(course: Course, enrolments: list[Enrolment]) -> Table:
    columns = [
        _("Name"),
        _("E-mail"),
        _("Organisation"),
        _("Status"),
        _("Enrolled"),
        _("Paid by"),
        _("Business ID"),
        _("Reference"),
        _("Price (€)"),
        _("Cancellation charge (€)"),
        _("Completion"),
        _("Grade"),
        _("Completed on"),
    ]
    if course.programme:
        columns[3:3] = [_("Role"), _("Gender")]
    rows = []
    for e in enrolments:
        row = [
            e.name,
            e.email or "",
            e.organisation_name,
            str(e.status.label),
            e.enrolled_at.date(),
            e.payer_name or "",
            e.payer_business_id or "",
            e.payer_reference or "",
            e.price_cents / 100,
            e.cancellation_charge_cents / 100,
            str(e.completion.label) if e.completion else "",
            e.grade if e.grade is not None else "",
            e.completed_on or "",
        ]
        if course.programme:
            row[3:3] = [str(e.role.label) if e.role else "", str(e.gender.label) if e.gender else ""]
        rows.append(row)
    return Table(_("Participants: %(course)s", course=course.text("title")), columns, rows)


# --- participants and completion per organisation and period ----------------------------------------------------


def completion_report(courses: Select, since: date, until: date, organisation_id: int | None = None) -> Table:
    """Per course that started in the period: seats held, completed, not completed, not recorded, waiting,
    cancelled."""
    scoped = courses.where(Course.starts_on >= since, Course.starts_on <= until)
    if organisation_id:
        scoped = scoped.where(Course.organisation_id == organisation_id)
    ids = scoped.with_only_columns(Course.id)
    confirmed = Enrolment.status == EnrolmentStatus.CONFIRMED

    def counted(condition):
        return func.count(case((condition, 1)))

    rows = db.session.execute(
        select(
            Course,
            counted(confirmed),
            counted(confirmed & (Enrolment.completion == Completion.COMPLETED)),
            counted(confirmed & (Enrolment.completion == Completion.NOT_COMPLETED)),
            counted(confirmed & Enrolment.completion.is_(None)),
            counted(Enrolment.status == EnrolmentStatus.WAITING),
            counted(Enrolment.status == EnrolmentStatus.CANCELLED),
        )
        .outerjoin(Enrolment, Enrolment.course_id == Course.id)
        .where(Course.id.in_(ids))
        .group_by(Course.id)
        .order_by(Course.starts_on, Course.id)
    ).all()
    table = Table(
        _("Participants and completion %(since)s – %(until)s", since=since.isoformat(), until=until.isoformat()),
        [
            _("Course"),
            _("Offered by"),
            _("Starts"),
            _("Ends"),
            _("Status"),
            _("Seats"),
            _("Participants"),
            _("Completed"),
            _("Not completed"),
            _("Not recorded"),
            _("Waiting"),
            _("Cancelled"),
        ],
    )
    for course, *counts in rows:
        table.rows.append(
            [
                course.text("title"),
                course.organisation.name,
                course.starts_on,
                course.ends_on,
                str(course.status.label),
                course.seats,
                *counts,
            ]
        )
    table.totals = [
        _("Total"),
        "",
        "",
        "",
        "",
        sum(r[5] for r in table.rows),
        *(sum(r[i] for r in table.rows) for i in range(6, 12)),
    ]
    return table


# --- billing statement -----------------------------------------------------------------------------------------


@dataclass
class BillingLine:
    payer: str
    business_id: str
    course: Course
    participants: int  # seats billed
    cancellations: int  # late cancellations charged
    amount_cents: int
    references: list[str]


def billing_lines(courses: Select, since: date, until: date) -> list[BillingLine]:
    """What each paying organisation owes for the courses that started in the period, under the terms each
    enrolment accepted: the frozen price of every seat held and every late-cancellation charge; a per-course fee
    once per payer and course (or its late-cancellation charge, if every seat of that payer was cancelled late).
    Courses the provider cancelled, waiting places and free enrolments owe nothing."""
    ids = courses.where(
        Course.starts_on >= since, Course.starts_on <= until, Course.status != CourseStatus.CANCELLED
    ).with_only_columns(Course.id)
    rows = db.session.execute(
        select(
            Enrolment.payer_business_id,
            Enrolment.payer_name,
            Enrolment.course_id,
            Enrolment.pricing_rule,
            Enrolment.status,
            Enrolment.price_cents,
            Enrolment.cancellation_charge_cents,
            Enrolment.payer_reference,
        ).where(
            Enrolment.course_id.in_(ids),
            Enrolment.payer_business_id.is_not(None),
            (Enrolment.status == EnrolmentStatus.CONFIRMED)
            | ((Enrolment.status == EnrolmentStatus.CANCELLED) & (Enrolment.cancellation_charge_cents > 0)),
        )
    ).all()
    groups: dict[tuple[str, int], list] = defaultdict(list)
    for row in rows:
        groups[(row.payer_business_id, row.course_id)].append(row)
    courses_by_id = {
        c.id: c
        for c in db.session.scalars(select(Course).where(Course.id.in_({course_id for _bid, course_id in groups})))
    }
    lines = []
    for (business_id, course_id), items in groups.items():
        seats = [r for r in items if r.status is EnrolmentStatus.CONFIRMED]
        charged = [r for r in items if r.status is EnrolmentStatus.CANCELLED]
        if items[0].pricing_rule is PricingRule.PER_COURSE:
            amount = max(r.price_cents for r in seats) if seats else max(r.cancellation_charge_cents for r in charged)
        else:
            amount = sum(r.price_cents for r in seats) + sum(r.cancellation_charge_cents for r in charged)
        if amount == 0:
            continue
        lines.append(
            BillingLine(
                items[0].payer_name or "",
                business_id,
                courses_by_id[course_id],
                len(seats),
                len(charged),
                amount,
                sorted({r.payer_reference for r in items if r.payer_reference}),
            )
        )
    return sorted(
        lines, key=lambda line: (line.payer.casefold(), line.business_id, line.course.starts_on, line.course.id)
    )


def billing_statement(lines: list[BillingLine], since: date, until: date) -> Table:
    table = Table(
        _("Billing statement %(since)s – %(until)s", since=since.isoformat(), until=until.isoformat()),
        [
            _("Paying organisation"),
            _("Business ID"),
            _("Reference"),
            _("Course"),
            _("Offered by"),
            _("Starts"),
            _("Pricing rule"),
            _("Seats billed"),
            _("Late cancellations"),
            _("Amount (€)"),
        ],
    )
    for line in lines:
        table.rows.append(
            [
                line.payer,
                line.business_id,
                ", ".join(line.references),
                line.course.text("title"),
                line.course.organisation.name,
                line.course.starts_on,
                str(line.course.pricing_rule.label),
                line.participants,
                line.cancellations,
                line.amount_cents / 100,
            ]
        )
    table.totals = [
        _("Total"),
        "",
        "",
        "",
        "",
        "",
        "",
        sum(line.participants for line in lines),
        sum(line.cancellations for line in lines),
        sum(line.amount_cents for line in lines) / 100,
    ]
    return table


def payer_totals(lines: list[BillingLine]) -> list[tuple[str, str, int]]:
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for line in lines:
        totals[(line.payer, line.business_id)] += line.amount_cents
    return [(payer, business_id, cents) for (payer, business_id), cents in totals.items()]


# --- files -----------------------------------------------------------------------------------------------------


def _cell(value):
    return value.isoformat() if isinstance(value, date) else value


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = spreadsheets.CsvWriter(out)
    writer.writerow(table.columns)
    for row in table.rows + ([table.totals] if table.totals else []):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue().encode("utf-8-sig")  # with a BOM, so spreadsheet programs read UTF-8


def xlsx_bytes(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31].replace("/", "-").replace(":", "")
    spreadsheets.append_row(sheet, table.columns)
    for row in table.rows + ([table.totals] if table.totals else []):
        spreadsheets.append_row(sheet, row)
    return spreadsheets.xlsx_bytes(workbook)


FORMATS = {
    "csv": ("text/csv; charset=utf-8", csv_bytes),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx_bytes),
}
