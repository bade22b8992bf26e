"""A new client's whole journey in a real browser, from the counsellor's first form to the certificate replaced on
appeal: counsellor, client (in Arabic, at 360 px), referee (by link, in Arabic, at 360 px), teacher, tutor (by link,
at 360 px), counsellor, client, a second teacher and the counsellor again. Every click and form submission is
counted and printed per person, and every page the journey shows is checked with axe-core.

What people do goes through the UI, the client's login included (the counsellor's one-time link). Two things are set
through the services instead, because no person does them in this journey or the clock forbids it: a second teacher's
account (the administrator's work; she reviews the appeal), and the clock of the interview (booked in the UI for a
later day, then moved to have started half an hour ago, as the day of the interview coming). The placement is
recorded in the UI with the dates it ran (it ended yesterday), so it is rated and signed off on its honest dates.

Clicks are pointer presses, plus two per dropdown choice (open, choose); form submissions are the POSTs the browser
sends. Logging in is not counted.
"""

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from assessment.interviews.models import Interview
from isok import demo
from isok.accounts import second_factor
from isok.accounts import services as account_services
from isok.accounts.models import Role
from isok.database import utcnow
from isok.extensions import db

pytestmark = pytest.mark.e2e

CLIENT_EMAIL = "zahra.journey@example.org"
CLIENT_PASSWORD = "Aleppo kitchen, five good years"
REVIEWER_EMAIL = "reviewer.journey@example.org"
PHONE = {"width": 360, "height": 760}
DESKTOP = {"width": 1280, "height": 900}


class Counter:
    """Counts what each person does with the mouse (every pointer press, and every confirmation dialog answered)
    and the forms the browser sends, for whoever acts now (logging in is not counted)."""

    def __init__(self, page):
        self.person, self.counts = None, {}
        page.context.expose_function("isokCountClick", self.click)
        page.context.add_init_script("document.addEventListener('pointerdown', () => window.isokCountClick(), true);")
        page.on("dialog", self._dialog)
        page.on("request", self._request)

    def _add(self, index):
        if self.person is not None:
            self.counts[self.person][index] += 1

    def click(self):
        self._add(0)

    def _dialog(self, dialog):
        self._add(0)
        dialog.accept()

    def _request(self, request):
        if request.method == "POST" and request.resource_type == "document":
            self._add(1)


@pytest.fixture
def second_teacher(live_app):
    """What the administrator sets up: a second teacher of the college, who reviews the appeal."""
    with live_app.app_context():
        if demo.account(REVIEWER_EMAIL) is None:
            user = account_services.create_user(
                demo.account("admin@example.org"),
                email=REVIEWER_EMAIL,
                name="Kaisa Arvioija",
                roles={Role.TEACHER},
                password="e2e-demo-password",
                organisation=demo.organisation("Savonia Vocational College"),
            )
            db.session.flush()
            second_factor.enrol_demo(user, live_app.config["DEMO_TOTP_SECRET"])
        db.session.commit()


class Journey:
    """The browser, the counter and the pages checked."""

    def __init__(self, page, base, log_in_as, assert_accessible):
        self.page, self.base, self.log_in_as, self.check = page, base, log_in_as, assert_accessible
        self.counter = Counter(page)
        self.checked = []

    def as_person(self, label, email, viewport=DESKTOP, password="e2e-demo-password"):
        self.leave()
        self.page.set_viewport_size(viewport)
        if email:
            self.log_in_as(email, password)
        self.turn(label)

    def turn(self, label, part=""):
        """From now on, count for `label` (one person's turn, or a part of it)."""
        self.counter.person = (len(self.counter.counts) + 1, label, part)
        self.counter.counts[self.counter.person] = [0, 0]

    def leave(self):
        """Log out by forgetting the cookies, once the page has settled (a late answer would set them again)."""
        self.counter.person = None
        self.page.wait_for_load_state("networkidle")
        self.page.context.clear_cookies()

    def axe(self):
        self.page.wait_for_load_state("load")
        self.check(self.page)
        path = self.page.url.removeprefix(self.base).split("?")[0]
        path = re.sub(r"/(password|placement-link|statement)/(?!assess$)[^/]+$", r"/\1/<token>", path)
        path = re.sub(r"\d+", "<id>", path)
        self.checked.append(path)

    def click(self, selector):
        self.page.locator(selector).first.click()

    def follow(self, selector):
        """Follow a link and check the page it leads to."""
        self.submit(selector)

    def submit(self, selector):
        """Press a submit button (or a link) and check the page it leads to, once it has loaded."""
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()
        self.axe()

    def select(self, selector, value):
        """Choose from a dropdown: one click opens it, one chooses (Playwright's choosing sends no pointer event)."""
        self.page.select_option(selector, value)
        self.counter.click()
        self.counter.click()

    def type(self, selector, text):
        """Focus a field with a click and type into it (typing is not clicking)."""
        field = self.page.locator(selector).first
        field.click()
        field.fill(text)

    def rate(self, level_index, justification, source):
        """The rating sheet, one unit per screen: the same level for every outcome of the unit."""
        page = self.page
        if page.locator("input[name=conflict][value=no]").count():
            self.click("input[name=conflict][value=no]")
        while True:
            units = page.locator("input[type=hidden][name=unit]")
            for i in range(units.count()):
                uid = units.nth(i).get_attribute("value")
                self.click(f"input[name='unit-level-{uid}'] >> nth={level_index}")
                self.type(f"#unit-justification-{uid}", justification)
                self.click(f"input[name='unit-sources-{uid}'][value='{source}']")
            if page.locator("button[name=action][value=next]").count():
                self.submit("button[name=action][value=next]")
            else:
                self.submit("button[name=action][value=submit]")
                return


def test_a_new_client_goes_from_the_first_form_to_a_certificate_replaced_on_appeal(
    page, live_server, live_app, log_in_as, assert_accessible, second_teacher
):
    j = Journey(page, live_server, log_in_as, assert_accessible)
    _walk(j, live_app)
    people = {}
    for (turn, person, part), (clicks, submissions) in j.counter.counts.items():
        print(f"{turn}. {person}{part}: {clicks} clicks, {submissions} form submissions")
        people[person] = [a + b for a, b in zip(people.get(person, [0, 0]), (clicks, submissions), strict=True)]
    for person, (clicks, submissions) in people.items():
        print(f"{person} in all: {clicks} clicks, {submissions} form submissions")
    total = [sum(counts) for counts in zip(*people.values(), strict=True)]
    print(f"whole journey: {total[0]} clicks, {total[1]} form submissions")
    print(f"{len(j.checked)} pages checked with axe-core: {', '.join(dict.fromkeys(j.checked))}")


def _walk(j, live_app):
    page, base = j.page, j.base
    ids = SimpleNamespace()

    # 1. The counsellor registers the client, gives them their login link, sets the target and books the interview.
    j.as_person("counsellor", "counsellor@example.org")
    j.follow("a[href='/clients/new']")
    j.type("input[name=first_name]", "Zahra")
    j.type("input[name=last_name]", "Al-Amin")
    j.type("input[name=birth_date]", "1990-03-14")
    j.select("select[name=mother_tongue]", "ar")
    j.select("select[name=preferred_language]", "ar")
    j.type("input[name=email]", CLIENT_EMAIL)
    j.type("input[name=target]", "Cook")
    j.type("input[name=entry_date]", date.today().isoformat())
    j.submit("form.client-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Zahra Al-Amin")
    ids.case = int(re.search(r"/cases/(\d+)", page.url).group(1))
    j.follow("main a[href^='/clients/']:not([href='/clients/new'])")
    j.submit("form[action$='/login-link'] button[type=submit]")
    ids.login_link = page.locator(".link-box code").inner_text()
    page.goto(f"{base}/cases/{ids.case}")
    version = page.locator("#panel-version option", has_text="Restaurant and Catering").get_attribute("value")
    j.select("#panel-version", version)
    j.submit(f"form[action='/cases/{ids.case}/qualification'] button[type=submit]")
    expect(page.locator("#case-interviews-title + p")).to_contain_text("Restaurant and Catering")
    j.follow(f"a[href='/cases/{ids.case}/interviews/new']")
    teacher = page.locator("select[name=teacher_id] option", has_text="Matti Opettaja").get_attribute("value")
    j.select("select[name=teacher_id]", teacher)
    j.type("input[name=date]", (date.today() + timedelta(days=7)).isoformat())
    j.type("input[name=time]", "10:00")
    j.type("input[name=place]", "Savonia, room 2.14")
    j.select("select[name=interpreter_language]", "ar")
    j.submit("form.interview-form button[type=submit]")
    expect(page.locator(".badge-scheduled")).to_be_visible()
    ids.interview = int(re.search(r"/interviews/(\d+)", page.url).group(1))

    # 2. The client, on a phone in Arabic, chooses a password by the link, logs in and rates themselves.
    j.as_person("client", None, PHONE)
    page.goto(ids.login_link)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    j.axe()
    j.type("input[name=password]", CLIENT_PASSWORD)
    j.submit("main form[method=post] button[type=submit]")
    j.as_person("client", CLIENT_EMAIL, PHONE, CLIENT_PASSWORD)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    j.axe()
    j.follow(f"a[href='/my/cases/{ids.case}/self-assessment']")
    groups = page.locator("fieldset:has(input[type=radio][name^=level-])")
    for i in range(groups.count()):
        j.click(f"fieldset:has(input[type=radio][name^=level-]) >> nth={i} >> input[type=radio] >> nth=-2")
    j.type("textarea[name^=note-]", "عملت طاهية في مطعم في حلب خمس سنوات")
    j.submit("main form[method=post] button[type=submit]")

    # 3. The counsellor asks her former head chef for a statement; he answers by the link on his phone, in Arabic.
    j.as_person("counsellor", "counsellor@example.org")
    page.goto(f"{base}/cases/{ids.case}")
    j.follow(f"a[href='/cases/{ids.case}/statements/new']")
    j.type("#name", "Khalid Haddad")
    j.type("#organisation", "Al-Bustan Restaurant, Aleppo")
    j.select("#country", "SY")
    j.type("#email", "khalid@example.com")
    j.select("#language", "ar")
    j.type("#tasks", "Prepared hot lunch dishes for 150 guests a day")
    page.locator("input[name=outcome_ids]").first.check()
    j.type("#deadline", (date.today() + timedelta(days=14)).isoformat())
    j.submit("main form[method=post] button[type=submit]")
    ids.statement_link = page.locator(".link-box code").inner_text()

    j.as_person("referee", None, PHONE)
    page.goto(ids.statement_link)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    j.axe()
    for choice in page.locator("input[type=radio][value=yes]").all():
        choice.check()
    j.click("input[name=acquaintance][value=supervised]")
    j.type("#period", "2016–2021")
    j.type("#comment", "طباخة دقيقة وسريعة")
    j.submit("main form[method=post] button[type=submit]")
    expect(page.locator("main form")).to_have_count(0)

    with live_app.app_context():  # the day of the interview comes
        interview = db.session.get(Interview, ids.interview)
        interview.starts_at = utcnow() - timedelta(minutes=30)
        db.session.commit()

    # 4. The teacher records the interview once it has started, and how he verified the referee's statement.
    j.as_person("teacher", "teacher@example.org")
    page.goto(f"{base}/interviews/{ids.interview}")
    j.axe()
    j.follow(f"a[href$='/interviews/{ids.interview}/record']")
    results = page.locator("select[name^=result_]")
    for i in range(results.count()):
        j.select(f"select[name^=result_] >> nth={i}", "verified")
    j.type("textarea[name^=note_]", "Showed photos of dishes made at a restaurant in Aleppo.")
    j.click("input[name=placement]")
    j.submit("form.record-form button[type=submit]")
    expect(page.locator(".badge-recorded")).to_be_visible()
    page.goto(f"{base}/cases/{ids.case}/triangulation")
    j.axe()
    j.follow("main a:has-text('Khalid Haddad')")
    j.click("input[name=method][value=phone]")
    j.type("#note", "Called the restaurant's owner on its listed number")
    j.submit("form[action$='/verify'] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("The verification is recorded.")

    # 5. The counsellor records the placement as it ran, opens the assessment, gives the tutor a link and rates.
    j.as_person("counsellor", "counsellor@example.org")
    page.goto(f"{base}/cases/{ids.case}")
    j.follow(f"a[href='/cases/{ids.case}/placements/new']")
    hotel = page.locator("select[name=workplace_id] option", has_text="Hotel Kallavesi").get_attribute("value")
    j.select("select[name=workplace_id]", hotel)
    tutor = page.locator("select[name=tutor_id] option", has_text="Sari").get_attribute("value")
    j.select("select[name=tutor_id]", tutor)
    j.type("input[name=start_date]", (date.today() - timedelta(days=30)).isoformat())
    j.type("input[name=end_date]", (date.today() - timedelta(days=1)).isoformat())
    j.type("textarea[name=tasks]", "Breakfast buffet and à la carte lunches")
    for i in range(2):
        page.locator("input[name=unit_ids]").nth(i).check()
    j.submit("main form[method=post] button[type=submit]")
    ids.placement = int(re.search(r"/placements/(\d+)", page.url).group(1))
    j.follow(f"a[href='/placements/{ids.placement}/assessments/new']")
    teacher = page.locator("select[name=teacher_id] option", has_text="Matti Opettaja").get_attribute("value")
    j.select("select[name=teacher_id]", teacher)
    j.submit("main form[method=post] button[type=submit]")
    ids.assessment = int(re.search(r"/assessments/(\d+)", page.url).group(1))
    page.goto(f"{base}/placements/{ids.placement}")
    j.submit(f"form[action='/placements/{ids.placement}/tutor-links'] button[type=submit]")
    ids.tutor_link = page.locator(".link-box code").inner_text()
    page.goto(f"{base}/assessments/{ids.assessment}")
    j.follow(f"a[href='/assessments/{ids.assessment}/rate']")
    j.rate(-1, "Her portfolio shows five years as a cook in Aleppo", "portfolio")

    # 6. The workplace tutor opens the link on a phone and rates what they saw.
    j.as_person("tutor", None, PHONE)
    page.goto(ids.tutor_link)
    j.axe()
    j.submit("form[action$='/start'] button[type=submit]")
    j.rate(-1, "Ran the breakfast buffet on her own", "observation")

    # 7. The teacher rates, reconciles the three ratings (one outcome only partly shown) and signs off.
    j.as_person("teacher", "teacher@example.org")
    page.goto(f"{base}/assessments/{ids.assessment}")
    j.axe()
    j.follow(f"a[href='/assessments/{ids.assessment}/rate']")
    j.rate(-2, "Explained the hygiene rules in the interview", "interview")
    j.turn("teacher", " (reconciliation and sign-off)")
    page.goto(f"{base}/assessments/{ids.assessment}/reconcile")
    j.axe()
    levels = page.locator("select[id^=level-]")
    ids.outcomes = [levels.nth(i).get_attribute("id").removeprefix("level-") for i in range(levels.count())]
    print(f"two units, {len(ids.outcomes)} learning outcomes")
    for n, oid in enumerate(ids.outcomes):
        odd = n == 0
        last = page.locator(f"#level-{oid} option").last.get_attribute("value")
        low = page.locator(f"#level-{oid} option").nth(1).get_attribute("value")
        j.select(f"#level-{oid}", low if odd else last)
        j.select(f"#result-{oid}", "partly" if odd else "recognised")
        j.type(f"#rationale-{oid}", "Shown at the workplace and in the interview")
    units = page.locator("select[id^=unit-level-]")
    for i in range(units.count()):
        uid = units.nth(i).get_attribute("id").removeprefix("unit-level-")
        j.select(f"#unit-level-{uid}", page.locator(f"#unit-level-{uid} option").last.get_attribute("value"))
        j.type(f"#unit-rationale-{uid}", "Good, shown at the workplace")
    j.submit("main form[method=post] button[type=submit]")
    expect(page.locator(".messages .flash-success")).to_be_visible()
    if page.locator("input[name=acknowledge]").count():
        j.click("input[name=acknowledge]")
    j.submit("form[action$='/sign-off'] button[type=submit]")
    j.submit("form:has(input[name=confirm]) button[type=submit]")
    expect(page.locator(".facts .badge")).to_have_text("Signed off")

    # 8. The counsellor confirms the sign-off and issues the certificate (in the client's languages by default).
    j.as_person("counsellor", "counsellor@example.org")
    page.goto(f"{base}/assessments/{ids.assessment}")
    j.submit(f"form[action='/assessments/{ids.assessment}/confirm'] button[type=submit]")
    page.goto(f"{base}/cases/{ids.case}")
    j.follow(f"a[href='/cases/{ids.case}/certificates']")
    j.submit("form[action$='/certificates/preview'] button[type=submit]:not([formaction])")
    j.submit(f"form[action='/cases/{ids.case}/certificates'] button[type=submit]")
    j.submit("form:has(input[name=confirm]) button[type=submit]")
    ids.certificate = int(re.search(r"/certificates/(\d+)", page.url).group(1))
    first_number = page.locator("h1").inner_text()

    # 9. The client, on their phone in Arabic, asks for a review of the outcome only partly recognised.
    j.as_person("client", CLIENT_EMAIL, PHONE, CLIENT_PASSWORD)
    j.follow(f"a[href='/my/assessments/{ids.assessment}/appeal']")
    j.type("textarea[name=reason]", "عملي في مطعم عمي في حلب يبين هذه المهارة كاملة")
    j.submit("main form[method=post] button[type=submit]")

    # 10. The counsellor asks a teacher who took no part in the assessment to review it.
    j.as_person("counsellor", "counsellor@example.org")
    page.goto(f"{base}/assessments/{ids.assessment}")
    reviewer = page.locator("select[name=reviewer_id] option", has_text="Kaisa Arvioija").get_attribute("value")
    j.select("select[name=reviewer_id]", reviewer)
    j.submit(f"form[action='/assessments/{ids.assessment}/appeal/reviewer'] button[type=submit]")

    # 11. The reviewer changes the outcome: the decision changes and the certificate is replaced.
    j.as_person("reviewer", REVIEWER_EMAIL)
    page.goto(f"{base}/assessments/{ids.assessment}")
    j.axe()
    j.follow(f"a[href='/assessments/{ids.assessment}/appeal/review']")
    j.click("input[name=changed][value=changed]")
    odd = ids.outcomes[0]
    j.select(f"#level-{odd}", page.locator(f"#level-{odd} option").last.get_attribute("value"))
    j.select(f"#result-{odd}", "recognised")
    j.type("#note", "Her work at her uncle's restaurant shows the outcome fully.")
    j.submit("main form[method=post] button[type=submit]")
    expect(page.locator(".messages .flash-success")).to_be_visible()

    # 12. The counsellor finds the certificate replaced by a new one stating the changed result.
    j.as_person("counsellor", "counsellor@example.org")
    page.goto(f"{base}/certificates/{ids.certificate}")
    j.axe()
    expect(page.locator("main")).to_contain_text("Replaced by")
    j.follow("main dd a[href^='/certificates/']")
    assert page.locator("h1").inner_text() != first_number
    j.leave()
