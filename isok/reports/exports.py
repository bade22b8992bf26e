"""The report as data for people outside the system: charts, JSON, CSV, XLSX, PDF.

Everything here works on the plain dictionary of services.Report.as_dict(), never on ORM objects.
"""

import io
import json

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Font

from isok import spreadsheets
from isok.reports import charts
from isok.translation import force_locale
from isok.translation import gettext as _

GENDERS = ("women", "men", "other")
FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


class PdfUnavailable(RuntimeError):
    """The sandboxed PDF renderer (isok.pdf) is not installed."""


# --- charts -----------------------------------------------------------------------------------------------------

def report_charts(data: dict) -> list[charts.Chart]:
    """The report's charts: entries and exits over time, the labour-market status at entry, target progress."""
    result = []
    if data["timeline"]:
        result.append(charts.bar_chart(
            "chart-timeline", _("Entries and exits per half-year"),
            _("Participants entering and leaving in each half-year since the project started."),
            [point["period"] for point in data["timeline"]],
            [(_("Entered"), [point["entrants"] for point in data["timeline"]]),
             (_("Left"), [point["leavers"] for point in data["timeline"]])]))
    status = next(table for table in data["tables"] if table["key"] == "labour_status")
    rows = [row for row in status["rows"] if row["key"] in ("unemployed", "inactive", "employed")]
    names = {"women": _("Women"), "men": _("Men"), "other": _("Other")}
    shown = [g for g in GENDERS if g != "other" or any(row["cells"].get("other") for row in rows)]
    result.append(charts.bar_chart(
        "chart-status", _("Labour-market status at entry"),
        _("Participants entering by labour-market status at entry, women and men."),
        [row["label"] for row in rows], [(names[g], [row["cells"].get(g) for row in rows]) for g in shown]))
    targets = next(table for table in data["tables"] if table["key"] == "targets")
    if targets["rows"]:
        result.append(charts.progress_chart(
            "chart-targets", _("Progress towards the targets"),
            _("Cumulative realised values against each target of the project."),
            [(row["label"], row["cells"]["value"], row["cells"]["target"]) for row in targets["rows"]],
            _("Realised"), _("Target")))
    return result


# --- files ------------------------------------------------------------------------------------------------------

def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _all_tables(data: dict) -> list[dict]:
    return [*data["tables"], data["data_quality"]]


def to_csv(data: dict) -> bytes:
    """One line per cell: table, row, ESF code, label, column, value (a "long" table every tool can pivot)."""
    out = io.StringIO()
    writer = spreadsheets.CsvWriter(out)
    writer.writerow(["period", "scope", "table", "table_title", "row", "code", "label", "column", "value"])
    for table in _all_tables(data):
        for row in table["rows"]:
            for column in table["columns"]:
                writer.writerow([data["period"], data["scope"], table["key"], table["title"], row["key"],
                                 row["code"] or "", row["label"], column, row["cells"].get(column)])
    return out.getvalue().encode("utf-8-sig")


SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(table: dict) -> str:
    prefix = f"{table['number']} " if table["number"] else ""
    return (prefix + table["title"]).translate(SHEET_FORBIDDEN)[:31]


def to_xlsx(data: dict) -> bytes:
    """One sheet per table; figures are numbers, hidden cells the text "<5" or "x"."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Report")[:31]
    project = data.get("project") or {}
    for label, value in ((_("Project"), project.get("name")), (_("Project code"), project.get("code")),
                         (_("Period"), data["period"]), (_("Scope"), data["scope"]), (_("From"), data["from"]),
                         (_("To"), data["to"]), (_("Rule set"), data["rule_set"]),
                         (_("Generated"), data["generated_at"])):
        spreadsheets.append_row(summary, [label, value])
    for check in data["checks"]:
        spreadsheets.append_row(summary, [check["label"], _("passed") if check["ok"] else _("FAILED")])
    columns = data["columns"]
    for table in _all_tables(data):
        sheet = workbook.create_sheet(_sheet_title(table))
        spreadsheets.append_row(sheet, [table["title"]])
        sheet["A1"].font = Font(bold=True)
        spreadsheets.append_row(sheet, [_("Code"), _("Indicator"),
                                        *(columns.get(c, _column_label(c)) for c in table["columns"])])
        for row in table["rows"]:
            spreadsheets.append_row(sheet, [row["code"] or "", ("  " * row["level"]) + row["label"],
                                            *(row["cells"].get(column) for column in table["columns"])])
        if table["note"]:
            spreadsheets.append_row(sheet, [])
            spreadsheets.append_row(sheet, [table["note"]])
        sheet.column_dimensions["B"].width = 60
    if data["narrative"] or data["steering_meetings"]:
        sheet = workbook.create_sheet(_("Narrative")[:31])
        for section in data["narrative"]:
            spreadsheets.append_row(sheet, [section["label"], section["text"]])
        for meeting in data["steering_meetings"]:
            spreadsheets.append_row(sheet, [_("Steering committee %(date)s", date=meeting["held_on"]),
                                            meeting["decisions"] or ""])
    return spreadsheets.xlsx_bytes(workbook)


def _column_label(column: str) -> str:
    return {"target": _("Target"), "value": _("Realised"), "percent": _("Realised (%)")}.get(column, column)


def column_labels(data: dict) -> dict:
    return {**{c: _column_label(c) for c in ("target", "value", "percent")}, **data["columns"]}


PDF_TEMPLATE = "reports/pdf.html"


def shown_columns(data: dict, table: dict) -> list[str]:
    """A table's columns, without "other" gender when nobody in the report has it recorded."""
    shows_other = any(isinstance(row["cells"].get("other"), int | str) and row["cells"].get("other") not in (0, None)
                      for t in data["tables"] for row in t["rows"])
    return [c for c in table["columns"] if c != "other" or shows_other]


def pdf_context(data: dict) -> dict:
    return {"data": data, "charts": report_charts(data), "column_labels": column_labels(data),
            "shown_columns": shown_columns}


def pdf_html(data: dict, lang: str) -> str:
    """The HTML the PDF is rendered from, in the given language."""
    with force_locale(lang):
        template = current_app.jinja_env.get_template(PDF_TEMPLATE)
        return template.render(**pdf_context(data), document_lang=lang, document_dir="ltr")


def to_pdf(data: dict, lang: str) -> bytes:
    """Render the report to PDF through the sandboxed renderer of isok.pdf (its fetcher refuses every URL)."""
    try:
        from isok.pdf import render_pdf
    except ImportError as error:
        raise PdfUnavailable(str(error)) from error
    return render_pdf(PDF_TEMPLATE, pdf_context(data), lang=lang)


def export(data: dict, fmt: str, lang: str = "en") -> bytes:
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        return to_csv(data)
    if fmt == "xlsx":
        return to_xlsx(data)
    if fmt == "pdf":
        return to_pdf(data, lang)
    raise ValueError(fmt)
