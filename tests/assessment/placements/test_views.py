import re
from datetime import timedelta

from sqlalchemy import select

from assessment.assessments.models import Assessment, AssessorRole
from assessment.placements import services as placement_services
from assessment.placements.models import Placement, TutorLink
from isok.accounts.models import Role, User
from isok.database import utcnow
from isok.extensions import db
from tests.assessment.conftest import build_case, build_framework, outcome_ids
from tests.conftest import log_in


def _rating_form(assessment, level="2", justification="Seen doing it", action="save", version=None, **extra):
    assessor = next(a for a in assessment.active_assessors() if a.role is AssessorRole.WORKPLACE_TUTOR)
    data = {"version": version if version is not None else assessor.version, "action": action, **extra}
    for oid in outcome_ids(assessment):
        data[f"level-{oid}"] = level
        data[f"justification-{oid}"] = justification
        data[f"sources-{oid}"] = "observation"
    return data


# --- placements ------------------------------------------------------------------------------------------------


def test_counsellor_plans_a_placement_with_a_new_tutor_and_invites_them(client, people):
    version = build_framework()
    case = build_case(people.home, people.counsellor, version)
    db.session.commit()
    log_in(client, people.counsellor)
    form = client.get(f"/cases/{case.id}/placements/new").get_data(as_text=True)
    assert "U1 Unit 1" in form
    response = client.post(
        f"/cases/{case.id}/placements/new",
        data={
            "workplace_id": people.hotel.id,
            "tutor_id": 0,
            "new_tutor_name": "Kalle Kokki",
            "new_tutor_email": "kalle@hotel.example",
            "start_date": "2026-03-01",
            "end_date": "2026-04-30",
            "tasks": "Cold kitchen",
            "unit_ids": [u.id for u in version.units],
        },
    )
    assert response.status_code == 302
    placement = db.session.scalar(select(Placement).where(Placement.case_id == case.id))
    tutor = db.session.get(User, placement.tutor_id)
    assert tutor.email == "kalle@hotel.example" and tutor.roles == {Role.WORKPLACE_TUTOR}
    assert tutor.password_hash is None

    page = client.post(f"/placements/{placement.id}/tutor-links", data={"days": 30}).get_data(as_text=True)
    token = re.search(r"/placement-link/([\w-]+)", page).group(1)
    assert placement_services.tutor_link(token).placement_id == placement.id
    assert token not in client.get(f"/placements/{placement.id}").get_data(as_text=True)  # shown once only


def test_placement_form_keeps_input_when_dates_are_wrong(client, people):
    version = build_framework()
    case = build_case(people.home, people.counsellor, version)
    db.session.commit()
    log_in(client, people.counsellor)
    response = client.post(
        f"/cases/{case.id}/placements/new",
        data={
            "workplace_id": people.hotel.id,
            "tutor_id": people.tutor.id,
            "start_date": "2026-04-01",
            "end_date": "2026-03-01",
            "tasks": "Breakfast service",
            "unit_ids": [version.units[0].id],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "cannot end before it starts" in page and "Breakfast service" in page


def test_stale_placement_edit_shows_a_message_and_keeps_the_input(client, setup):
    log_in(client, setup.counsellor)
    stale = setup.placement.version
    data = {
        "workplace_id": setup.workplace.id,
        "tutor_id": setup.tutor.id,
        "start_date": "2026-03-01",
        "end_date": "2026-04-30",
        "unit_ids": [u.id for u in setup.version.units],
    }
    assert (
        client.post(
            f"/placements/{setup.placement.id}/edit", data={**data, "version": stale, "tasks": "First"}
        ).status_code
        == 302
    )
    response = client.post(
        f"/placements/{setup.placement.id}/edit", data={**data, "version": stale, "tasks": "Second, typed meanwhile"}
    )
    assert response.status_code == 409
    assert "Someone else saved this placement" in response.get_data(as_text=True)
    assert "Second, typed meanwhile" in response.get_data(as_text=True)
    assert db.session.get(Placement, setup.placement.id).tasks == "First"


def test_tutor_sees_only_their_own_placements(client, setup, people):
    other = build_case(people.home, people.counsellor, setup.version)
    placement_services.create_placement(
        people.counsellor,
        other,
        workplace=people.hotel,
        tutor=people.other_tutor,
        start_date=setup.placement.start_date,
        end_date=setup.placement.end_date,
        tasks=None,
        units=list(setup.version.units),
    )
    db.session.commit()
    log_in(client, setup.tutor)
    page = client.get("/placements").get_data(as_text=True)
    assert setup.case.client.full_name in page and other.client.full_name not in page
    assert client.get(f"/cases/{setup.case.id}/assessment").status_code == 404
    assert "Waiting for your assessment" in client.get("/").get_data(as_text=True)


# --- the personal link -----------------------------------------------------------------------------------------


def _start_link_session(client, placement, counsellor):
    _link, token = placement_services.issue_tutor_link(counsellor, placement)
    db.session.commit()
    assert client.get(f"/placement-link/{token}").status_code == 200
    response = client.post(f"/placement-link/{token}/start")
    assert response.status_code == 302 and response.headers["Location"].endswith("/placement-link/assess")
    return token


def test_link_session_opens_only_its_placements_sheet(client, setup, people):
    _start_link_session(client, setup.placement, setup.counsellor)
    page = client.get("/placement-link/assess").get_data(as_text=True)
    assert "Your assessment" in page and "Outcome 1.1" in page
    assert (
        client.post(
            "/placement-link/assess", data=_rating_form(setup.assessment, action="submit", conflict="no")
        ).status_code
        == 302
    )
    assert (
        db.session.get(Assessment, setup.assessment.id).assessor_in(AssessorRole.WORKPLACE_TUTOR).submitted_at
        is not None
    )
    # nothing else opens: every other page asks for a login
    for url in (
        "/",
        "/placements",
        f"/assessments/{setup.assessment.id}",
        f"/assessments/{setup.assessment.id}/rate",
        f"/placements/{setup.placement.id}",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_revoked_or_expired_link_ends_the_link_session(client, setup):
    token = _start_link_session(client, setup.placement, setup.counsellor)
    link = placement_services.tutor_link(token)
    link.revoked_at = utcnow()
    db.session.commit()
    assert client.get("/placement-link/assess").status_code == 404
    assert client.get(f"/placement-link/{token}").status_code == 404

    token = _start_link_session(client, setup.placement, setup.counsellor)
    link = placement_services.tutor_link(token)
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/placement-link/assess").status_code == 404
    assert client.post(f"/placement-link/{token}/start").status_code == 404


def test_link_session_ends_when_the_tutor_finishes(client, setup):
    _start_link_session(client, setup.placement, setup.counsellor)
    assert client.post("/placement-link/end").status_code == 200
    assert client.get("/placement-link/assess").status_code == 404


def test_link_of_a_placement_without_an_assessment_opens_no_sheet(client, setup, people):
    second = placement_services.create_placement(
        setup.counsellor,
        setup.case,
        workplace=people.hotel,
        tutor=setup.tutor,
        start_date=setup.placement.start_date,
        end_date=setup.placement.end_date,
        tasks=None,
        units=[setup.version.units[0]],
    )
    db.session.commit()
    _start_link_session(client, second, setup.counsellor)
    page = client.get("/placement-link/assess").get_data(as_text=True)
    assert "Nothing to assess yet" in page and "Outcome 1.1" not in page


def test_invited_tutor_sets_a_password_through_the_link_and_is_logged_in(client, setup, people):
    tutor = placement_services.create_tutor_account(
        setup.counsellor, people.hotel, name="Kalle Kokki", email="kalle@hotel.example"
    )
    placement = db.session.get(Placement, setup.placement.id)
    placement.tutor_id = tutor.id
    _link, token = placement_services.issue_tutor_link(setup.counsellor, placement)
    db.session.commit()
    assert "Or set a password" in client.get(f"/placement-link/{token}").get_data(as_text=True)
    response = client.post(f"/placement-link/{token}/password", data={"password": "a good long password"})
    assert response.status_code == 302
    assert "Placements" in client.get("/placements").get_data(as_text=True)
    assert "Or set a password" not in client.get(f"/placement-link/{token}").get_data(as_text=True)


def test_link_hash_only_is_stored(setup):
    _link, token = placement_services.issue_tutor_link(setup.counsellor, setup.placement)
    db.session.commit()
    assert db.session.scalar(select(TutorLink.id).where(TutorLink.token_hash == token)) is None


def test_counsellor_records_an_early_end_on_the_placement_form(client, setup):
    log_in(client, setup.counsellor)
    placement = setup.placement
    data = {
        "workplace_id": setup.workplace.id,
        "tutor_id": setup.tutor.id,
        "start_date": "2026-03-01",
        "end_date": "2026-04-30",
        "unit_ids": [u.id for u in setup.version.units],
        "version": placement.version,
        "ended_early_on": "2026-04-10",
    }
    response = client.post(f"/placements/{placement.id}/edit", data=data)
    assert response.status_code == 400
    assert "Say why the placement ended early." in response.get_data(as_text=True)
    response = client.post(f"/placements/{placement.id}/edit", data={**data, "ended_early_reason": "Kitchen closed"})
    assert response.status_code == 302
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "Ended early on" in page and "Kitchen closed" in page
