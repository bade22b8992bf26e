"""Third-party statements in a real browser: the counsellor asks, the referee answers by link on a phone in Arabic,
the teacher records the verification."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from isok import demo
from isok.database import utcnow
from isok.extensions import db
from tests.assessment.conftest import build_assessment

pytestmark = pytest.mark.e2e


@pytest.fixture
def case(live_app):
    """A case of the demo counsellor with a target qualification, in assessment with the demo teacher."""
    with live_app.app_context():
        world = build_assessment(
            demo.account("counsellor@example.org"),
            demo.account("teacher@example.org"),
            demo.account("tutor@example.org"),
            demo.organisation("Hotel Kallavesi Oy"),
            demo.organisation("Kuopio Guidance Centre"),
        )
        data = SimpleNamespace(id=world.case.id, outcome=world.version.units[0].outcomes[0].id)
        db.session.commit()
    return data


def test_the_referee_answers_by_link_on_a_phone(page, live_server, log_in_as, assert_accessible, case):
    # the counsellor asks, from the case
    log_in_as("counsellor@example.org")
    page.goto(f"{live_server}/cases/{case.id}")
    page.get_by_role("link", name="Ask a former employer or supervisor for a statement").click()
    assert_accessible(page)
    page.fill("#name", "Khalid Haddad")
    page.fill("#organisation", "Al-Bustan Restaurant, Amman")
    page.select_option("#country", "JO")
    page.fill("#email", "khalid@example.com")
    page.select_option("#language", "ar")
    page.fill("#tasks", "Prepared hot lunch dishes for 150 guests a day")
    page.check(f"input[name=outcome_ids][value='{case.outcome}']")
    page.fill("#deadline", (utcnow().date() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Send the request").click()
    link = page.locator(".link-box code").inner_text()
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()

    # the referee, on a phone, without an account, in Arabic
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("main")).to_contain_text("Prepared hot lunch dishes for 150 guests a day")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.locator("button[type=submit]").last.click()  # nothing chosen: told what is missing, in Arabic
    expect(page.locator(".form-errors")).to_contain_text("بعض الإجابات")
    for choice in page.locator("input[type=radio][value=yes]").all():
        choice.check()
    page.check("input[name=acquaintance][value=supervised]")
    page.fill("#period", "2016–2021")
    page.fill("#comment", "طباخ دقيق وسريع")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("شكرًا على إفادتك")
    expect(page.locator("main form")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()

    # the teacher records how they verified it, and sees it in the triangulation
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in_as("teacher@example.org")
    page.goto(f"{live_server}/cases/{case.id}/triangulation")
    page.get_by_role("link", name="Khalid Haddad").first.click()
    page.check("input[name=method][value=phone]")
    page.fill("#note", "Called the restaurant's owner on its listed number")
    page.get_by_role("button", name="Record the verification").click()
    expect(page.locator(".messages")).to_contain_text("The verification is recorded.")
    assert_accessible(page)
