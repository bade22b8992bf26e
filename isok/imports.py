"""Spreadsheet imports (CSV and XLSX): read, check every row, then apply all rows or none.

A feature declares its columns and a function that applies one parsed row through its services. The whole file
runs inside a savepoint: a dry run (the preview) and any failing row roll everything back, and the user gets a
row-by-row report in their own language.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, BinaryIO

from openpyxl import load_workbook

from isok.extensions import db
from isok.translation import gettext as _

MAX_ROWS = 20_000


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, no header, too many rows)."""


class CellError(ValueError):
    """A cell's value is not acceptable; the message is shown in the row report."""


@dataclass
class Column:
    name: str
    parse: Callable[[str], Any] = str
    required: bool = False
    help: str = ""


@dataclass
class RowError:
    line: int  # the line in the file as a spreadsheet shows it (header = 1)
    column: str | None
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    applied: list[str] = field(default_factory=list)  # a short description per applied row, for the preview
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(filename: str, stream: BinaryIO) -> list[dict[str, str]]:
    """Read a CSV (UTF-8, comma or semicolon) or XLSX file into rows keyed by the header, as text."""
    name = (filename or "").lower()
    data = stream.read()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _csv_rows(data)
    else:
        raise ImportFileError(_("Upload a CSV or XLSX file."))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(n)d rows. Split it into smaller files.", n=MAX_ROWS))
    header = [cell.strip().lower() for cell in rows[0]]
    return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in rows[1:]]


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(_("Save the CSV file as UTF-8 text.")) from error
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from error
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def run_import(
    rows: list[dict[str, str]], columns: list[Column], apply_row: Callable[[dict[str, Any]], str], *, dry_run: bool
) -> ImportReport:
    """Check and apply every row inside one savepoint; keep the changes only if all rows pass and not dry_run.

    `apply_row` receives the parsed values and returns a short description of what it did; it raises CellError
    (or a service's ValueError) to refuse the row. The caller commits when the report is ok and not a dry run.
    """
    report = ImportReport(rows=len(rows), dry_run=dry_run)
    if _header_refused(rows, columns, report):
        return report
    savepoint = db.session.begin_nested()
    try:
        for index, raw in enumerate(rows, start=2):
            values, row_errors = _parse_row(index, raw, columns)
            if row_errors:
                report.errors.extend(row_errors)
                continue
            try:
                with db.session.begin_nested():
                    report.applied.append(apply_row(values))
                    db.session.flush()
            except (CellError, ValueError) as error:
                report.errors.append(RowError(index, getattr(error, "field", None), str(error)))
    finally:
        if dry_run or report.errors:
            savepoint.rollback()
        else:
            savepoint.commit()
    return report


def run_checked_import(
    rows: list[dict[str, str]],
    columns: list[Column],
    check: Callable[[list[tuple[int, dict[str, Any]]]], tuple[list, list[str], list[RowError]]],
    write: Callable[[list], None],
    *,
    dry_run: bool,
) -> ImportReport:
    """Set-based: check every row without writing, then write them all in one go, or none if any row is refused.

    For imports of many rows: `check` receives every parsed row as (line, values) and answers the items to write,
    a description of each for the preview, and the refused rows; `write` saves the items (services that flush
    once). The caller commits when the report is ok and not a dry run.
    """
    report = ImportReport(rows=len(rows), dry_run=dry_run)
    if _header_refused(rows, columns, report):
        return report
    parsed = []
    for line, raw in enumerate(rows, start=2):
        values, row_errors = _parse_row(line, raw, columns)
        report.errors.extend(row_errors)
        if not row_errors:
            parsed.append((line, values))
    items, report.applied, refused = check(parsed)
    report.errors = sorted([*report.errors, *refused], key=lambda error: error.line)
    if report.errors:
        report.applied = []
    elif not dry_run:
        with db.session.begin_nested():
            write(items)
    return report


def _header_refused(rows: list[dict[str, str]], columns: list[Column], report: ImportReport) -> bool:
    """Unknown and missing columns refuse the whole file before any row is read."""
    if rows:
        known = {column.name for column in columns}
        for name in sorted(set(rows[0]) - known - {""}):
            report.errors.append(RowError(1, name, _("Unknown column.")))
        for name in sorted(c.name for c in columns if c.required and c.name not in rows[0]):
            report.errors.append(RowError(1, name, _("This required column is missing.")))
    return bool(report.errors)


def _parse_row(line: int, raw: dict[str, str], columns: list[Column]) -> tuple[dict[str, Any], list[RowError]]:
    values, errors = {}, []
    for column in columns:
        text = (raw.get(column.name) or "").strip()
        if not text:
            if column.required:
                errors.append(RowError(line, column.name, _("A value is required.")))
            values[column.name] = None
            continue
        try:
            values[column.name] = column.parse(text)
        except (CellError, ValueError) as error:
            errors.append(RowError(line, column.name, str(error) or _("This value is not valid.")))
    return values, errors


# --- cell parsers shared by imports ----------------------------------------------------------------------------


def parse_date(text: str) -> date:
    """Accept ISO dates (2026-03-05) and Finnish ones (5.3.2026)."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(_("Not a date. Write it as 2026-03-05 or 5.3.2026."))


def parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError as error:
        raise CellError(_("Not a whole number.")) from error


def parse_choice(allowed: dict[str, Any]) -> Callable[[str], Any]:
    """A parser accepting the given codes (case-insensitive) and returning their values."""

    def parse(text: str):
        key = text.strip().lower()
        if key not in allowed:
            raise CellError(_("Unknown value. Use one of: %(values)s", values=", ".join(sorted(allowed))))
        return allowed[key]

    return parse
