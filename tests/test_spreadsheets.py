"""Spreadsheet files hold no formula that a person typed: OWASP's CSV injection rule, in one place for every export."""

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from isok import spreadsheets

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("isok", "cases", "portfolio", "assessment", "certificates")


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://example.org/?"&A1)']
)
def test_formula_like_text_is_written_behind_an_apostrophe_in_csv(text):
    out = io.StringIO()
    spreadsheets.CsvWriter(out).writerow([text, "Aino", 42, -7, 2.5, None])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'" + text, "Aino", "42", "-7", "2.5", ""]


def test_formula_like_text_is_a_text_cell_in_xlsx_and_numbers_stay_numbers():
    workbook = Workbook()
    spreadsheets.append_row(workbook.active, ["=1+1", "-just a dash", "Aino", 42, -7, 2.5, "tab\vpasted"])
    workbook.active["A2"] = "=2+2"  # a cell set directly, not through append_row
    cells, second = load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(workbook))).active.iter_rows()
    assert [(c.data_type, c.value) for c in cells] == [
        ("s", "=1+1"),
        ("s", "-just a dash"),
        ("s", "Aino"),
        ("n", 42),
        ("n", -7),
        ("n", 2.5),
        ("s", "tab\ufffdpasted"),
    ]
    assert cells[0].quotePrefix and cells[1].quotePrefix and not cells[2].quotePrefix
    assert (second[0].data_type, second[0].value) == ("s", "=2+2")


def test_every_spreadsheet_is_written_through_the_one_module():
    """A new export that builds its own CSV writer or saves its own workbook would bypass the rule: none may."""
    bypasses = re.compile(r"csv\.(writer|DictWriter)\(|\.save\(")
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "isok" / "spreadsheets.py":
                continue
            source = path.read_text()
            if re.search(r"^(import csv|from openpyxl import .*Workbook)", source, re.MULTILINE) and bypasses.search(
                source
            ):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
