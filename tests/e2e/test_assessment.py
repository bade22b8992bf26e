"""The tripartite assessment in a real browser: the tutor on a phone, the teacher reconciling and signing off."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from assessment.assessments import services as assessment_services
from isok import demo
from isok.extensions import db
from tests.assessment.conftest import build_assessment, outcome_ids, submit_ratings, unit_ids

pytestmark = pytest.mark.e2e


@pytest.fixture
def journey(live_app):
    """An open assessment at Hotel Kallavesi Oy with the demo staff; the counsellor has already rated."""
    with live_app.app_context():
        counsellor, teacher = demo.account("counsellor@example.org"), demo.account("teacher@example.org")
        world = build_assessment(
            counsellor,
            teacher,
            demo.account("tutor@example.org"),
            demo.organisation("Hotel Kallavesi Oy"),
            demo.organisation("Kuopio Guidance Centre"),
        )
        submit_ratings(counsellor, world.assessment)
        data = SimpleNamespace(
            id=world.assessment.id, outcomes=outcome_ids(world.assessment), units=unit_ids(world.assessment)
        )
        db.session.commit()
    return data


def _rate(page, journey, level, justification, source):
    """One unit per screen: the same level, justification and evidence for every outcome of the unit."""
    page.check("input[name=conflict][value=no]")
    for uid in journey.units:
        page.check(f"input[name='unit-level-{uid}'][value='{level}']")
        page.fill(f"#unit-justification-{uid}", justification)
        page.check(f"input[name='unit-sources-{uid}'][value='{source}']")
        page.click("button[name=action][value=submit], button[name=action][value=next]")
        expect(page.locator(".messages .flash-success")).to_be_visible()


def test_tutor_assesses_at_the_workplace_then_the_teacher_reconciles_and_signs_off(
    page, live_server, log_in_as, assert_accessible, journey, live_app
):
    page.on("dialog", lambda dialog: dialog.accept())

    # the workplace tutor, on a phone
    page.set_viewport_size({"width": 320, "height": 740})
    log_in_as("tutor@example.org")
    page.goto(f"{live_server}/placements")
    page.locator(f"a[href='/assessments/{journey.id}/rate']").first.click()
    expect(page.locator("h1")).to_have_text("Your assessment")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    _rate(page, journey, "3", "Prepared the breakfast buffet on her own every morning", "observation")
    page.wait_for_load_state("networkidle")  # a late static answer would set the session cookie again
    page.context.clear_cookies()

    # the teacher rates, then reconciles the three side by side and signs off
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in_as("teacher@example.org")
    page.goto(f"{live_server}/assessments/{journey.id}/rate")
    _rate(page, journey, "2", "Explained the hygiene rules in the interview", "interview")
    page.goto(f"{live_server}/assessments/{journey.id}/reconcile")
    expect(page.locator("tr.disagree")).to_have_count(len(journey.outcomes))
    expect(page.locator("table.compare").first).to_contain_text("Prepared the breakfast buffet")
    assert_accessible(page)
    for oid in journey.outcomes:
        page.select_option(f"#level-{oid}", "2")
        page.select_option(f"#result-{oid}", "recognised")
        page.fill(f"#rationale-{oid}", "Independent at work; theory still a little thin")
    for uid in journey.units:
        page.select_option(f"#unit-level-{uid}", "2")
        page.fill(f"#unit-rationale-{uid}", "Good, shown at the workplace and in the interview")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator(".messages .flash-success")).to_be_visible()

    page.check("input[name=acknowledge]")
    page.locator("form[action$='/sign-off'] button[type=submit]").click()
    assert_accessible(page)  # the question asked first, with no JavaScript needed
    page.locator("form:has(input[name=confirm]) button[type=submit]").click()
    expect(page.locator(".facts .badge")).to_have_text("Signed off")
    expect(page.locator(".history")).to_contain_text("signed off")
    with live_app.app_context():
        assessment = db.session.get(assessment_services.Assessment, journey.id)
        assert assessment.locked and assessment.signed_off_by.email == "teacher@example.org"
