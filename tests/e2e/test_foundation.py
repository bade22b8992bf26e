import pytest
from playwright.sync_api import expect

from isok import demo
from isok.extensions import db

pytestmark = pytest.mark.e2e


@pytest.fixture
def language_given_back(live_app):
    """The switch saves the counsellor's choice on their account; the browser tests after this one expect the
    demo counsellor with no saved language, as the demo data make them."""
    yield
    with live_app.app_context():
        demo.account("counsellor@example.org").locale = None
        db.session.commit()


def test_counsellor_logs_in_switches_to_swedish_and_back_and_logs_out(
    page, live_server, log_in_as, language_given_back
):
    log_in_as("counsellor@example.org")
    expect(page.locator("h1")).to_contain_text("Leena Ohjaaja")

    page.select_option("#language-select", "sv")
    page.locator(".language-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator(".header-tools button[type=submit]").last).to_have_text("Logga ut")

    page.select_option("#language-select", "fi")
    page.locator(".language-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.locator(".header-tools button[type=submit]").last).to_have_text("Kirjaudu ulos")

    page.locator(".header-tools button[type=submit]").last.click()
    expect(page).to_have_url(f"{live_server}/login")
    page.goto(f"{live_server}/")
    expect(page).to_have_url(f"{live_server}/login?next=%2F")


def test_login_page_and_dashboard_have_no_serious_accessibility_violations(
    page, live_server, log_in_as, assert_accessible
):
    page.goto(f"{live_server}/login")
    assert_accessible(page)
    log_in_as("counsellor@example.org")
    assert_accessible(page)


def test_pages_load_no_script_or_style_from_elsewhere(page, live_server, log_in_as):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    log_in_as("admin@example.org")
    page.goto(f"{live_server}/admin/users")
    assert requests and all(url.startswith(live_server) for url in requests)


def test_layout_works_at_320_pixels(page, live_server, log_in_as):
    page.set_viewport_size({"width": 320, "height": 640})
    log_in_as("counsellor@example.org")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
