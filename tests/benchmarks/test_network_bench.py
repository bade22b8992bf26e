"""Network pages and figures at a project's full size and beyond: 200 partners, 40 trainings of 25 people,
300 dissemination events."""

import io
from datetime import date, timedelta

import pytest

from isok.accounts.models import CompanySize, Organisation, OrganisationType, Role
from isok.accounts.services import create_user
from isok.catalogue import services as catalogue
from isok.extensions import db
from isok.imports import read_table, run_import
from isok.network import queries, services
from isok.network.imports import IMPORTS
from tests.benchmarks.conftest import peak_memory_mib, report, report_value, time_it
from tests.conftest import PASSWORD, log_in

pytestmark = pytest.mark.benchmark

START = date(2025, 1, 1)


@pytest.fixture(scope="module")
def network(bench_app, floors):
    with bench_app.app_context():
        services.save_settings(
            None,
            name="ISOK",
            code=None,
            starts_on=START,
            ends_on=date(2027, 12, 31),
            rule_set="esf_plus_2021_2027",
            suppression_threshold=5,
        )
        for key, value in {
            "partners_major_companies": 10,
            "training_participants": 70,
            "dissemination_attendees": 620,
        }.items():
            services.set_target(None, key, value)
        kinds = [
            (OrganisationType.COMPANY, CompanySize.MAJOR),
            (OrganisationType.COMPANY, CompanySize.SME),
            (OrganisationType.PUBLIC_BODY, None),
            (OrganisationType.OTHER, None),
        ]
        organisations = []
        for n in range(200):
            kind, size = kinds[n % 4]
            organisation = Organisation(name=f"Bench partner {n}", type=kind, size_class=size)
            db.session.add(organisation)
            organisations.append(organisation)
            services.add_partner(None, organisation, first_cooperation_on=START + timedelta(days=n * 3))
        bench_manager = create_user(
            None,
            email="bench-manager@example.org",
            name="Bench Manager",
            roles={Role.PROJECT_MANAGER},
            password=PASSWORD,
        )
        for t in range(40):
            starts_on = START + timedelta(days=t * 15)
            training = catalogue.create_course(
                bench_manager,
                publish=True,
                organisation=organisations[t % 10],
                title={"en": f"Training {t}"},
                description={},
                audience={},
                prerequisites={},
                text_language="en",
                field="01",
                level=None,
                credits=None,
                mode="place",
                place="Kuopio",
                seats=25,
                enrolment_opens_on=starts_on,
                enrolment_closes_on=starts_on,
                sessions=[catalogue.SessionInput(starts_on, starts_on + timedelta(1))],
                languages=["fi"],
                open_to="members",
                programme=True,
                graded=False,
                pricing_rule="free_for_members",
                member_fee=0,
                outside_fee=0,
                contact_name="Bench",
                contact_email="bench@example.org",
                contact_phone=None,
                unit_ids=[],
            )
            for p in range(25):
                catalogue.record_participant(
                    bench_manager,
                    training,
                    catalogue.Person(
                        name=f"Person {(t * 25 + p) % 700}",
                        organisation=organisations[p % 20],
                        role="teacher",
                        gender="female" if p % 2 else "male",
                    ),
                    completion="completed" if p % 3 else None,
                    completed_on=training.ends_on if p % 3 else None,
                )
        for e in range(300):
            services.create_event(None, title=f"Event {e}", held_on=START + timedelta(days=e * 2), headcount=e % 90)
        db.session.commit()
    client = bench_app.test_client()
    with bench_app.app_context():
        log_in(client, "bench-manager@example.org")
    return client


def test_network_pages_against_the_floor(network, floors):
    for name, url in [
        ("network overview", "/network/"),
        ("partner list (200)", "/network/partners"),
        ("training list (40)", "/courses/programme"),
        ("start page (project manager)", "/"),
    ]:
        assert network.get(url).status_code == 200
        report(name, time_it(lambda url=url: network.get(url), repeat=30), "one query + template", floors["query_ms"])


def test_indicator_values_and_an_import_preview(bench_app, network, floors):
    with bench_app.app_context():
        report(
            "indicator_values() (all targets, SQL)",
            time_it(queries.indicator_values, repeat=30),
            "one query + template",
            floors["query_ms"],
        )
        csv = "title,date,headcount\n" + "".join(f"Imported {n},2025-0{n % 9 + 1}-15,{n % 50}\n" for n in range(500))

        def preview():
            rows = read_table("events.csv", io.BytesIO(csv.encode()))
            result = run_import(rows, IMPORTS["events"].columns, IMPORTS["events"].make_apply(None), dry_run=True)
            db.session.rollback()
            assert result.ok

        report(
            "import preview, 500 events",
            time_it(preview, repeat=3, warmup=1),
            "one query + template",
            floors["query_ms"],
        )
        report_value("import preview, 500 events: peak memory", peak_memory_mib(preview), "MiB")
