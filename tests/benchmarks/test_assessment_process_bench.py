"""Assessment pages with a realistic qualification (5 units × 6 outcomes), against the foundation's floor."""

import pytest

from assessment.assessments import services as assessment_services
from assessment.assessments import services as evidence_services
from isok.accounts.models import Organisation, OrganisationType, Role, User
from isok.accounts.services import create_user
from isok.extensions import db
from portfolio.models import PortfolioEntry, Section
from tests.assessment.conftest import build_assessment, decide, outcome_ids, submit_ratings
from tests.benchmarks.conftest import report, time_it
from tests.conftest import PASSWORD, log_in

pytestmark = pytest.mark.benchmark


@pytest.fixture(scope="module")
def world(bench_app):
    with bench_app.app_context():
        org = Organisation(name="Bench Guidance", type=OrganisationType.PUBLIC_BODY)
        hotel = Organisation(name="Bench Hotel Oy", type=OrganisationType.COMPANY)
        db.session.add_all([org, hotel])
        people = {
            role: create_user(
                None,
                email=f"bench-{role.value}@example.org",
                name=role.value,
                roles={role},
                organisation=hotel if role is Role.WORKPLACE_TUTOR else org,
                password=PASSWORD,
            )
            for role in (Role.COUNSELLOR, Role.TEACHER, Role.WORKPLACE_TUTOR)
        }
        side = build_assessment(
            people[Role.COUNSELLOR], people[Role.TEACHER], people[Role.WORKPLACE_TUTOR], hotel, org, units=5, outcomes=6
        )
        entries = [
            PortfolioEntry(case_id=side.case.id, section=Section.WORK, title=f"Item {n}", language="fi")
            for n in range(10)
        ]
        db.session.add_all(entries)
        db.session.flush()
        for n, oid in enumerate(outcome_ids(side.assessment)):
            evidence_services.map_evidence(
                people[Role.COUNSELLOR], side.case, outcome_id=oid, entry_id=entries[n % 10].id
            )
        submit_ratings(people[Role.COUNSELLOR], side.assessment)
        submit_ratings(people[Role.TEACHER], side.assessment, level="3")
        db.session.commit()
        ids = {"assessment": side.assessment.id, "case": side.case.id}
        clients = {}
        for role, user in people.items():
            clients[role] = bench_app.test_client()
            log_in(clients[role], user)
        return ids, clients, {role: user.id for role, user in people.items()}


def test_tutor_rating_sheet(floors, world):
    ids, clients, _side = world
    ms = time_it(lambda: clients[Role.WORKPLACE_TUTOR].get(f"/assessments/{ids['assessment']}/rate"), repeat=30)
    report("tutor rating sheet (30 outcomes)", ms, "one query + template", floors["query_ms"])


def test_reconciliation_screen(floors, world):
    ids, clients, _side = world
    ms = time_it(lambda: clients[Role.TEACHER].get(f"/assessments/{ids['assessment']}/reconcile"), repeat=30)
    report("reconciliation screen (30 outcomes × 3)", ms, "one query + template", floors["query_ms"])


def test_triangulation_and_evidence_map(floors, world):
    ids, clients, _side = world
    ms = time_it(lambda: clients[Role.COUNSELLOR].get(f"/cases/{ids['case']}/triangulation"), repeat=30)
    report("triangulation matrix (30 outcomes)", ms, "one query + template", floors["query_ms"])
    ms = time_it(lambda: clients[Role.COUNSELLOR].get(f"/cases/{ids['case']}/evidence-map"), repeat=30)
    report("evidence map (30 outcomes)", ms, "one query + template", floors["query_ms"])


def test_signed_off_results(bench_app, floors, world):
    ids, _clients, user_ids = world
    with bench_app.app_context():
        assessment = db.session.get(assessment_services.Assessment, ids["assessment"])
        tutor, teacher, counsellor = (
            db.session.get(User, user_ids[role]) for role in (Role.WORKPLACE_TUTOR, Role.TEACHER, Role.COUNSELLOR)
        )
        submit_ratings(tutor, assessment)
        decide(teacher, assessment)
        assessment_services.sign_off(
            teacher, assessment, expected_version=assessment.version, acknowledge_thin_evidence=True
        )
        assessment_services.confirm(counsellor, assessment, expected_version=assessment.version)
        db.session.commit()
        case = assessment.case
        ms = time_it(lambda: assessment_services.signed_off_results(case), repeat=30)
    report("signed_off_results (5 units, 30 outcomes)", ms, "one query + template", floors["query_ms"])
