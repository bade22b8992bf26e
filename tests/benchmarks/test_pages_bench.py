"""The everyday pages at ten times the real size: the case page of a client with a whole journey, the counsellor's
and the project manager's start pages, and the network overview, at 10,000 and then 100,000 cases.

The client of `tests.client_world` (interviews, placement and its assessment, portfolio, notes, certificate) is
built through the services; the other cases are bulk-inserted beside it, half of them the same counsellor's, every
tenth with a coming appointment and every twentieth with an interview, so the start pages' lists have rows to read.
"""

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import func, insert, select

from assessment.interviews.models import Interview, InterviewStatus
from cases import counts
from cases.models import Appointment, Case, Client, ClientType, Gender, GuidanceKind, Stage, StageChange
from isok.accounts import second_factor
from isok.accounts import services as account_services
from isok.accounts.models import Organisation, OrganisationType, Role, User
from isok.extensions import db
from isok.network import services as network_services
from tests import client_world
from tests.benchmarks.conftest import report, report_value, time_it
from tests.conftest import PASSWORD, give_authenticator, log_in
from tests.statements import recorded_statements

pytestmark = pytest.mark.benchmark

SIZES = (10_000, 100_000)


@pytest.fixture(scope="module")
def world(bench_app):
    """The journey's client and the staff who serve them, with a logged-in test client for each page's reader."""
    sequence = count(1)

    def make_organisation(name=None, type=OrganisationType.EDUCATION_PROVIDER, **fields):
        organisation = Organisation(name=name or f"Organisation {next(sequence)}", type=type, **fields)
        db.session.add(organisation)
        db.session.commit()
        return organisation

    def make_user(*roles, email=None, name=None, organisation=None, **fields):
        n = next(sequence)
        user = account_services.create_user(
            None,
            email=email or f"user{n}@example.org",
            name=name or f"User {n}",
            roles=set(roles) or {Role.COUNSELLOR},
            organisation=organisation,
            password=PASSWORD,
            **fields,
        )
        db.session.commit()
        if second_factor.required(user):
            give_authenticator(user)
        return user

    with bench_app.test_request_context():
        network_services.save_settings(
            None,
            name="ISOK",
            code="S30947",
            starts_on=date(2025, 1, 1),
            ends_on=date(2030, 12, 31),
            rule_set="esf_plus_2021_2027",
            suppression_threshold=5,
        )
        built = client_world.build(bench_app.test_client(), make_user, make_organisation)
        case = built.case
        colleague = db.session.scalar(select(User).where(User.name == "Hanna Neuvoja"))
        teacher = db.session.scalar(select(Interview).where(Interview.case_id == case.id)).teacher
        ids = {
            "case": case.id,
            "organisation": case.organisation_id,
            "counsellor": case.counsellor_id,
            "colleague": colleague.id,
            "teacher": teacher.id,
        }
        readers = {"counsellor": case.counsellor, "manager": built.manager, "teacher": teacher}
        clients = {}
        for role, user in readers.items():
            clients[role] = bench_app.test_client()
            log_in(clients[role], user)
    return {"ids": ids, "clients": clients}


def _grow_to(app, ids: dict, size: int) -> None:
    """Bulk-insert cases (with their clients, first stage change, appointments and interviews) up to `size`."""
    with app.app_context():
        have = db.session.scalar(select(func.count(Case.id)))
        first = (db.session.scalar(select(func.max(Client.id))) or 0) + 1
        first_case = (db.session.scalar(select(func.max(Case.id))) or 0) + 1
        now = datetime.now(UTC)
        stages = list(Stage)
        numbers = range(have, size)
        db.session.execute(
            insert(Client),
            [
                {
                    "id": first + n - have,
                    "organisation_id": ids["organisation"],
                    "first_name": f"First{n}",
                    "last_name": f"Last{n:06d}",
                    "search_name": f"first{n} last{n:06d}",
                    "birth_date": date(1960 + n % 40, n % 12 + 1, n % 28 + 1),
                    "birth_year": 1960 + n % 40,
                    "gender": Gender.FEMALE if n % 2 else Gender.MALE,
                    "preferred_language": "fi",
                    "created_at": now,
                    "version": 1,
                }
                for n in numbers
            ],
        )
        db.session.execute(
            insert(Case),
            [
                {
                    "id": first_case + n - have,
                    "client_id": first + n - have,
                    "organisation_id": ids["organisation"],
                    "counsellor_id": ids["counsellor"] if n % 2 else ids["colleague"],
                    "client_type": ClientType.LONG_TERM if n % 3 else ClientType.SHORT_TERM,
                    "stage": stages[n % len(stages)],
                    "entry_date": date(2025, 1, 1) + timedelta(days=n % 690),
                    "target": "Catering and hospitality",
                    "last_activity_at": now - timedelta(hours=n % 5000),
                    "follow_up_due": date(2026, 1, 1) + timedelta(days=n % 400) if n % 7 == 0 else None,
                    "created_at": now,
                    "version": 1,
                }
                for n in numbers
            ],
        )
        db.session.execute(
            insert(StageChange),
            [
                {"case_id": first_case + n - have, "to_stage": Stage.IDENTIFICATION, "on": date(2025, 1, 1), "at": now}
                for n in numbers
            ],
        )
        db.session.execute(
            insert(Appointment),
            [
                {
                    "case_id": first_case + n - have,
                    "starts_at": now + timedelta(hours=n % 2000 - 200),
                    "kind": GuidanceKind.INDIVIDUAL_GUIDANCE,
                    "created_at": now,
                }
                for n in numbers
                if n % 10 == 0
            ],
        )
        db.session.execute(
            insert(Interview),
            [
                {
                    "case_id": first_case + n - have,
                    "teacher_id": ids["teacher"],
                    "starts_at": now + timedelta(hours=n % 3000 - 1500),
                    "duration_minutes": 60,
                    "language": "fi",
                    "status": InterviewStatus.SCHEDULED,
                    "created_at": now,
                    "version": 1,
                }
                for n in numbers
                if n % 20 == 0
            ],
        )
        counts.recount()  # the kept counts of what was written around the ORM, as the migration fills them
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does to a live database after a bulk load: statistics for the planner, and the
            # visibility map that lets a count read an index alone.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")


PAGES = [
    ("case page (whole journey)", "counsellor", "/cases/{case}"),
    ("start page (counsellor)", "counsellor", "/"),
    ("start page (project manager)", "manager", "/"),
    ("network overview", "manager", "/network/"),
    ("start page (teacher)", "teacher", "/"),
]


@pytest.mark.parametrize("size", SIZES)
def test_everyday_pages_against_the_floor(bench_app, floors, world, size):
    _grow_to(bench_app, world["ids"], size)
    for name, reader, url in PAGES:
        http, address = world["clients"][reader], url.format(**world["ids"])
        assert http.get(address).status_code == 200, address
        label = f"{name}, {size:,} cases"
        ms = time_it(lambda http=http, address=address: http.get(address), repeat=30)
        report(label, ms, "one query + template", floors["query_ms"])
        with bench_app.app_context(), recorded_statements() as statements:
            http.get(address)
        report_value(f"  SQL statements: {name}", len(statements), "statements")
