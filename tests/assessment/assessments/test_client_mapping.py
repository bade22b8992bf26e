"""The client maps their own evidence to learning outcomes on one screen; staff confirm or correct on one screen.
A client's mapping is marked as theirs and counts as evidence only once confirmed."""

import pytest
from sqlalchemy import select

from assessment.assessments import mapping, services
from assessment.assessments.models import EvidenceLink, EvidenceSource
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.extensions import db
from portfolio.models import PortfolioEntry, Section
from tests.assessment.conftest import outcome_ids
from tests.conftest import log_in


@pytest.fixture
def own(setup, make_user):
    """The open assessment's case with a client login and two portfolio items."""
    setup.client_user = make_user(Role.CLIENT, organisation=None, locale="ar")
    setup.case.client.user_id = setup.client_user.id
    setup.cook = PortfolioEntry(case_id=setup.case.id, section=Section.WORK, title="Cook in Aleppo", language="ar")
    setup.course = PortfolioEntry(case_id=setup.case.id, section=Section.EDUCATION, title="Hygiene", language="ar")
    db.session.add_all([setup.cook, setup.course])
    db.session.commit()
    return setup


def _actions():
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _grid_data(pairs, shown=()):
    data = {"shown": " ".join(f"{e}:{o}" for e, o in shown)}
    for entry_id, outcome_id in pairs:
        data.setdefault(f"entry_{entry_id}", []).append(str(outcome_id))
    return data


def test_a_proposal_counts_only_once_staff_confirm_it(own):
    first, second, third = outcome_ids(own.assessment)[:3]
    pairs = {(own.cook.id, first), (own.cook.id, second), (own.course.id, third)}
    changes = mapping.propose_evidence(own.client_user, own.case, pairs, set())
    db.session.commit()
    assert changes.added == 3 and mapping.waiting_proposals(own.case) == 3
    assert services.case_links(own.case) == [] and services.sources_by_outcome(own.case)[first] == set()
    links = db.session.scalars(select(EvidenceLink)).all()
    assert all(link.by_client and link.confirmed_at is None for link in links)

    # the counsellor leaves two ticked (confirmed), unticks one (declined) and adds one of their own
    chosen = {(own.cook.id, first), (own.course.id, third), (own.course.id, first)}
    changes = mapping.review_evidence(own.counsellor, own.case, chosen, pairs)
    db.session.commit()
    assert (changes.confirmed, changes.added, changes.removed) == (2, 1, 1)
    confirmed = {(link.entry_id, link.outcome_id): link for link in services.case_links(own.case)}
    assert set(confirmed) == chosen
    assert confirmed[(own.cook.id, first)].by_client and not confirmed[(own.course.id, first)].by_client
    assert services.sources_by_outcome(own.case)[first] == {EvidenceSource.PORTFOLIO}
    assert _actions().count("evidence_proposed") == 3
    assert {"evidence_confirmed", "evidence_proposal_declined", "evidence_mapped"} <= set(_actions())


def test_the_client_cannot_undo_what_staff_confirmed_and_withdraws_their_own(own):
    first, second = outcome_ids(own.assessment)[:2]
    mapping.propose_evidence(own.client_user, own.case, {(own.cook.id, first), (own.cook.id, second)}, set())
    mapping.review_evidence(own.counsellor, own.case, {(own.cook.id, first)}, {(own.cook.id, first)})
    shown = {(own.cook.id, first), (own.cook.id, second)}
    changes = mapping.propose_evidence(own.client_user, own.case, set(), shown)
    db.session.commit()
    assert changes.removed == 1 and "evidence_proposal_withdrawn" in _actions()
    assert [(link.entry_id, link.outcome_id) for link in services.case_links(own.case)] == [(own.cook.id, first)]


def test_a_proposal_made_while_the_counsellor_had_the_screen_open_is_left_waiting(own):
    first = outcome_ids(own.assessment)[0]
    mapping.propose_evidence(own.client_user, own.case, {(own.cook.id, first)}, set())
    mapping.review_evidence(own.counsellor, own.case, set(), set())  # shown before the proposal: nothing unticked
    db.session.commit()
    assert mapping.waiting_proposals(own.case) == 1


def test_items_and_outcomes_outside_the_case_are_refused(own):
    first = outcome_ids(own.assessment)[0]
    with pytest.raises(services.EvidenceError, match="not part of the case's target"):
        mapping.propose_evidence(own.client_user, own.case, {(own.cook.id, 987654)}, set())
    with pytest.raises(services.EvidenceError, match="Choose an item of this client's portfolio"):
        mapping.review_evidence(own.counsellor, own.case, {(987654, first)}, set())


def test_the_one_pair_form_confirms_a_proposal_of_the_same_pair(own):
    first = outcome_ids(own.assessment)[0]
    mapping.propose_evidence(own.client_user, own.case, {(own.cook.id, first)}, set())
    link = services.map_evidence(own.teacher, own.case, outcome_id=first, entry_id=own.cook.id, note="Seen")
    assert link.by_client and link.confirmed_by_id == own.teacher.id and link.note == "Seen"


def test_the_client_maps_several_items_on_one_screen_in_arabic(app, own):
    first, second, third = outcome_ids(own.assessment)[:3]
    browser = app.test_client()
    log_in(browser, own.client_user)
    url = f"/my/cases/{own.case.id}/evidence"
    page = browser.get(url, headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page and f'name="entry_{own.cook.id}"' in page
    data = _grid_data({(own.cook.id, first), (own.cook.id, second), (own.course.id, third)})
    assert browser.post(url, data=data).status_code == 302
    assert mapping.waiting_proposals(own.case) == 3
    page = browser.get(url).get_data(as_text=True)  # in the client's saved language
    assert page.count("بانتظار مرشدك") == 3  # "waiting for your counsellor"
    assert f'href="/my/cases/{own.case.id}/evidence"' in browser.get("/").get_data(as_text=True)
    response = browser.post(url, data={**data, f"entry_{own.cook.id}": ["not a number"]})
    assert response.status_code == 400 and mapping.waiting_proposals(own.case) == 3


def test_the_counsellor_confirms_and_corrects_on_one_screen(client, own):
    first, second, third = outcome_ids(own.assessment)[:3]
    mapping.propose_evidence(own.client_user, own.case, {(own.cook.id, first), (own.cook.id, second)}, set())
    db.session.commit()
    log_in(client, own.counsellor)
    assert "2 proposals of the client wait" in client.get(f"/cases/{own.case.id}").get_data(as_text=True)
    assert "2 proposals of the client wait" in client.get(f"/cases/{own.case.id}/evidence-map").get_data(as_text=True)
    url = f"/cases/{own.case.id}/evidence-map/items"
    page = client.get(url).get_data(as_text=True)
    assert page.count("proposed by the client, not confirmed yet") == 2
    assert page.count(" checked") == 2 and f'name="shown" type="hidden" value="{own.cook.id}:' in page
    shown = {(own.cook.id, first), (own.cook.id, second)}
    data = _grid_data({(own.cook.id, first), (own.course.id, third)}, shown)
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert {(link.entry_id, link.outcome_id) for link in services.case_links(own.case)} == {
        (own.cook.id, first),
        (own.course.id, third),
    }
    page = client.get(f"/cases/{own.case.id}/evidence-map").get_data(as_text=True)
    assert "2 of 4 learning outcomes have evidence" in page and "wait for your confirmation" not in page


def test_only_the_client_of_the_case_proposes_and_only_staff_of_the_case_confirm(app, own, make_user, people):
    stranger = make_user(Role.CLIENT)
    browser = app.test_client()
    log_in(browser, stranger)
    assert browser.get(f"/my/cases/{own.case.id}/evidence").status_code == 404
    browser = app.test_client()
    log_in(browser, own.client_user)
    assert browser.get(f"/cases/{own.case.id}/evidence-map/items").status_code == 403
    browser = app.test_client()
    log_in(browser, people.other_teacher)
    assert browser.get(f"/cases/{own.case.id}/evidence-map/items").status_code == 404
    browser = app.test_client()
    log_in(browser, own.teacher)
    assert browser.get(f"/cases/{own.case.id}/evidence-map/items").status_code == 200
