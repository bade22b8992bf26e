import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_project_manager_adds_a_partner_organisation_and_a_dissemination_event(
    page, live_server, log_in_as, assert_accessible
):
    log_in_as("manager@example.org")
    expect(page.locator("#network-panel-title")).to_be_visible()
    page.locator("ul.nav a[href='/network/']").click()
    expect(page.locator("h1")).to_have_text("Network")
    assert_accessible(page)

    page.goto(f"{live_server}/network/partners/new")
    page.select_option("select[name=organisation_id]", "0")
    page.locator("input[name=name]").fill("Kuopion Sähköasennus Oy")
    page.select_option("select[name=type]", "company")
    page.select_option("select[name=size_class]", "sme")
    page.locator("input[name=business_id]").fill("2621398-7")
    page.locator("input[name=first_cooperation_on]").fill("2026-09-15")
    page.locator("input[name=role]").fill("Placements in electrical work")
    page.locator("main form.narrow button[type=submit]").first.click()
    expect(page).to_have_url(f"{live_server}/network/partners")
    expect(page.locator("table")).to_contain_text("Kuopion Sähköasennus Oy")

    page.goto(f"{live_server}/network/events/new")
    page.locator("input[name=title]").fill("Open day at the guidance centre")
    page.locator("input[name=held_on]").fill("2026-11-05")
    page.locator("input[name=headcount]").fill("-4")
    page.locator("main form.narrow button[type=submit]").first.click()
    expect(page.locator("#headcount-error")).to_be_visible()
    expect(page.locator("input[name=title]")).to_have_value("Open day at the guidance centre")
    page.locator("input[name=headcount]").fill("34")
    page.locator("main form.narrow button[type=submit]").first.click()
    expect(page).to_have_url(f"{live_server}/network/events")
    expect(page.locator("table")).to_contain_text("Open day at the guidance centre")

    page.goto(f"{live_server}/network/")
    expect(page.locator("main")).to_contain_text("Open day at the guidance centre")
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    [
        "/network/partners",
        "/network/partners/new",
        "/network/events",
        "/network/meetings",
        "/network/narratives",
        "/network/narratives/1",
        "/network/settings",
        "/network/import/partners",
    ],
)
def test_network_pages_have_no_serious_accessibility_violations(page, live_server, log_in_as, assert_accessible, path):
    log_in_as("manager@example.org")
    page.goto(f"{live_server}{path}")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)


def test_the_network_overview_fits_320_pixels(page, live_server, log_in_as):
    page.set_viewport_size({"width": 320, "height": 640})
    log_in_as("manager@example.org")
    page.goto(f"{live_server}/network/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
