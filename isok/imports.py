"""Spreadsheet imports (CSV and XLSX): read, check every row, then apply all rows or none.

A feature declares its columns and a function that applies one parsed row through its services. The whole file
runs inside a savepoint: a dry run (the preview) and any failing row roll everything back, and the user gets a
row-by-row report in their own language.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice
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
    return list(iter_table(filename, stream))


def iter_table(filename: str, stream: BinaryIO) -> Iterator[dict[str, str]]:
    """The rows of a CSV or XLSX file keyed by its header, read from the stream as they are taken, so that a long
    file is never whole in memory (the stream must stay open meanwhile). The file's type and header are checked at
    once; a file that turns out unreadable further on, or longer than MAX_ROWS, raises ImportFileError while the
    rows are taken, which leaves an import using them unfinished (the caller rolls back)."""
    name = (filename or "").lower()
    start = stream.read(4)
    stream.seek(0)
    if name.endswith(".xlsx") or start == b"PK\x03\x04":
        rows = _xlsx_rows(stream)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _csv_rows(stream)
    else:
        raise ImportFileError(_("Upload a CSV or XLSX file."))
    rows = (row for row in rows if any(cell.strip() for cell in row))
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("The file is empty."))
    header = [cell.strip().lower() for cell in first]
    return _keyed(header, rows)


def _keyed(header: list[str], rows: Iterator[list[str]]) -> Iterator[dict[str, str]]:
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise ImportFileError(_("The file has more than %(n)d rows. Split it into smaller files.", n=MAX_ROWS))
        yield dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))


def _csv_rows(stream: BinaryIO) -> Iterator[list[str]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    sample: list[str] = []
    try:
        while sum(map(len, sample)) < 4096 and (line := text.readline()):
            sample.append(line)
    except UnicodeDecodeError as error:
        raise ImportFileError(_("Save the CSV file as UTF-8 text.")) from error
    try:
        dialect = csv.Sniffer().sniff("".join(sample), delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return _decoded(csv.reader(chain(sample, text), dialect), text)


def _decoded(reader: Iterator[list[str]], text: io.TextIOWrapper) -> Iterator[list[str]]:
    try:
        yield from reader
    except UnicodeDecodeError as error:
        raise ImportFileError(_("Save the CSV file as UTF-8 text.")) from error
    finally:
        if not text.buffer.closed:
            text.detach()  # the caller's stream stays the caller's to close


def _xlsx_rows(stream: BinaryIO) -> Iterator[list[str]]:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from error
    return _sheet_rows(workbook)


def _sheet_rows(workbook) -> Iterator[list[str]]:
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


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


CHUNK_ROWS = 500


def run_checked_import(
    rows: Iterable[dict[str, str]],
    columns: list[Column],
    check: Callable[[list[tuple[int, dict[str, Any]]]], tuple[list, list[str], list[RowError]]],
    write: Callable[[list], None],
    *,
    dry_run: bool,
) -> ImportReport:
    """Set-based, a chunk at a time: check a chunk's rows without writing, then write them in one go.

    For imports of many rows, with memory flat in their number: the rows are taken CHUNK_ROWS at a time, `check`
    receives a chunk's parsed rows as (line, values) and answers the items to write, a description of each for the
    preview, and the refused rows (it keeps what it needs to compare a row with earlier chunks, such as compact
    duplicate keys); `write` saves a chunk's items (services that flush once). Every chunk is written inside one
    savepoint: once a row is refused nothing more is written, the remaining rows are still checked so that the
    report names every error, and the savepoint is rolled back, so one bad row anywhere saves nothing. The caller
    commits when the report is ok and not a dry run.
    """
    report = ImportReport(dry_run=dry_run)
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None or _header_refused([first], columns, report):
        return report
    savepoint = db.session.begin_nested()
    try:
        for chunk in _chunks(chain([first], iterator), CHUNK_ROWS):
            errors, parsed = [], []
            for line, raw in enumerate(chunk, start=report.rows + 2):
                values, row_errors = _parse_row(line, raw, columns)
                errors.extend(row_errors)
                if not row_errors:
                    parsed.append((line, values))
            report.rows += len(chunk)
            del chunk
            items, descriptions, refused = check(parsed)
            errors = sorted([*errors, *refused], key=lambda error: error.line)
            if errors or report.errors:
                report.errors.extend(errors)
                report.applied = []
                continue
            report.applied.extend(descriptions)
            if not dry_run:
                write(items)
    finally:
        if dry_run or report.errors:
            savepoint.rollback()
        else:
            savepoint.commit()
    return report


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


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
