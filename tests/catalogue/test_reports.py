"""The catalogue's reports: a course's participants, participants and completion per organisation and period, the
billing statement per payer under the rules, as pages, CSV and XLSX."""

import csv
import io
from datetime import date, timedelta

import pytest
from flask_login import AnonymousUserMixin
from openpyxl import load_workbook

from isok.accounts.models import Role
from isok.catalogue import access, reports, services
from isok.catalogue.models import Completion
from isok.catalogue.services import Payer, Person
from isok.extensions import db
from tests.catalogue.conftest import TODAY, course_fields, outside_payer, outside_person

YEAR = (date(TODAY.year, 1, 1), date(TODAY.year, 12, 31))


def outside(course, name, **payer):
    enrolment, _token = services.enrol(
        AnonymousUserMixin(), course, outside_person(name), outside_payer(**payer), accept_terms=True
    )
    return enrolment


@pytest.fixture
def billed(make_course, counsellor, publisher):
    """A per-participant course (two outside seats, one late cancellation, one waiting), a per-course course (two
    seats of one payer: one fee), a free course for members, and a course its provider cancelled."""
    start = min(20, (YEAR[1] - TODAY).days)  # stay in this calendar year
    per_seat = make_course(
        title={"fi": "Per osallistuja"}, seats=3, starts_in=start, enrolment_closes_on=TODAY + timedelta(days=start - 1)
    )
    outside(per_seat, "Anna")
    late = outside(per_seat, "Bert", reference="PO-99")
    services.enrol(
        counsellor,
        per_seat,
        Person(name=counsellor.name, user=counsellor),
        Payer(contact="L", email="l@example.org", business_id="0172195-0"),
        accept_terms=True,
    )
    waiting = outside(per_seat, "Cecilia")
    late.free_cancellation_until = TODAY - timedelta(days=1)  # as if accepted with an earlier date
    services.cancel_enrolment(None, late)  # 50 % of 120 €
    per_course = make_course(
        title={"fi": "Per kurssi"},
        pricing_rule="per_course",
        member_fee=400,
        outside_fee=900,
        starts_in=start,
        enrolment_closes_on=TODAY + timedelta(days=start - 1),
    )
    outside(per_course, "Dora")
    outside(per_course, "Erik")
    free = make_course(
        title={"fi": "Ilmainen"},
        pricing_rule="free_for_members",
        member_fee=0,
        outside_fee=50,
        starts_in=start,
        enrolment_closes_on=TODAY + timedelta(days=start - 1),
    )
    services.enrol(counsellor, free, Person(name=counsellor.name, user=counsellor), Payer(), accept_terms=False)
    gone = make_course(title={"fi": "Peruttu"}, starts_in=start, enrolment_closes_on=TODAY + timedelta(days=start - 1))
    outside(gone, "Frida")
    services.cancel_course(publisher, gone, "Teacher ill")
    db.session.commit()
    return {"per_seat": per_seat, "per_course": per_course, "waiting": waiting}


def test_the_billing_statement_follows_the_accepted_terms(app, billed, manager):
    lines = reports.billing_lines(access.reported_courses(manager), *YEAR)
    got = {
        (line.business_id, line.course.text("title")): (line.participants, line.cancellations, line.amount_cents)
        for line in lines
    }
    assert got == {
        # Anna's seat, Cecilia's (moved up from the waiting list when Bert cancelled) and Bert's late share
        ("2345670-5", "Per osallistuja"): (2, 1, 12000 + 12000 + 6000),
        ("0172195-0", "Per osallistuja"): (1, 0, 6000),  # the counsellor's organisation at the member price
        ("2345670-5", "Per kurssi"): (2, 0, 90000),  # one fee for two seats of one payer
    }
    assert sorted(reports.payer_totals(lines)) == [
        ("Etelä-Savon koulutuskeskus Oy", "2345670-5", 120000),
        ("Guidance Centre", "0172195-0", 6000),
    ]
    assert next(line for line in lines if line.amount_cents == 30000).references == ["PO-17", "PO-99"]
    statement = reports.billing_statement(lines, *YEAR)
    assert statement.totals[-1] == 1260.0 and statement.totals[-3] == 5


def test_the_completion_report_counts_per_course(app, billed, publisher, manager, provider):
    started = make_started(publisher)
    held = services.record_participant(publisher, started, Person(name="Greta", organisation=provider))
    services.record_participant(publisher, started, Person(name="Hans", organisation=provider))
    services.record_completion(publisher, held, completion=Completion.COMPLETED, grade=4)
    table = reports.completion_report(access.reported_courses(manager), started.starts_on, YEAR[1])
    rows = {row[0]: row[5:] for row in table.rows}
    assert rows["Per osallistuja"] == [3, 3, 0, 0, 3, 0, 1]  # seats, held, completed, not, unrecorded, waiting, gone
    assert rows["Alkanut"] == [2, 2, 1, 0, 1, 0, 0]
    assert rows["Peruttu"][1:] == [0, 0, 0, 0, 0, 1]
    assert table.totals[6] == 8  # seats held across the courses: 3 + 2 + 1 (free) + 2 + 0
    assert (
        reports.completion_report(
            access.reported_courses(manager), started.starts_on, YEAR[1], organisation_id=987654
        ).rows
        == []
    )


def make_started(publisher):
    course = services.create_course(
        publisher,
        publish=True,
        **course_fields(
            publisher.organisation,
            title={"fi": "Alkanut"},
            starts_in=-1,
            enrolment_opens_on=TODAY - timedelta(days=9),
            enrolment_closes_on=TODAY - timedelta(days=1),
        ),
    )
    db.session.commit()
    return course


def test_reports_download_as_csv_and_xlsx_without_formulas(client, login, billed, manager, publisher):
    sneaky = outside(billed["per_seat"], '=HYPERLINK("http://evil.example")', reference="@SUM(1)")
    db.session.commit()
    login(manager)
    page = client.get("/courses/billing")
    assert page.status_code == 200 and "Etelä-Savon koulutuskeskus Oy" in page.get_data(as_text=True)
    response = client.get("/courses/billing.csv")
    assert response.mimetype == "text/csv" and response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Paying organisation" and rows[-1][0] == "Total"
    workbook = load_workbook(io.BytesIO(client.get("/courses/billing.xlsx").data))
    values = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert 1260.0 in values  # amounts stay numbers (the total; the new person waits, owing nothing)
    client.post("/logout")
    login(publisher)  # the participant list is the offering organisation's
    listed = client.get(f"/courses/manage/{billed['per_seat'].id}/participants.csv").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(listed.lstrip("\ufeff"))) for cell in row]
    assert "'@SUM(1)" in cells and "'" + sneaky.name in cells  # typed formulas stay text
    participants = client.get(f"/courses/manage/{billed['per_seat'].id}/participants.xlsx")
    sheet = load_workbook(io.BytesIO(participants.data)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert sneaky.name in names and all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert client.get(f"/courses/manage/{billed['per_seat'].id}/participants.pdf").status_code == 404
    assert client.get("/courses/reports.csv").status_code == 200


def test_an_organisation_reports_on_its_own_courses_only(client, login, billed, make_user, make_organisation):
    other = make_user(Role.TEACHER, organisation=make_organisation(name="Elsewhere"))
    login(other)
    assert "Etelä-Savon" not in client.get("/courses/billing").get_data(as_text=True)
    assert client.get(f"/courses/manage/{billed['per_seat'].id}/participants.csv").status_code == 404


def test_the_billing_statement_command_writes_csv_and_xlsx(app, runner, billed, tmp_path):
    result = runner.invoke(args=["billing-statement", "--since", YEAR[0].isoformat(), "--until", YEAR[1].isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("Paying organisation,Business ID")
    assert "2345670-5" in result.output
    target = tmp_path / "billing.xlsx"
    result = runner.invoke(
        args=[
            "billing-statement",
            "--since",
            YEAR[0].isoformat(),
            "--until",
            YEAR[1].isoformat(),
            "--xlsx",
            str(target),
        ]
    )
    assert result.exit_code == 0 and load_workbook(target).active.max_row == 5  # header, 3 lines, total
    wrong = runner.invoke(args=["billing-statement", "--since", "2026-12-31", "--until", "2026-01-01"])
    assert wrong.exit_code != 0
