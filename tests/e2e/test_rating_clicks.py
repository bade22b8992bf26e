"""Two staff raters rate nine learning outcomes in a real browser, one unit per screen; the clicks are counted."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from isok import demo
from isok.extensions import db
from tests.assessment.conftest import build_assessment, unit_ids

pytestmark = pytest.mark.e2e

CLICK_BUDGET = 25


class Counter:
    """Counts what a person does with the mouse (every pointer press, and every confirmation dialog answered) and
    the forms the browser sends."""

    def __init__(self, page):
        self.clicks = self.submissions = 0
        page.context.expose_function("isokCountClick", self._click)
        page.context.add_init_script("document.addEventListener('pointerdown', () => window.isokCountClick(), true);")
        page.on("dialog", self._dialog)
        page.on("request", self._request)

    def _click(self):
        self.clicks += 1

    def _dialog(self, dialog):
        self.clicks += 1
        dialog.accept()

    def _request(self, request):
        if request.method == "POST" and request.resource_type == "document":
            self.submissions += 1


@pytest.fixture
def nine_outcomes(live_app):
    """An open assessment at Hotel Kallavesi Oy of two units, five and four learning outcomes."""
    with live_app.app_context():
        world = build_assessment(
            demo.account("counsellor@example.org"),
            demo.account("teacher@example.org"),
            demo.account("tutor@example.org"),
            demo.organisation("Hotel Kallavesi Oy"),
            demo.organisation("Kuopio Guidance Centre"),
            units=2,
            outcomes=(5, 4),
        )
        first_unit = world.assessment.framework_snapshot["units"][0]
        data = SimpleNamespace(
            id=world.assessment.id, units=unit_ids(world.assessment), odd_one=first_unit["outcomes"][2]["id"]
        )
        db.session.commit()
    return data


def _rate_unit(page, unit_id, level, justification, source):
    """The same level, justification and evidence for every outcome of the unit (typing is not clicking)."""
    page.check(f"input[name='unit-level-{unit_id}'][value='{level}']")
    page.click(f"#unit-justification-{unit_id}")
    page.keyboard.type(justification)
    page.check(f"input[name='unit-sources-{unit_id}'][value='{source}']")


def test_two_staff_raters_rate_nine_outcomes_in_at_most_25_clicks(
    page, live_server, log_in_as, assert_accessible, nine_outcomes
):
    sheet = f"{live_server}/assessments/{nine_outcomes.id}"
    first, second = nine_outcomes.units
    counter, counts = Counter(page), []
    for email, level, adjusted, justification, source in (
        ("counsellor@example.org", "2", "3", "Showed her breakfast work in the portfolio", "portfolio"),
        ("teacher@example.org", "2", "1", "Explained the hygiene rules in the interview", "interview"),
    ):
        log_in_as(email)
        page.goto(sheet)
        before = (counter.clicks, counter.submissions)
        page.click(f"a[href='/assessments/{nine_outcomes.id}/rate']")
        expect(page.locator("h1")).to_have_text("Your assessment")
        assert_accessible(page)
        page.check("input[name=conflict][value=no]")
        _rate_unit(page, first, level, justification, source)
        page.check(f"input[name='level-{nine_outcomes.odd_one}'][value='{adjusted}']")
        page.click("button[name=action][value=next]")
        expect(page.locator(".messages .flash-success")).to_be_visible()
        assert_accessible(page)
        _rate_unit(page, second, level, justification, source)
        page.click("button[name=action][value=submit]")
        expect(page.locator(".flash-success").last).to_contain_text("You submitted your ratings")
        counts.append((email, counter.clicks - before[0], counter.submissions - before[1]))
        page.wait_for_load_state("networkidle")
        page.context.clear_cookies()

    clicks = sum(c for _, c, _ in counts)
    for email, c, s in counts:
        print(f"{email}: {c} clicks, {s} form submissions")
    print(f"two raters, nine outcomes: {clicks} clicks, {sum(s for _, _, s in counts)} form submissions")
    assert clicks <= CLICK_BUDGET


def _tab_to(page, selector, limit=120):
    """Press Tab until the element `selector` has the focus, as a person without a mouse moves through the page."""
    for _ in range(limit):
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is not reached with the Tab key")


def test_the_tutor_rates_a_unit_with_the_keyboard_only(page, live_server, log_in_as, nine_outcomes):
    page.set_viewport_size({"width": 320, "height": 740})
    log_in_as("tutor@example.org")
    counter = Counter(page)
    page.goto(f"{live_server}/assessments/{nine_outcomes.id}/rate")
    first = nine_outcomes.units[0]
    _tab_to(page, "input[name=conflict]")
    page.keyboard.press("Space")  # the first choice: no conflict of interest
    _tab_to(page, f"input[name='unit-level-{first}']")
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # 0 → 3 on the four-level scale
    _tab_to(page, f"#unit-justification-{first}")
    page.keyboard.type("Ran the breakfast buffet on her own")
    _tab_to(page, f"input[name='unit-sources-{first}'][value='observation']")
    page.keyboard.press("Space")
    _tab_to(page, "button[name=action][value=next]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/rate?unit={nine_outcomes.units[1]}")
    assert page.locator(".stage-steps").inner_text().count("5 of 5 rated") == 1
    assert counter.clicks == 0 and counter.submissions == 1
