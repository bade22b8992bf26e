"""The client maps their portfolio items to learning outcomes on one screen, in Arabic on a 360-pixel phone without
help from a script; the counsellor confirms and corrects the proposals on one screen."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assessment.assessments import mapping
from assessment.assessments.models import EvidenceLink
from assessment.frameworks import services as frameworks
from cases.models import Case, Client
from isok import demo
from isok.accounts.models import Role
from isok.accounts.services import create_user
from isok.extensions import db
from portfolio.models import PortfolioEntry, Section
from tests import factories

pytestmark = pytest.mark.e2e

CLIENT_EMAIL = "e2e-mapping-client@example.org"


@pytest.fixture
def mapping_case(live_app):
    """A client (Arabic) whose case targets the demo catering qualification, with two portfolio items."""
    with live_app.app_context():
        user = demo.account(CLIENT_EMAIL)
        if user is not None:
            return db.session.scalar(select(Case.id).join(Client).where(Client.user_id == user.id))
        user = create_user(
            None, email=CLIENT_EMAIL, name="Rasha Ali", roles={Role.CLIENT}, password="e2e-demo-password", locale="ar"
        )
        counsellor = demo.account("counsellor@example.org")
        client = factories.new_client(
            counsellor.organisation, user=user, first_name="Rasha", last_name="Ali", preferred_language="ar"
        )
        case = factories.new_case(counsellor.organisation, counsellor, client=client, entry_date=date(2026, 1, 15))
        version = next(v for v in frameworks.published_versions() if v.framework.code == "fi-vq-restaurant-catering")
        frameworks.set_target_qualification(counsellor, case, version)
        for section, title in ((Section.WORK, "طباخة في مطعم في حلب"), (Section.EDUCATION, "دورة سلامة الغذاء")):
            db.session.add(PortfolioEntry(case_id=case.id, section=section, title=title, language="ar"))
        db.session.commit()
        return case.id


def test_client_proposes_evidence_in_arabic_on_a_phone_and_the_counsellor_confirms(
    page, live_server, live_app, log_in_as, assert_accessible, mapping_case
):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in_as(CLIENT_EMAIL)
    page.locator(f"a[href='/my/cases/{mapping_case}/evidence']").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)

    items = page.locator("fieldset.evidence-item")
    expect(items).to_have_count(2)
    items.nth(0).locator("input[type=checkbox]").nth(0).check()
    items.nth(0).locator("input[type=checkbox]").nth(1).check()
    items.nth(1).locator("input[type=checkbox]").nth(0).check()
    page.locator("form:has(fieldset.evidence-item) button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("fieldset.evidence-item .badge-warn")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)  # the saved screen, with the proposals marked as waiting
    with live_app.app_context():
        assert mapping.waiting_proposals(db.session.get(Case, mapping_case)) == 3
    page.locator(".header-tools button[type=submit]").last.click()

    page.set_viewport_size({"width": 1024, "height": 800})
    log_in_as("counsellor@example.org")
    page.goto(f"{live_server}/cases/{mapping_case}/evidence-map")
    page.locator(f"a[href='/cases/{mapping_case}/evidence-map/items']").click()
    expect(page.locator("fieldset.evidence-item .badge-warn")).to_have_count(3)
    assert_accessible(page)
    page.locator("fieldset.evidence-item").nth(0).locator("input[type=checkbox]").nth(1).uncheck()  # declined
    page.locator("form:has(fieldset.evidence-item) button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("fieldset.evidence-item .badge-ok")).to_have_count(2)
    with live_app.app_context():
        links = db.session.scalars(select(EvidenceLink).where(EvidenceLink.case_id == mapping_case)).all()
        assert len(links) == 2 and all(link.by_client and link.confirmed_at is not None for link in links)
    page.locator(".header-tools button[type=submit]").last.click()

    page.set_viewport_size({"width": 360, "height": 740})
    log_in_as(CLIENT_EMAIL)
    page.goto(f"{live_server}/my/cases/{mapping_case}/evidence")
    expect(page.locator("fieldset.evidence-item input[disabled]:checked")).to_have_count(2)  # now the counsellor's
