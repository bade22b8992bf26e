import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_counsellor_registers_a_client_moves_the_stage_and_logs_guidance(page, live_server, log_in_as):
    log_in_as("counsellor@example.org")
    page.locator("nav a[href='/cases']").click()
    expect(page.locator("table.case-table tbody tr")).not_to_have_count(0)
    page.locator("a.button[href='/clients/new']").click()
    page.fill("input[name=first_name]", "Mebrat")
    page.fill("input[name=last_name]", "Kidane-Testi")
    page.fill("input[name=birth_date]", "1987-06-15")
    page.select_option("select[name=gender]", "female")
    page.select_option("select[name=country_of_birth]", "ER")
    page.select_option("select[name=mother_tongue]", "ti")
    page.fill("input[name=languages]", "fi A2, en B1")
    page.select_option("select[name=labour_status]", "unemployed")
    page.select_option("select[name=isced_level]", "3")
    page.fill("input[name=target]", "Cleaning and property services")
    page.fill("input[name=entry_date]", "2026-11-02")
    page.locator("form.client-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Mebrat Kidane-Testi")

    page.select_option("select[name=stage]", "documentation")
    page.fill("textarea[name=reason]", "Competences identified in the first meeting")
    page.locator("form[action$='/stage'] button[type=submit]").click()
    expect(page.locator("h1 .badge")).to_have_text("Documentation")
    expect(page.locator("text=Competences identified in the first meeting")).to_be_visible()

    page.locator("#guidance summary").click()
    guidance = page.locator("form.guidance-form")
    guidance.locator("select[name=kind]").select_option("phone")
    guidance.locator("input[name=duration_minutes]").fill("20")
    guidance.locator("textarea[name=note]").fill("Agreed which work certificates to bring")
    page.locator("form.guidance-form button[type=submit]").click()
    expect(page.locator(".guidance-log")).to_contain_text("Agreed which work certificates to bring")


def test_case_list_and_case_page_have_no_serious_accessibility_violations(
    page, live_server, log_in_as, assert_accessible
):
    log_in_as("counsellor@example.org")
    page.goto(f"{live_server}/cases")
    assert_accessible(page)
    page.locator("table.case-table tbody a").first.click()
    expect(page.locator("#guidance")).to_be_visible()
    assert_accessible(page)


def test_the_client_sees_their_stage_in_their_language(page, live_server, log_in_as):
    log_in_as("client@example.org")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(f"{live_server}/my-case")
    expect(page.locator(".stage-steps li.current")).to_have_count(1)
