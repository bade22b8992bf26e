import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from cases.models import Case, Client
from isok import demo, storage
from isok.accounts.models import Role
from isok.accounts.services import create_user
from isok.extensions import db
from portfolio.models import EvidenceFile
from tests.portfolio.conftest import create_case, jpeg_bytes

pytestmark = pytest.mark.e2e

CLIENT_EMAIL = "e2e-portfolio-client@example.org"


@pytest.fixture
def client_case(live_app):
    """A client account with a case followed by the demo counsellor (the cases package's loader is not here)."""
    with live_app.app_context():
        user = demo.account(CLIENT_EMAIL)
        if user is not None:
            return db.session.scalar(select(Case.id).join(Client).where(Client.user_id == user.id))
        user = create_user(
            None, email=CLIENT_EMAIL, name="Hana Yusuf", roles={Role.CLIENT}, password="e2e-demo-password"
        )
        counsellor = demo.account("counsellor@example.org")
        case = create_case(counsellor.organisation, counsellor, user, first_name="Hana", last_name="Yusuf")
        db.session.commit()
        return case.id


def test_client_documents_work_in_arabic_with_a_photo_and_the_counsellor_comments(
    page, live_server, live_app, log_in_as, assert_accessible, client_case
):
    log_in_as(CLIENT_EMAIL)
    page.select_option("#language-select", "ar")
    page.locator(".language-form button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    page.locator(f"a[href='/cases/{client_case}/portfolio']").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert_accessible(page)

    page.locator(f"a[href='/cases/{client_case}/portfolio/new/work']").click()
    expect(page.locator("select[name=language]")).to_have_value("ar")
    page.fill("input[name=title]", "طباخ")
    page.fill("input[name=employer]", "مطعم الشام")
    page.select_option("select[name=country]", "SY")
    page.fill("input[name=start]", "2015")
    page.fill("textarea[name=tasks]", "تحضير الوجبات للمطعم")
    page.locator("form.entry-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("طباخ")
    assert_accessible(page)  # the entry page with its upload form

    page.set_input_files(
        "input[name=files]",
        files=[{"name": "kitchen.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(size=(120, 90))}],
    )
    page.locator(".upload-form button[type=submit]").click()
    expect(page.locator(".file-list a")).to_have_text("kitchen.jpg")

    with live_app.app_context():
        evidence = db.session.scalar(
            select(EvidenceFile).where(EvidenceFile.filename == "kitchen.jpg").order_by(EvidenceFile.id.desc())
        )
        with Image.open(io.BytesIO(storage.read_bytes(evidence.digest))) as photo:
            assert not photo.getexif().get_ifd(0x8825)  # no GPS position kept
        entry_id = evidence.entry_id

    page.goto(f"{live_server}/cases/{client_case}/portfolio")
    page.locator(f"form[action='/cases/{client_case}/portfolio/submit'] button").click()
    expect(page.locator("input[name=confirm]")).to_have_count(1)  # asked first, in Arabic, nothing sent yet
    assert_accessible(page)
    page.locator("form:has(input[name=confirm]) button[type=submit]").click()
    expect(page.locator(".portfolio-status .badge-info")).to_be_visible()
    page.locator(".header-tools button[type=submit]").last.click()

    log_in_as("counsellor@example.org")
    page.goto(f"{live_server}/portfolio/entries/{entry_id}")
    page.fill("textarea[name=text]", "Please add when you stopped working there.")
    page.locator(f"form[action='/portfolio/entries/{entry_id}/comments'] button").click()
    expect(page.locator(".comment-list")).to_contain_text("Please add when you stopped working there.")
    page.locator(".header-tools button[type=submit]").last.click()

    log_in_as(CLIENT_EMAIL)
    page.goto(f"{live_server}/portfolio/entries/{entry_id}")
    expect(page.locator(".comment-list")).to_contain_text("Please add when you stopped working there.")


def test_portfolio_pages_fit_a_320_pixel_phone_in_arabic(page, live_server, log_in_as, client_case):
    page.set_viewport_size({"width": 320, "height": 640})
    log_in_as(CLIENT_EMAIL)
    page.select_option("#language-select", "ar")
    page.locator(".language-form button").click()
    for path in (
        f"/cases/{client_case}/portfolio",
        f"/cases/{client_case}/portfolio/new/documents",
        f"/cases/{client_case}/portfolio/questionnaire",
    ):
        page.goto(f"{live_server}{path}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
