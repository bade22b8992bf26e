"""A counsellor books a teacher for an interview on a demo case; the teacher records it once it has started."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assessment.frameworks import services as framework_services
from assessment.interviews.models import Interview
from cases.models import Case, Client, ClientType, Stage
from isok import demo
from isok.database import utcnow
from isok.extensions import db

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_case_id(live_app):
    """A demo case of the counsellor's organisation with a target qualification (made here if the cases package's
    demo data is not loaded)."""
    with live_app.app_context():
        organisation = demo.organisation("Kuopio Guidance Centre")
        cases = db.session.scalars(select(Case).where(Case.organisation_id == organisation.id)).all()
        case = next((c for c in cases if framework_services.target_qualification(c)), None)
        if case is None:
            case = Case(
                client=Client(first_name="Elena", last_name="Petrova"),
                organisation_id=organisation.id,
                client_type=ClientType.LONG_TERM,
                stage=Stage.ASSESSMENT,
                entry_date=date.today(),
            )
            db.session.add(case)
            db.session.flush()
            framework_services.set_target_qualification(None, case, framework_services.published_versions()[0])
            db.session.commit()
        return case.id


def test_counsellor_schedules_and_teacher_records_an_interview(
    page, live_server, live_app, log_in_as, assert_accessible, demo_case_id
):
    log_in_as("counsellor@example.org")
    page.goto(f"{live_server}/cases/{demo_case_id}/interviews/new")
    assert_accessible(page)
    teacher_value = page.locator("select[name=teacher_id] option", has_text="Matti Opettaja").get_attribute("value")
    page.select_option("select[name=teacher_id]", teacher_value)
    page.fill("input[name=date]", (date.today() + timedelta(days=30)).isoformat())
    page.fill("input[name=time]", "10:00")
    page.fill("input[name=duration_minutes]", "90")
    page.fill("input[name=place]", "Savonia, room 2.14")
    page.select_option("select[name=interpreter_language]", "ar")
    page.locator("form.interview-form button[type=submit]").click()
    expect(page.locator(".badge-scheduled")).to_be_visible()
    interview_url = page.url
    page.locator(".header-tools button[type=submit]").last.click()

    log_in_as("teacher@example.org")
    page.goto(interview_url)
    page.locator(f"a[href$='{interview_url.removeprefix(live_server)}/record']").click()
    assert_accessible(page)
    results = page.locator("select[name^=result_]")
    results.nth(0).select_option("verified")
    results.nth(1).select_option("partly")
    page.locator("textarea[name^=note_]").first.fill("Showed photos of dishes made at a restaurant in Kharkiv.")
    page.check("input[name=placement]")
    page.locator("form.record-form button[type=submit]").click()
    expect(page.locator(".form-errors")).to_contain_text("findings can be recorded from then on")
    expect(page.locator("textarea[name^=note_]").first).to_have_value(
        "Showed photos of dishes made at a restaurant in Kharkiv."
    )  # the input is kept

    with live_app.app_context():  # the day of the interview comes
        interview = db.session.get(Interview, int(interview_url.rstrip("/").rsplit("/", 1)[1]))
        interview.starts_at = utcnow() - timedelta(minutes=30)
        db.session.commit()
    page.goto(f"{interview_url}/record")
    results = page.locator("select[name^=result_]")
    results.nth(0).select_option("verified")
    results.nth(1).select_option("partly")
    page.locator("textarea[name^=note_]").first.fill("Showed photos of dishes made at a restaurant in Kharkiv.")
    page.check("input[name=placement]")
    page.locator("form.record-form button[type=submit]").click()
    expect(page.locator(".badge-recorded")).to_be_visible()
    expect(page.locator("td", has_text="Showed photos of dishes")).to_be_visible()


def test_framework_list_and_version_page_are_accessible(page, live_server, log_in_as, assert_accessible):
    log_in_as("admin@example.org")
    page.goto(f"{live_server}/frameworks")
    assert_accessible(page)
    page.locator("table a").first.click()
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
