"""Pages hold no surprises: element ids are unique, phones need no sideways scrolling, times show no seconds."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from cases.models import Case, Client
from isok import demo
from isok.extensions import db
from tests.assessment.conftest import build_assessment

pytestmark = pytest.mark.e2e

DUPLICATE_IDS = """() => {
  const seen = {};
  document.querySelectorAll('[id]').forEach((element) => { seen[element.id] = (seen[element.id] || 0) + 1; });
  return Object.keys(seen).filter((id) => seen[id] > 1);
}"""
SECONDS = re.compile(r"\b\d{1,2}[:.]\d{2}[:.]\d{2}\b")


@pytest.fixture
def places(live_app):
    """The demo client's case and record, and an open assessment the demo tutor rates."""
    with live_app.app_context():
        client = db.session.scalar(select(Client).where(Client.user_id == demo.account("client@example.org").id))
        case = db.session.scalar(select(Case).where(Case.client_id == client.id).order_by(Case.id))
        world = build_assessment(
            demo.account("counsellor@example.org"),
            demo.account("teacher@example.org"),
            demo.account("tutor@example.org"),
            demo.organisation("Hotel Kallavesi Oy"),
            demo.organisation("Kuopio Guidance Centre"),
        )
        db.session.commit()
        return SimpleNamespace(case=case.id, client=client.id, assessment=world.assessment.id)


def _check(page, url, *, phone=False):
    assert page.goto(url).ok, url
    assert page.evaluate(DUPLICATE_IDS) == [], url
    assert not SECONDS.findall(page.locator("main").inner_text()), url
    if phone:
        width = page.evaluate("document.documentElement.scrollWidth")
        print(f"{url}: {width} px wide at 320")
        assert width <= 320, url


def test_key_pages_have_unique_ids_no_seconds_and_fit_a_320_pixel_phone(page, live_server, log_in_as, places):
    page.set_viewport_size({"width": 320, "height": 740})
    log_in_as("counsellor@example.org")
    for path in ("/", "/cases", f"/cases/{places.case}/interviews", f"/cases/{places.case}/portfolio"):
        _check(page, f"{live_server}{path}")
    _check(page, f"{live_server}/cases/{places.case}", phone=True)
    _check(page, f"{live_server}/clients/{places.client}", phone=True)
    _check(page, f"{live_server}/assessments/{places.assessment}")
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()

    log_in_as("tutor@example.org")
    _check(page, f"{live_server}/placements")
    _check(page, f"{live_server}/assessments/{places.assessment}/rate", phone=True)
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()

    log_in_as("client@example.org")
    _check(page, f"{live_server}/", phone=True)
    _check(page, f"{live_server}/my-case", phone=True)
