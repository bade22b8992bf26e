"""Two people save the same record from forms loaded at the same version, at the same moment: exactly one save
wins, the other is answered 409 with their input still on the form and a message, and nothing is silently lost.

Each pair loads the form as a browser would, fills it in, and sends both posts from two threads released together.
"""

import threading
from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from assessment.assessments.models import Rating
from cases import services
from cases.models import Case, Client, GuidanceEntry, StageChange
from isok.accounts.models import OrganisationType, Role
from isok.extensions import db
from tests.assessment.conftest import build_assessment, outcome_ids
from tests.conftest import log_in
from tests.reliability.browser import form_fields, with_values

PAIRS = 8
STALE = "Someone else saved"


def _at_once(first, second) -> list:
    """Run both sends released by one barrier; return their responses in order."""
    barrier = threading.Barrier(2)
    answers: list = [None, None]
    errors: list[BaseException] = []

    def send(index, action):
        try:
            barrier.wait(timeout=10)
            answers[index] = action()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=send, args=(i, action)) for i, action in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return answers


def _race(clients, page_path: str, action: str, values: list[dict]) -> tuple[int, str]:
    """Both load the page, both send their values; return (winner index, loser's page) after checking the answers."""
    forms = []
    for client in clients:
        page = client.get(page_path)
        assert page.status_code == 200
        forms.append(form_fields(page.get_data(as_text=True), action, page_path))
    assert dict(forms[0])["version"] == dict(forms[1])["version"], "both forms were loaded at the same version"
    answers = _at_once(
        *[
            lambda c=c, f=f, v=v: c.post(action, data=MultiDict(with_values(f, **v)))
            for c, f, v in zip(clients, forms, values, strict=True)
        ]
    )
    statuses = [answer.status_code for answer in answers]
    assert sorted(statuses) == [302, 409], f"one save wins, the other is told: {statuses}"
    loser = statuses.index(409)
    return 1 - loser, answers[loser].get_data(as_text=True)


def _assert_kept(page: str, *inputs: str) -> None:
    assert STALE in page
    for value in inputs:
        assert value in page, f"the loser's input {value!r} is on the form again"


@pytest.fixture
def two_counsellors(app, make_user, make_organisation, client):
    """The responsible counsellor and a co-counsellor of one case, each logged in from their own browser."""
    organisation = make_organisation(name="Kuopio Guidance Centre", type=OrganisationType.PUBLIC_BODY)
    people = [make_user(Role.COUNSELLOR, organisation=organisation) for _ in range(2)]
    person = services.register_client(
        people[0], organisation, first_name="Hodan", last_name="Warsame", birth_date=date(1990, 5, 1), gender="female"
    )
    case = services.open_case(
        people[0],
        person,
        organisation=organisation,
        client_type="long_term",
        entry_date=date(2026, 1, 10),
        counsellor=people[0],
        co_counsellors=[people[1]],
    )
    db.session.commit()
    clients = [client, app.test_client()]
    for browser, person_ in zip(clients, people, strict=True):
        log_in(browser, person_)
    return clients, case.id, case.client_id


def test_client_record(two_counsellors):
    clients, _case_id, client_id = two_counsellors
    for n in range(PAIRS):
        values = [{"phone": f"+358 40 {n:03d} 100{i}", "municipality": f"Town{n}x{i}"} for i in range(2)]
        winner, page = _race(clients, f"/clients/{client_id}/edit", f"/clients/{client_id}/edit", values)
        _assert_kept(page, values[1 - winner]["phone"], values[1 - winner]["municipality"])
        db.session.expire_all()
        record = db.session.get(Client, client_id)
        assert (record.phone, record.municipality) == (values[winner]["phone"], values[winner]["municipality"])


def test_case_record(two_counsellors):
    clients, case_id, _client_id = two_counsellors
    for n in range(PAIRS):
        values = [{"target": f"Cook {n}-{i}", "notes": f"Plan {n} by {i}"} for i in range(2)]
        winner, page = _race(clients, f"/cases/{case_id}/edit", f"/cases/{case_id}/edit", values)
        _assert_kept(page, values[1 - winner]["notes"], values[1 - winner]["target"])
        db.session.expire_all()
        case = db.session.get(Case, case_id)
        assert (case.target, case.notes) == (values[winner]["target"], values[winner]["notes"])


def test_case_stage(two_counsellors):
    clients, case_id, _client_id = two_counsellors
    for n in range(PAIRS):
        db.session.expire_all()
        moves = services.allowed_moves(db.session.get(Case, case_id))
        db.session.rollback()
        values = [
            {"stage": moves[i].value, "reason": f"Reason {n} of {i}", "on": date.today().isoformat()} for i in range(2)
        ]
        winner, page = _race(clients, f"/cases/{case_id}", f"/cases/{case_id}/stage", values)
        _assert_kept(page, values[1 - winner]["reason"])
        db.session.expire_all()
        last = db.session.scalar(
            select(StageChange).where(StageChange.case_id == case_id).order_by(StageChange.id.desc())
        )
        assert (last.to_stage.value, last.reason) == (values[winner]["stage"], values[winner]["reason"])
        assert db.session.get(Case, case_id).stage.value == values[winner]["stage"]


def test_guidance_entries_logged_at_the_same_moment_are_both_kept_beside_a_case_form(two_counsellors):
    """Adding to the log edits nothing of the case: neither entry is refused, and a case form loaded before them
    still saves."""
    clients, case_id, _client_id = two_counsellors
    page = clients[0].get(f"/cases/{case_id}/edit").get_data(as_text=True)
    case_form = form_fields(page, f"/cases/{case_id}/edit", f"/cases/{case_id}/edit")
    for n in range(PAIRS):
        forms = [
            form_fields(c.get(f"/cases/{case_id}").get_data(as_text=True), f"/cases/{case_id}/guidance")
            for c in clients
        ]
        sent = [MultiDict(with_values(form, note=f"Met {n} by {i}")) for i, form in enumerate(forms)]
        answers = _at_once(
            *[lambda c=c, d=d: c.post(f"/cases/{case_id}/guidance", data=d) for c, d in zip(clients, sent, strict=True)]
        )
        assert [answer.status_code for answer in answers] == [302, 302]
    notes = db.session.scalars(select(GuidanceEntry.note).where(GuidanceEntry.case_id == case_id)).all()
    assert sorted(notes) == sorted(f"Met {n} by {i}" for n in range(PAIRS) for i in range(2))
    saved = clients[0].post(f"/cases/{case_id}/edit", data=MultiDict(with_values(case_form, target="Baker")))
    assert saved.status_code == 302


def test_assessment_rating_sheet(app, make_user, make_organisation, client):
    """One assessor with the sheet open in two browsers: the later save must not overwrite the earlier unseen."""
    home = make_organisation(name="Guidance", type=OrganisationType.PUBLIC_BODY)
    hotel = make_organisation(name="Hotel Oy", type=OrganisationType.COMPANY)
    counsellor, teacher, tutor = (
        make_user(Role.COUNSELLOR, organisation=home),
        make_user(Role.TEACHER),
        make_user(Role.WORKPLACE_TUTOR, organisation=hotel),
    )
    world = build_assessment(counsellor, teacher, tutor, hotel, home)
    db.session.commit()
    assessment_id, outcome = world.assessment.id, outcome_ids(world.assessment)[0]
    clients = [client, app.test_client()]
    for browser in clients:
        log_in(browser, teacher)
    path = f"/assessments/{assessment_id}/rate"
    for n in range(PAIRS):
        values = [
            {
                f"level-{outcome}": str(2 + i),
                f"justification-{outcome}": f"Seen {n} in tab {i}",
                f"sources-{outcome}": ["observation"],
                "action": "save",
            }
            for i in range(2)
        ]
        winner, page = _race(clients, path, path, values)
        _assert_kept(page, values[1 - winner][f"justification-{outcome}"])
        db.session.expire_all()
        rating = db.session.scalar(select(Rating).where(Rating.outcome_id == outcome))
        assert rating.justification == values[winner][f"justification-{outcome}"]
        assert rating.level_code == values[winner][f"level-{outcome}"]
