"""The report as data for people outside the system: charts, JSON, CSV, XLSX, PDF.

Everything here works on the plain dictionary of services.Report.as_dict(), never on ORM objects.
"""

import io
import json
from datetime import UTC, date, datetime

from babel.dates import format_date, format_datetime
from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Font

from isok import spreadsheets
from isok.network.models import RuleSet
from isok.reports import charts
from isok.translation import force_locale
from isok.translation import gettext as _
from isok.translation import lazy_gettext as _l

GENDERS = ("women", "men", "other")
FORMATS = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class PdfUnavailable(RuntimeError):
    """The sandboxed PDF renderer (isok.pdf) is not installed."""


# --- charts -----------------------------------------------------------------------------------------------------


def report_charts(data: dict) -> list[charts.Chart]:
    """The report's charts: entries and exits over time, the labour-market status at entry, target progress."""
    result = []
    if data["timeline"]:
        result.append(
            charts.bar_chart(
                "chart-timeline",
                _("Entries and exits per half-year"),
                _("Participants entering and leaving in each half-year since the project started."),
                [point["period"] for point in data["timeline"]],
                [
                    (_("Entered"), [point["entrants"] for point in data["timeline"]]),
                    (_("Left"), [point["leavers"] for point in data["timeline"]]),
                ],
            )
        )
    status = next(table for table in data["tables"] if table["key"] == "labour_status")
    rows = [row for row in status["rows"] if row["key"] in ("unemployed", "inactive", "employed")]
    names = {"women": _("Women"), "men": _("Men"), "other": _("Other")}
    shown = [g for g in GENDERS if g != "other" or any(row["cells"].get("other") for row in rows)]
    result.append(
        charts.bar_chart(
            "chart-status",
            _("Labour-market status at entry"),
            _("Participants entering by labour-market status at entry, women and men."),
            [row["label"] for row in rows],
            [(names[g], [row["cells"].get(g) for row in rows]) for g in shown],
        )
    )
    targets = next(table for table in data["tables"] if table["key"] == "targets")
    if targets["rows"]:
        result.append(
            charts.progress_chart(
                "chart-targets",
                _("Progress towards the targets"),
                _("Cumulative realised values against each target of the project."),
                [(row["label"], row["cells"]["value"], row["cells"]["target"]) for row in targets["rows"]],
                _("Realised"),
                _("Target"),
            )
        )
    return result


# --- files ------------------------------------------------------------------------------------------------------


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _all_tables(data: dict) -> list[dict]:
    return [*data["tables"], data["data_quality"]]


SCOPES = {"period": _l("The period"), "cumulative": _l("Cumulative since the project start")}


def describe(data: dict, lang: str) -> dict:
    """What a reader needs to know about the report, in words and in the language's own date formats: no internal
    keys, no raw timestamps."""
    generated = datetime.fromisoformat(data["generated_at"])
    return {
        "scope": str(SCOPES[data["scope"]]),
        "rule_set": str(RuleSet(data["rule_set"]).label),
        "from": format_date(date.fromisoformat(data["from"]), locale=lang) if data["from"] else "",
        "to": format_date(date.fromisoformat(data["to"]), locale=lang),
        "generated": format_datetime(generated, "short", tzinfo=UTC, locale=lang) + " UTC",
        "suppression": (
            _(
                "Numbers below %(k)d people are hidden (“<%(k)d”), and some others (“x”) so that no hidden "
                "number can be worked out from the figures published for the project in any period.",
                k=data["suppression"]["threshold"],
            )
            if data.get("suppression")
            else None
        ),
    }


def _table_name(table: dict) -> str:
    return f"{table['number']}. {table['title']}" if table["number"] else table["title"]


def to_csv(data: dict, lang: str = "en") -> bytes:
    """One line per cell: period, scope, table, ESF code, indicator, column, value (a "long" table every tool can
    pivot), all in words; a public report starts with how small numbers were hidden."""
    about = describe(data, lang)
    labels = column_labels(data)
    out = io.StringIO()
    writer = spreadsheets.CsvWriter(out)
    if about["suppression"]:
        writer.writerow([about["suppression"]])
    writer.writerow([_("Period"), _("Figures for"), _("Table"), _("ESF code"), _("Indicator"), _("Column"), _("Value")])
    for table in _all_tables(data):
        for row in table["rows"]:
            for column in table["columns"]:
                writer.writerow(
                    [
                        data["period"],
                        about["scope"],
                        _table_name(table),
                        row["code"] or "",
                        row["label"],
                        labels.get(column, column),
                        row["cells"].get(column),
                    ]
                )
    return out.getvalue().encode("utf-8-sig")


SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
SHEET_NAME_LENGTH = 31  # Excel's limit
BOLD = Font(bold=True)


def _sheet_title(table: dict, taken: set[str]) -> str:
    """The table's number and as many whole words of its title as fit, unique in the workbook."""
    words = (
        (f"{table['number']} {table['title']}" if table["number"] else table["title"])
        .translate(SHEET_FORBIDDEN)
        .split()
    )
    title = words[0][:SHEET_NAME_LENGTH]
    for word in words[1:]:
        if len(title) + 1 + len(word) > SHEET_NAME_LENGTH:
            break
        title += " " + word
    unique, n = title, 2
    while unique.casefold() in taken:
        suffix = f" ({n})"
        unique, n = title[: SHEET_NAME_LENGTH - len(suffix)].rstrip() + suffix, n + 1
    taken.add(unique.casefold())
    return unique


def _header(sheet, values: list, about: dict) -> None:
    """A sheet's first rows: its title (bold), how small numbers were hidden (public reports), the column heads
    (bold); the panes are frozen below them."""
    spreadsheets.append_row(sheet, [values[0]])
    sheet.cell(row=1, column=1).font = BOLD
    if about["suppression"]:
        spreadsheets.append_row(sheet, [about["suppression"]])
    spreadsheets.append_row(sheet, values[1:])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    sheet.freeze_panes = sheet.cell(row=sheet.max_row + 1, column=3 if len(values) > 3 else 1)


def to_xlsx(data: dict, lang: str = "en") -> bytes:
    """One sheet per table; figures are numbers, hidden cells the text "<5" or "x"."""
    about = describe(data, lang)
    workbook = Workbook()
    taken = set()
    summary = workbook.active
    summary.title = _sheet_title({"number": 0, "title": _("Report")}, taken)
    _header(summary, [_("ESF report %(period)s", period=data["period"]), _("Item"), _("Value")], about)
    project = data.get("project") or {}
    for label, value in (
        (_("Project"), project.get("name")),
        (_("Project code"), project.get("code")),
        (_("Period"), data["period"]),
        (_("Figures for"), about["scope"]),
        (_("From"), about["from"]),
        (_("To"), about["to"]),
        (_("Indicator definitions"), about["rule_set"]),
        (_("Generated"), about["generated"]),
    ):
        spreadsheets.append_row(summary, [label, value])
    for check in data["checks"]:
        spreadsheets.append_row(summary, [check["label"], _("passed") if check["ok"] else _("FAILED")])
    summary.column_dimensions["A"].width = 60
    labels = column_labels(data)
    for table in _all_tables(data):
        sheet = workbook.create_sheet(_sheet_title(table, taken))
        _header(
            sheet,
            [_table_name(table), _("ESF code"), _("Indicator"), *(labels.get(c, c) for c in table["columns"])],
            about,
        )
        for row in table["rows"]:
            spreadsheets.append_row(
                sheet,
                [
                    row["code"] or "",
                    ("  " * row["level"]) + row["label"],
                    *(row["cells"].get(column) for column in table["columns"]),
                ],
            )
        if table["note"]:
            spreadsheets.append_row(sheet, [])
            spreadsheets.append_row(sheet, [table["note"]])
        sheet.column_dimensions["B"].width = 60
    if data["narrative"] or data["steering_meetings"]:
        sheet = workbook.create_sheet(_sheet_title({"number": 10, "title": _("Narrative")}, taken))
        _header(sheet, [_("Narrative and steering committee"), _("Section"), _("Text")], about)
        for section in data["narrative"]:
            spreadsheets.append_row(sheet, [section["label"], section["text"]])
        for meeting in data["steering_meetings"]:
            held_on = format_date(date.fromisoformat(meeting["held_on"]), locale=lang)
            spreadsheets.append_row(sheet, [_("Steering committee %(date)s", date=held_on), meeting["decisions"] or ""])
    return spreadsheets.xlsx_bytes(workbook)


def _column_label(column: str) -> str:
    return {"target": _("Target"), "value": _("Realised"), "percent": _("Realised (%)")}.get(column, column)


def column_labels(data: dict) -> dict:
    return {**{c: _column_label(c) for c in ("target", "value", "percent")}, **data["columns"]}


PDF_TEMPLATE = "reports/pdf.html"


def shown_columns(data: dict, table: dict) -> list[str]:
    """A table's columns, without "other" gender when nobody in the report has it recorded."""
    shows_other = any(
        isinstance(row["cells"].get("other"), int | str) and row["cells"].get("other") not in (0, None)
        for t in data["tables"]
        for row in t["rows"]
    )
    return [c for c in table["columns"] if c != "other" or shows_other]


def pdf_context(data: dict, lang: str) -> dict:
    return {
        "data": data,
        "about": describe(data, lang),
        "charts": report_charts(data),
        "column_labels": column_labels(data),
        "shown_columns": shown_columns,
    }


def pdf_html(data: dict, lang: str) -> str:
    """The HTML the PDF is rendered from, in the given language."""
    with force_locale(lang):
        template = current_app.jinja_env.get_template(PDF_TEMPLATE)
        return template.render(**pdf_context(data, lang), document_lang=lang, document_dir="ltr")


def to_pdf(data: dict, lang: str) -> bytes:
    """Render the report to PDF through the sandboxed renderer of isok.pdf (its fetcher refuses every URL)."""
    try:
        from isok.pdf import render_pdf
    except ImportError as error:
        raise PdfUnavailable(str(error)) from error
    return render_pdf(PDF_TEMPLATE, pdf_context(data, lang), lang=lang)


def export(data: dict, fmt: str, lang: str = "en") -> bytes:
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        return to_csv(data, lang)
    if fmt == "xlsx":
        return to_xlsx(data, lang)
    if fmt == "pdf":
        return to_pdf(data, lang)
    raise ValueError(fmt)
