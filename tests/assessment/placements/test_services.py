from datetime import date, timedelta

import pytest

from assessment.placements import services as placement_services
from isok.database import utcnow
from isok.extensions import db
from tests.assessment.conftest import build_case, build_framework

# --- placements ------------------------------------------------------------------------------------------------


def test_placement_refuses_units_outside_the_case_qualification(people):
    version = build_framework()
    case = build_case(people.home, people.counsellor, version)
    foreign_unit = build_framework().units[0]
    with pytest.raises(placement_services.PlacementError, match="target qualification") as error:
        placement_services.create_placement(
            people.counsellor,
            case,
            workplace=people.hotel,
            tutor=people.tutor,
            start_date=date(2026, 3, 1),
            end_date=date(2026, 4, 1),
            tasks="",
            units=[foreign_unit],
        )
    assert error.value.field == "unit_ids"


def test_placement_refuses_end_before_start_and_a_tutor_without_the_role(people):
    version = build_framework()
    case = build_case(people.home, people.counsellor, version)
    fields = {"workplace": people.hotel, "tasks": None, "units": list(version.units)}
    with pytest.raises(placement_services.PlacementError, match="cannot end before"):
        placement_services.create_placement(
            people.counsellor,
            case,
            tutor=people.tutor,
            start_date=date(2026, 3, 1),
            end_date=date(2026, 2, 1),
            **fields,
        )
    with pytest.raises(placement_services.PlacementError, match="workplace tutor account"):
        placement_services.create_placement(
            people.counsellor,
            case,
            tutor=people.teacher,
            start_date=date(2026, 3, 1),
            end_date=date(2026, 4, 1),
            **fields,
        )


def test_stale_placement_edit_is_refused(setup):
    placement = setup.placement
    old_version = placement.version
    placement_services.update_placement(
        setup.counsellor,
        placement,
        expected_version=old_version,
        workplace=setup.workplace,
        tutor=setup.tutor,
        start_date=date(2026, 3, 2),
        end_date=date(2026, 4, 30),
        tasks="Dishes",
        units=placement.units,
    )
    db.session.flush()
    with pytest.raises(placement_services.PlacementError, match="Someone else saved"):
        placement_services.update_placement(
            setup.counsellor,
            placement,
            expected_version=old_version,
            workplace=setup.workplace,
            tutor=setup.tutor,
            start_date=date(2026, 3, 3),
            end_date=date(2026, 4, 30),
            tasks="Other",
            units=placement.units,
        )
    assert placement.tasks == "Dishes"


# --- tutor links -----------------------------------------------------------------------------------------------


def test_tutor_link_works_until_revoked(setup):
    link, token = placement_services.issue_tutor_link(setup.counsellor, setup.placement)
    assert placement_services.tutor_link(token) is link
    assert link.token_hash != token and token not in link.token_hash
    placement_services.revoke_tutor_link(setup.counsellor, link)
    assert placement_services.tutor_link(token) is None


def test_tutor_link_expires_by_default_after_30_days(setup):
    link, token = placement_services.issue_tutor_link(setup.counsellor, setup.placement)
    assert timedelta(days=29) < link.expires_at - utcnow() <= timedelta(days=30)
    link.expires_at = utcnow() - timedelta(seconds=1)
    assert placement_services.tutor_link(token) is None


def test_tutor_link_stops_when_the_placement_gets_another_tutor(setup, people):
    _link, token = placement_services.issue_tutor_link(setup.counsellor, setup.placement)
    setup.placement.tutor_id = people.other_tutor.id
    assert placement_services.tutor_link(token) is None


def test_link_session_needs_the_matching_hash(setup):
    link, _token = placement_services.issue_tutor_link(setup.counsellor, setup.placement)
    assert placement_services.tutor_link_by_id(link.id, link.token_hash) is link
    assert placement_services.tutor_link_by_id(link.id, "0" * 64) is None


def test_invited_tutor_sets_a_password_once(setup, people):
    tutor = placement_services.create_tutor_account(
        setup.counsellor, people.hotel, name="Kalle Kokki", email="kalle@hotel.example"
    )
    setup.placement.tutor_id = tutor.id
    link, _token = placement_services.issue_tutor_link(setup.counsellor, setup.placement)
    with pytest.raises(placement_services.PlacementError, match="at least"):
        placement_services.set_tutor_password(link, "short")
    placement_services.set_tutor_password(link, "a long enough password")
    assert tutor.password_hash is not None
    with pytest.raises(placement_services.PlacementError, match="already has a password"):
        placement_services.set_tutor_password(link, "another long password")
