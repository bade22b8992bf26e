import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from isok import imports
from isok.accounts import services
from isok.accounts.models import Organisation, OrganisationType
from isok.extensions import db
from isok.imports import Column, ImportFileError, iter_table, parse_choice, parse_date, read_table, run_import

COLUMNS = [
    Column("name", required=True),
    Column("type", parse=parse_choice({t.value: t for t in OrganisationType}), required=True),
    Column("business_id"),
    Column("since", parse=parse_date),
]


def apply(values):
    services.create_organisation(
        None,
        name=values["name"],
        type=values["type"],
        size_class=None,
        business_id=values["business_id"],
        municipality=None,
    )
    return values["name"]


def organisations():
    return db.session.scalar(select(func.count()).select_from(Organisation))


def csv_rows(text):
    return read_table("orgs.csv", io.BytesIO(text.encode()))


def test_a_clean_file_is_applied_whole(app):
    rows = csv_rows("name;type;business_id;since\nAlpha Oy;company;0172195-0;5.3.2026\nBeta ry;other;;2026-01-02\n")
    report = run_import(rows, COLUMNS, apply, dry_run=False)
    db.session.commit()
    assert report.ok and report.applied == ["Alpha Oy", "Beta ry"]
    assert organisations() == 2


def test_a_dry_run_shows_the_rows_and_changes_nothing(app):
    rows = csv_rows("name,type\nAlpha Oy,company\n")
    report = run_import(rows, COLUMNS, apply, dry_run=True)
    db.session.commit()
    assert report.ok and report.applied == ["Alpha Oy"]
    assert organisations() == 0


def test_one_bad_row_stops_the_whole_file_and_every_error_is_reported_by_line(app):
    rows = csv_rows("name,type,business_id,since\nAlpha Oy,company,,\nBeta ry,castle,,\nGamma,company,,31.2.2026\n")
    report = run_import(rows, COLUMNS, apply, dry_run=False)
    db.session.commit()
    assert organisations() == 0
    assert [(e.line, e.column) for e in report.errors] == [(3, "type"), (4, "since")]
    assert "Unknown value" in report.errors[0].message


def test_a_service_refusal_is_reported_on_its_line(app):
    rows = csv_rows("name,type\nAlpha Oy,company\nalpha oy,company\n")
    report = run_import(rows, COLUMNS, apply, dry_run=False)
    db.session.commit()
    assert [(e.line, e.column) for e in report.errors] == [(3, "name")]
    assert organisations() == 0


def test_unknown_and_missing_columns_are_named(app):
    report = run_import(csv_rows("nimi,type\nAlpha,company\n"), COLUMNS, apply, dry_run=False)
    assert {(e.line, e.column) for e in report.errors} == {(1, "nimi"), (1, "name")}


def test_xlsx_is_read_with_dates_and_numbers_as_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Since", "Count"])
    sheet.append(["Alpha", date(2026, 3, 5), 7])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert read_table("orgs.xlsx", buffer) == [{"name": "Alpha", "since": "2026-03-05", "count": "7"}]


@pytest.mark.parametrize(
    ("filename", "content"), [("orgs.pdf", b"%PDF-1.7"), ("orgs.csv", b""), ("orgs.csv", "n\xe4me\n".encode("latin-1"))]
)
def test_unreadable_files_are_refused_as_a_whole(filename, content, app):
    with app.test_request_context(), pytest.raises(ImportFileError):
        read_table(filename, io.BytesIO(content))


def test_a_streamed_file_is_read_as_its_rows_are_taken_and_refused_past_the_limit(app, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    rows = iter_table("orgs.csv", io.BytesIO(b"name;type\nAlpha;company\nBeta;other\nGamma;other\n"))
    assert next(rows) == {"name": "Alpha", "type": "company"}
    assert next(rows) == {"name": "Beta", "type": "other"}
    with app.test_request_context(), pytest.raises(ImportFileError):
        next(rows)
