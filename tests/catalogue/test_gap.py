"""From the gap to a course: a client's gap plan lists the open courses teaching its units still to be acquired, and
the counsellor enrols the client from there."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from isok.accounts.models import OrganisationType, Role
from isok.catalogue.models import Enrolment
from isok.extensions import db
from isok.network import services as network_services
from tests.assessment.conftest import build_assessment, decide, submit_ratings
from tests.catalogue.conftest import TODAY


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def gap(make_user, make_organisation):
    """An assessment whose every outcome is still to be acquired (two units, codes U1 and U2)."""
    home = make_organisation(name="Guidance", type=OrganisationType.PUBLIC_BODY)
    network_services.add_partner(None, home, first_cooperation_on=TODAY.replace(year=TODAY.year - 1))
    people = SimpleNamespace(
        counsellor=make_user(Role.COUNSELLOR, organisation=home),
        teacher=make_user(Role.TEACHER, organisation=make_organisation(name="College")),
        tutor=make_user(Role.WORKPLACE_TUTOR, organisation=make_organisation(name="Hotel")),
    )
    world = build_assessment(
        people.counsellor,
        people.teacher,
        people.tutor,
        make_organisation(name="Workplace", type=OrganisationType.COMPANY),
        home,
    )
    for user in (people.counsellor, people.teacher, people.tutor):
        submit_ratings(user, world.assessment)
    decide(people.teacher, world.assessment, level="0", result="to_acquire", gap_what="Practice")
    db.session.commit()
    return world


def test_the_gap_plan_lists_courses_teaching_its_units_and_the_counsellor_enrols_the_client(
    client, login, gap, make_course
):
    unit = gap.version.units[0]
    teaching = make_course(title={"fi": "Täydentävä jakso"}, unit_ids=[unit.id])
    make_course(title={"fi": "Muu kurssi"})  # teaches nothing of the gap
    login(gap.counsellor)
    page = text(client.get(f"/assessments/{gap.assessment.id}/gap-plan"))
    assert "Courses that teach what is still to be acquired" in page
    assert "Täydentävä jakso" in page and "Muu kurssi" not in page and f"teaches {unit.code}" in page
    enrol_url = f"/courses/{teaching.id}/enrol?client={gap.case.client_id}"
    assert enrol_url.replace("?", "?").split("?")[0] in page and f"client={gap.case.client_id}" in page
    response = client.post(
        enrol_url,
        data={
            "payer_business_id": "2345670-5",
            "payer_contact": "Leena",
            "payer_email": "leena@example.org",
            "accept_terms": "y",
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    enrolment = db.session.scalar(select(Enrolment))
    assert (enrolment.client_id, enrolment.member, enrolment.price_cents) == (gap.case.client_id, True, 6000)
    page = text(client.get(f"/assessments/{gap.assessment.id}/gap-plan"))
    assert "Confirmed" in page  # the client's place is shown instead of the button


def test_a_teacher_sees_the_courses_but_cannot_enrol_the_client(client, login, gap, make_course):
    make_course(title={"fi": "Täydentävä jakso"}, unit_ids=[gap.version.units[1].id])
    login(gap.teacher)
    page = text(client.get(f"/assessments/{gap.assessment.id}/gap-plan"))
    assert "Täydentävä jakso" in page and "/enrol?client=" not in page
