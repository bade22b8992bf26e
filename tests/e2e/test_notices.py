"""An interview is booked in the browser: the client sees the notice in Arabic on their notices page, and the mail
server on loopback receives the mail with the calendar file."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assessment.frameworks import services as framework_services
from cases.models import Case, Client
from isok.accounts.models import User
from isok.extensions import db
from tests.notices.smtp import LoopbackSMTP

pytestmark = pytest.mark.e2e


@pytest.fixture
def smtp(live_app, monkeypatch):
    server = LoopbackSMTP().start()
    monkeypatch.setitem(live_app.config, "SMTP_URL", server.url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client_case_id(live_app):
    """The demo client's case, with a target qualification to interview against."""
    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "client@example.org"))
        case = db.session.scalar(
            select(Case).join(Client, Case.client_id == Client.id).where(Client.user_id == user.id).order_by(Case.id)
        )
        if framework_services.target_qualification(case) is None:
            framework_services.set_target_qualification(None, case, framework_services.published_versions()[0])
            db.session.commit()
        return case.id


def test_a_booked_interview_reaches_the_client_in_arabic_and_by_mail(
    page, live_server, log_in_as, smtp, assert_accessible, client_case_id
):
    log_in_as("counsellor@example.org")
    page.goto(f"{live_server}/cases/{client_case_id}/interviews/new")
    teacher_value = page.locator("select[name=teacher_id] option", has_text="Matti Opettaja").get_attribute("value")
    page.select_option("select[name=teacher_id]", teacher_value)
    page.fill("input[name=date]", (date.today() + timedelta(days=40)).isoformat())
    page.fill("input[name=time]", "13:00")
    page.fill("input[name=duration_minutes]", "60")
    page.fill("input[name=place]", "Savonia, room 3.01")
    page.locator("form.interview-form button[type=submit]").click()
    expect(page.locator(".badge-scheduled")).to_be_visible()
    page.locator(".header-tools button[type=submit]").last.click()

    log_in_as("client@example.org")
    page.get_by_role("link", name="الإشعارات").first.click()
    notice = page.locator("ul.notices li").first
    expect(notice).to_contain_text("تم حجز مقابلة")
    expect(notice).to_contain_text("Savonia, room 3.01")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(page)

    to_client = [message for message in smtp.inbox.messages if message["To"] == "client@example.org"]
    assert len(to_client) == 1 and "تم حجز مقابلة" in to_client[0]["Subject"]
    (calendar_file,) = to_client[0].iter_attachments()
    assert calendar_file.get_content_type() == "text/calendar" and "LOCATION:Savonia\\, room 3.01" in (
        calendar_file.get_content()
    )
