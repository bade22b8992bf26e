"""The rating sheet, one unit per screen: a level, a justification and sources given once for the whole unit."""

from assessment.assessments.forms import split_unit_values, with_unit_values
from assessment.assessments.models import Assessment, AssessorRole
from assessment.assessments.services import snapshot_units
from assessment.placements import services as placement_services
from isok.extensions import db
from tests.conftest import log_in


def _sheet(setup):
    return db.session.get(Assessment, setup.assessment.id).assessor_in(AssessorRole.WORKPLACE_TUTOR)


def _unit_form(setup, unit, version, **fields):
    return {"version": version, "unit": unit["id"], **fields}


def test_one_level_for_the_unit_then_one_outcome_adjusted(client, setup):
    first, second = snapshot_units(setup.assessment)
    log_in(client, setup.tutor)
    url = f"/assessments/{setup.assessment.id}/rate"
    page = client.get(url).get_data(as_text=True)
    assert "Outcome 1.1" in page and "Outcome 2.1" not in page and "Same level for every outcome" in page
    odd_one = first["outcomes"][1]["id"]
    response = client.post(
        url,
        data=_unit_form(
            setup,
            first,
            _sheet(setup).version,
            action="next",
            conflict="no",
            **{
                f"unit-level-{first['id']}": "3",
                f"unit-justification-{first['id']}": "Ran the breakfast buffet",
                f"unit-sources-{first['id']}": "observation",
                f"level-{odd_one}": "1",
            },
        ),
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"?unit={second['id']}")
    ratings = {r.outcome_id: r for r in _sheet(setup).ratings}
    assert {oid: r.level_code for oid, r in ratings.items()} == {first["outcomes"][0]["id"]: "3", odd_one: "1"}
    assert {r.justification for r in ratings.values()} == {"Ran the breakfast buffet"}
    assert all(r.sources == ["observation"] for r in ratings.values())

    # the second unit's screen; its "Submit" submits the whole sheet, the first unit as saved
    page = client.get(f"{url}?unit={second['id']}").get_data(as_text=True)
    assert "Outcome 2.1" in page and "Outcome 1.1" not in page and "2 of 2 rated" in page
    response = client.post(
        url,
        data=_unit_form(
            setup,
            second,
            _sheet(setup).version,
            action="submit",
            **{f"unit-level-{second['id']}": "2", f"unit-justification-{second['id']}": "Cleaned the kitchen"},
        ),
    )
    assert response.status_code == 302
    sheet = _sheet(setup)
    assert sheet.submitted_at is not None and len(sheet.ratings) == 4


def test_submitting_with_another_unit_unrated_names_that_unit_and_saves_nothing(client, setup):
    first, second = snapshot_units(setup.assessment)
    log_in(client, setup.tutor)
    url = f"/assessments/{setup.assessment.id}/rate"
    response = client.post(
        url,
        data=_unit_form(
            setup,
            second,
            _sheet(setup).version,
            action="submit",
            conflict="no",
            **{f"unit-level-{second['id']}": "2", f"unit-justification-{second['id']}": "Cleaned the kitchen"},
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Other units need attention too" in page and f"?unit={first['id']}" in page and "Cleaned the kitchen" in page
    assert _sheet(setup).ratings == [] and _sheet(setup).submitted_at is None


def test_a_saved_unit_shows_what_its_outcomes_share_once():
    unit = {"id": 1, "outcomes": [{"id": 10}, {"id": 11}]}
    saved = {
        10: {"level": "3", "justification": "Seen", "sources": ["interview", "observation"], "entry_ids": []},
        11: {"level": "1", "justification": "Seen", "sources": ["observation"], "entry_ids": [5]},
    }
    common, own = split_unit_values(saved, unit)
    assert common == {"level": "", "justification": "Seen", "sources": ["observation"]}
    assert own[10] == {"level": "3", "justification": "", "sources": ["interview"], "entry_ids": []}
    assert {oid: with_unit_values(own[oid], common) for oid in own} == saved


def test_the_tutors_link_screen_goes_unit_by_unit_too(client, setup):
    first, second = snapshot_units(setup.assessment)
    _link, token = placement_services.issue_tutor_link(setup.counsellor, setup.placement)
    db.session.commit()
    client.post(f"/placement-link/{token}/start")
    response = client.post(
        "/placement-link/assess",
        data=_unit_form(
            setup,
            first,
            _sheet(setup).version,
            action="next",
            conflict="no",
            **{f"unit-level-{first['id']}": "2", f"unit-justification-{first['id']}": "Seen at the hotel"},
        ),
    )
    assert response.headers["Location"].endswith(f"/placement-link/assess?unit={second['id']}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Outcome 2.1" in page and "Outcome 1.1" not in page and "Finish and close access" in page
