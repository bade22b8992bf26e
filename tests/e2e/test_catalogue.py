"""The course catalogue's journey (issue: "Done means"): an organisation publishes a course, a visitor finds it in
Swedish, a counsellor of another organisation enrols a client from the client's gap plan with a payment commitment,
the course fills and the next person waits, a cancellation moves them up, the provider records completion, and the
billing statement and the completion report show it."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assessment.assessments.models import Assessment
from assessment.assessments.services import gap_plan
from isok import demo
from isok.catalogue.services import today
from isok.extensions import db
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

TITLE_FI, TITLE_SV = "Täydentävä jakso: tarjoilu", "Kompletterande del: servering"


@pytest.fixture
def gap(live_app):
    """A demo assessment of the Kuopio Guidance Centre whose gap plan still has units to acquire."""
    with live_app.app_context():
        centre = demo.organisation("Kuopio Guidance Centre")
        for assessment in db.session.scalars(select(Assessment).order_by(Assessment.id)):
            items = gap_plan(assessment)
            if items and assessment.case.organisation_id == centre.id:
                return SimpleNamespace(
                    id=assessment.id,
                    unit=items[0]["unit"]["code"],
                    client=assessment.case.client.full_name,
                    today=today(),
                )
    pytest.fail("the demo data hold no gap plan for the guidance centre")


def _publish(page, live_server, gap):
    """Savonia's teacher publishes a one-seat course teaching the gap's unit, running today and tomorrow."""
    page.goto(f"{live_server}/courses/manage/new")
    page.locator("input[name=title_fi]").fill(TITLE_FI)
    page.locator("input[name=title_sv]").fill(TITLE_SV)
    page.locator("textarea[name=description_fi]").fill("Tarjoilun ja asiakaspalvelun täydentävä jakso.")
    page.select_option("select[name=field]", "10")
    page.locator("label", has_text=f"· {gap.unit} ").first.click()
    page.select_option("select[name=mode]", "place")
    page.locator("input[name=place]").fill("Kuopio, Microkatu 1")
    page.locator("input[name='sessions-0-starts_on']").fill(gap.today.isoformat())
    page.locator("input[name='sessions-0-ends_on']").fill((gap.today + timedelta(days=1)).isoformat())
    page.locator("input[name=seats]").fill("1")
    page.locator("input[name=enrolment_opens_on]").fill((gap.today - timedelta(days=7)).isoformat())
    page.locator("input[name=enrolment_closes_on]").fill((gap.today + timedelta(days=1)).isoformat())
    page.select_option("select[name=pricing_rule]", "per_participant")
    page.locator("input[name=member_fee]").fill("60")
    page.locator("input[name=outside_fee]").fill("120")
    page.locator("input[name=publish]").check()
    page.locator("main form.course-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("h1")).to_contain_text(TITLE_FI)
    return int(page.url.rstrip("/").split("/")[-1])


def test_from_publishing_to_billing(browser, live_server, live_app, gap, assert_accessible):
    def actor(email=None):
        page = browser.new_context(locale="en-GB").new_page()
        if email:
            sign_in(page, live_server, live_app, email)
        return page

    teacher = actor("teacher@example.org")  # Savonia Vocational College
    course_id = _publish(teacher, live_server, gap)
    assert_accessible(teacher)

    visitor = actor()  # no account: the catalogue is linked from the login page
    visitor.goto(f"{live_server}/login")
    visitor.locator("ul.nav a[href='/courses/']").click()
    visitor.select_option("#language-select", "sv")
    visitor.locator(".language-form button").click()
    expect(visitor.locator("html")).to_have_attribute("lang", "sv")
    visitor.locator("input[name=q]").fill("servering")
    visitor.locator("form.catalogue-filters button[type=submit]").click()
    expect(visitor.locator(".course-list")).to_contain_text(TITLE_SV)
    assert_accessible(visitor)
    visitor.locator(".course-list a", has_text=TITLE_SV).click()
    expect(visitor.locator("h1")).to_have_text(TITLE_SV)
    assert "hasCourseInstance" in visitor.locator("script[type='application/ld+json']").text_content()
    assert_accessible(visitor)

    counsellor = actor("counsellor@example.org")  # Kuopio Guidance Centre, another organisation
    counsellor.goto(f"{live_server}/assessments/{gap.id}/gap-plan")
    panel = counsellor.locator("section[aria-labelledby=gap-courses-title]")
    expect(panel).to_contain_text(TITLE_FI)
    assert_accessible(counsellor)
    panel.locator("a.button", has_text=gap.client).first.click()
    expect(counsellor.locator("main")).to_contain_text(gap.client)
    counsellor.locator("input[name=payer_business_id]").fill("1234567-8")  # a wrong check digit
    counsellor.locator("input[name=payer_reference]").fill("Case gap course")
    counsellor.locator("input[name=accept_terms]").check()
    counsellor.locator("main form button[type=submit]").click()
    expect(counsellor.locator("#payer_business_id-error")).to_be_visible()
    expect(counsellor.locator("input[name=payer_reference]")).to_have_value("Case gap course")
    counsellor.locator("input[name=payer_business_id]").fill("1234567-1")
    counsellor.locator("input[name=accept_terms]").check()
    counsellor.locator("main form button[type=submit]").click()
    expect(counsellor.locator(".lead .badge")).to_have_text("Confirmed")
    assert_accessible(counsellor)
    client_confirmation = counsellor.url

    outsider = actor()  # the course is full now: the next person waits
    outsider.goto(f"{live_server}/courses/{course_id}/enrol")
    for name, value in {
        "name": "Olli Ulkopuolinen",
        "email": "olli@outside.example",
        "organisation_name": "Etelä-Savon koulutuskeskus Oy",
        "payer_name": "Etelä-Savon koulutuskeskus Oy",
        "payer_business_id": "2345670-5",
        "payer_contact": "Riitta Laukkanen",
        "payer_email": "billing@outside.example",
        "payer_reference": "PO-2026-17",
    }.items():
        outsider.locator(f"input[name={name}]").fill(value)
    outsider.locator("input[name=accept_terms]").check()
    outsider.locator("main form button[type=submit]").click()
    expect(outsider.locator(".flash-warning").first).to_contain_text("waiting list, number 1")
    expect(outsider.locator(".lead")).to_contain_text("number 1 on the waiting list")
    outsider_link = outsider.url

    counsellor.goto(client_confirmation)  # the client cannot come after all
    counsellor.locator("form.inline-form button.danger").click()
    expect(counsellor.locator(".flash-success")).to_contain_text("cancelled")
    outsider.goto(outsider_link)
    expect(outsider.locator(".lead .badge")).to_have_text("Confirmed")
    assert outsider.request.get(f"{outsider_link}/calendar.ics").text().startswith("BEGIN:VCALENDAR")

    teacher.goto(f"{live_server}/courses/manage/{course_id}")
    row = teacher.locator("tr", has_text="Olli Ulkopuolinen")
    row.locator("select[name=completion]").select_option("completed")
    row.locator("button[type=submit]", has_text="Save").click()
    expect(teacher.locator(".flash-success")).to_contain_text("Completion recorded: Olli Ulkopuolinen")
    assert_accessible(teacher)

    teacher.goto(f"{live_server}/courses/billing")
    statement = teacher.locator("table.report-table")
    expect(statement).to_contain_text("2345670-5")
    expect(statement).to_contain_text("1234567-1")  # the guidance centre's late cancellation
    assert_accessible(teacher)
    teacher.goto(f"{live_server}/courses/reports")
    expect(teacher.locator("table.report-table tr", has_text=TITLE_FI)).to_contain_text("1")
    assert_accessible(teacher)


@pytest.mark.parametrize(
    "path",
    ["/courses/", "/courses/rules", "/courses/manage", "/courses/mine", "/courses/programme", "/courses/billing"],
)
def test_catalogue_pages_have_no_serious_accessibility_violations(
    page, live_server, log_in_as, assert_accessible, path
):
    log_in_as("manager@example.org")
    page.goto(f"{live_server}{path}")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)


def test_the_public_catalogue_fits_320_pixels(page, live_server):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server}/courses/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
