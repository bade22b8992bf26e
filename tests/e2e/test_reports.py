import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_manager_opens_a_period_downloads_the_workbook_and_drills_down(page, live_server, log_in_as, assert_accessible):
    log_in_as("manager@example.org")
    page.goto(f"{live_server}/reports/")
    page.locator("a[href$='/reports/2025H2']").click()
    expect(page.locator("h1")).to_contain_text("2025H2")
    expect(page.locator("#table-labour_status")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.locator("a[href*='/reports/2025H2/export.xlsx']").click()
    with open(download_info.value.path(), "rb") as file:
        workbook = load_workbook(io.BytesIO(file.read()))
    assert any(name.startswith("1 ") for name in workbook.sheetnames)

    page.locator("a[href*='/records/period/labour_status/total/total']").click()
    expect(page.locator("h1")).to_have_text("People behind a figure")
    expect(page.locator("tbody tr th a").first).to_be_visible()
    assert_accessible(page)


def test_the_report_fits_a_narrow_screen(page, live_server, log_in_as):
    page.set_viewport_size({"width": 320, "height": 640})
    log_in_as("manager@example.org")
    page.goto(f"{live_server}/reports/2026H1?scope=cumulative")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
