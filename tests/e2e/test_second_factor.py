import re

import pyotp
import pytest
from playwright.sync_api import expect

from isok import demo
from tests.e2e.conftest import authenticator_code

pytestmark = pytest.mark.e2e


def _password(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill("e2e-demo-password")
    page.locator("form:has(input[name=password]) button[type=submit]").click()


def test_a_teacher_logs_in_with_a_code_from_the_app(page, live_server, live_app, assert_accessible):
    _password(page, live_server, "teacher@example.org")
    expect(page).to_have_url(f"{live_server}/login/code")
    expect(page.locator("h1")).to_have_text("Second step of the login")
    assert_accessible(page)
    page.goto(f"{live_server}/cases")  # a right password alone opens nothing
    expect(page).to_have_url(re.compile(r"/login\?next="))

    _password(page, live_server, "teacher@example.org")
    page.locator("input[name=code]").fill(
        "000000" if authenticator_code(live_app, "teacher@example.org") != "000000" else "111111"
    )
    page.locator("form:has(input[name=code]) button[type=submit]").click()
    expect(page.locator("#code-error")).to_contain_text("This code is not right")
    assert_accessible(page)
    page.locator("input[name=code]").fill(authenticator_code(live_app, "teacher@example.org"))
    page.locator("form:has(input[name=code]) button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator("h1")).to_contain_text("Matti Opettaja")


def test_an_administrator_logs_in_with_the_app_and_resets_a_counsellors_second_factor(
    page, browser, live_server, live_app, log_in_as, assert_accessible
):
    _password(page, live_server, "admin@example.org")
    page.locator("input[name=code]").fill(authenticator_code(live_app, "admin@example.org"))
    page.locator("form:has(input[name=code]) button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/")

    with live_app.app_context():
        counsellor_id = demo.account("counsellor@example.org").id
    page.goto(f"{live_server}/admin/users/{counsellor_id}")
    page.locator("form[action$='/second-factor/reset'] button").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("form[action$='/second-factor/reset']")).to_have_count(0)  # nothing left to reset

    # The counsellor, in a browser of their own, sets up a new authenticator at their next login (in their own
    # language, which an earlier journey may have changed: the checks below read no text).
    counsellor = browser.new_context().new_page()
    _password(counsellor, live_server, "counsellor@example.org")
    expect(counsellor).to_have_url(f"{live_server}/login/enrol")
    expect(counsellor.locator(".qr-code svg")).to_be_visible()
    expect(counsellor.locator("form[action='/login/skip']")).to_have_count(0)  # no way around it
    assert_accessible(counsellor)
    key = counsellor.locator(".totp-key").inner_text().replace(" ", "")
    counsellor.locator("input[name=code]").fill(pyotp.TOTP(key).now())
    counsellor.locator("form:has(input[name=code]) button[type=submit]").click()
    expect(counsellor.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(counsellor)
    counsellor.locator(".recovery-codes + p a").click()
    expect(counsellor).to_have_url(f"{live_server}/")
    counsellor.context.close()

    page.context.clear_cookies()
    log_in_as("counsellor@example.org")  # with the new key from now on
    expect(page.locator("h1")).to_contain_text("Leena Ohjaaja")


def test_the_code_step_speaks_the_clients_language_and_fits_a_phone(page, live_server, live_app, assert_accessible):
    page.set_viewport_size({"width": 320, "height": 640})
    _password(page, live_server, "client@example.org")  # Amina Hassan reads Arabic (her saved language)
    expect(page).to_have_url(f"{live_server}/login/code")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
