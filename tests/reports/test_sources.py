"""What the report reads from the assessment and certificates packages, built through their own services."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from assessment.assessments import services as assessment_services
from certificates import content
from certificates import services as certificate_services
from isok.accounts.models import OrganisationType, Role
from isok.database import utcnow
from isok.extensions import db
from isok.reports import sources
from tests.assessment.conftest import build_assessment, decide, submit_ratings
from tests.certificates.helpers import give_test_seal, new_case
from tests.certificates.samples import results


@pytest.fixture
def people(make_user, make_organisation):
    home = make_organisation(name="Guidance", type=OrganisationType.PUBLIC_BODY)
    hotel = make_organisation(name="Hotel Oy", type=OrganisationType.COMPANY)
    return SimpleNamespace(
        home=home,
        hotel=hotel,
        counsellor=make_user(Role.COUNSELLOR, organisation=home),
        teacher=make_user(Role.TEACHER, organisation=make_organisation(name="College")),
        tutor=make_user(Role.WORKPLACE_TUTOR, organisation=hotel),
    )


def _signed_off(people, level):
    world = build_assessment(people.counsellor, people.teacher, people.tutor, people.hotel, people.home)
    for user in (world.counsellor, world.teacher, world.tutor):
        submit_ratings(user, world.assessment, level=level)
    decide(world.teacher, world.assessment, level=level, result="recognised" if level in ("2", "3") else "partly")
    assessment_services.sign_off(
        world.teacher, world.assessment, expected_version=world.assessment.version, acknowledge_thin_evidence=True
    )
    db.session.commit()
    return world


def test_units_count_when_decided_at_a_passing_level_in_a_signed_off_assessment(people):
    _signed_off(people, "2")  # two units at a passing level
    _signed_off(people, "1")  # two units decided, neither passing
    reopened = _signed_off(people, "3")
    assessment_services.reopen(
        people.counsellor, reopened.assessment, reason="Mistyped", expected_version=reopened.assessment.version
    )
    db.session.commit()
    today = utcnow().date()
    assert sources.units_recognised(today - timedelta(days=1), today) == 2
    assert sources.units_recognised(None, today - timedelta(days=1)) == 0


def test_only_valid_formally_recognised_certificates_count(app, make_organisation, make_user, monkeypatch):
    college = make_organisation(name="College", type=OrganisationType.EDUCATION_PROVIDER)
    give_test_seal(college)
    counsellor = make_user(Role.COUNSELLOR, organisation=college)
    monkeypatch.setattr(content, "results_for", lambda case: results())
    kept, revoked = new_case(college, counsellor), new_case(college, counsellor, first_name="Bilal")
    db.session.commit()
    for case in (kept, revoked):
        certificate = certificate_services.issue_certificate(counsellor, case, ["fi", "en"])
        assert certificate.formally_recognised
    certificate_services.revoke_certificate(counsellor, certificate, "Issued to the wrong person")
    db.session.commit()
    assert sources.certified_qualifications() == {kept.client_id: [utcnow().date()]}
