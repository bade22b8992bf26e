"""Writing CSV and XLSX files that people open in a spreadsheet program, with no formula in them that we did not put.

Text that starts with = + - @, a tab or a carriage return is taken for a formula by Excel, LibreOffice and Google
Sheets when they open a CSV file, and a formula can fetch addresses or start programs (OWASP, "CSV injection"). Text
typed by people (a client's name, an ESF narrative) therefore goes into CSV behind an apostrophe, as OWASP advises;
in XLSX it goes as a text cell with the quote-prefix mark, so it shows as typed and stays text even when the cell
is edited. Numbers stay numbers. Every CSV and XLSX export writes its rows through this module.
"""

import csv
import io
from collections.abc import Iterable
from typing import TextIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value) -> bool:
    """Whether a spreadsheet program would read this value as the start of a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def inert(value):
    """The value for a CSV cell: formula-like text behind an apostrophe, anything else unchanged."""
    return "'" + value if formula_like(value) else value


class CsvWriter:
    """A csv.writer (Excel dialect) that writes every cell through inert()."""

    def __init__(self, out: TextIO):
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([inert(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        """writerow for each row, with inert() inlined: an export of thousands of rows spends its time here."""
        self._writer.writerows(
            [("'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value) for value in row]
            for row in rows
        )


def append_row(sheet: Worksheet, row: Iterable) -> None:
    """Append a row to a worksheet, with characters XLSX cannot hold shown as U+FFFD (a vertical tab pasted from a
    word processor into a narrative would otherwise make the whole file fail)."""
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value for value in row])


def xlsx_bytes(workbook: Workbook) -> bytes:
    """Save a workbook, every formula-like text in it (openpyxl makes text starting with = a formula) made a
    quote-prefixed text cell first. Every XLSX export leaves through here."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
