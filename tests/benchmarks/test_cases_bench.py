"""The case list over 10,000 cases and the counsellor's dashboard, against the floor page; the case import."""

import io
import resource
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, insert, select

from cases import counts
from cases.models import Case, Client, ClientType, Gender, Stage, StageChange
from isok.accounts.models import Organisation, OrganisationType, User
from isok.extensions import db
from tests.benchmarks.conftest import report, report_value, time_it

pytestmark = pytest.mark.benchmark

CASES = 10_000


@pytest.fixture(scope="module")
def caseload(bench_app, floors):
    """10,000 clients with cases at the bench counsellor's organisation, bulk-inserted with core inserts."""
    with bench_app.app_context():
        organisation = Organisation(name="Bench Guidance Centre", type=OrganisationType.PUBLIC_BODY)
        db.session.add(organisation)
        db.session.flush()
        counsellor = db.session.get(User, floors["user_id"])
        counsellor.organisation_id = organisation.id
        first_client = (db.session.scalar(select(Client.id).order_by(Client.id.desc())) or 0) + 1
        now = datetime.now(UTC)
        stages = list(Stage)
        db.session.execute(
            insert(Client),
            [
                {
                    "id": first_client + n,
                    "organisation_id": organisation.id,
                    "first_name": f"First{n}",
                    "last_name": f"Last{n:05d}",
                    "search_name": f"first{n} last{n:05d}",
                    "birth_date": date(1960 + n % 40, n % 12 + 1, n % 28 + 1),
                    "birth_year": 1960 + n % 40,
                    "gender": Gender.FEMALE if n % 2 else Gender.MALE,
                    "preferred_language": "fi",
                    "created_at": now,
                    "version": 1,
                }
                for n in range(CASES)
            ],
        )
        db.session.execute(
            insert(Case),
            [
                {
                    "id": first_client + n,
                    "client_id": first_client + n,
                    "organisation_id": organisation.id,
                    "counsellor_id": counsellor.id,
                    "client_type": ClientType.LONG_TERM if n % 3 else ClientType.SHORT_TERM,
                    "stage": stages[n % len(stages)],
                    "entry_date": date(2025, 1, 1) + timedelta(days=n % 690),
                    "target": "Catering and hospitality",
                    "last_activity_at": now - timedelta(hours=n),
                    "created_at": now,
                    "version": 1,
                }
                for n in range(CASES)
            ],
        )
        db.session.execute(
            insert(StageChange),
            [
                {"case_id": first_client + n, "to_stage": Stage.IDENTIFICATION, "on": date(2025, 1, 1), "at": now}
                for n in range(CASES)
            ],
        )
        counts.recount()  # the kept counts of what was written around the ORM, as the migration fills them
        db.session.commit()
    return floors


def _queries(app, fn) -> int:
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("case list, first page (10,000 cases)", "/cases"),
        ("case list, page 100", "/cases?page=100"),
        ("case list, stage filter + name sort", "/cases?stage=assessment&sort=name"),
        ("case list, name search", "/cases?q=last0999"),
    ],
)
def test_case_list_against_the_floor(bench_app, caseload, name, url):
    client = caseload["client"]
    assert client.get(url).status_code == 200
    report(name, time_it(lambda: client.get(url), repeat=200), "one query + template", caseload["query_ms"])
    report_value(f"  SQL statements: {name}", _queries(bench_app, lambda: client.get(url)), "statements")


def test_dashboard_against_the_floor(bench_app, caseload):
    client = caseload["client"]
    report(
        "dashboard with 10,000 cases",
        time_it(lambda: client.get("/"), repeat=30),
        "one query + template",
        caseload["query_ms"],
    )
    report_value("  SQL statements: dashboard", _queries(bench_app, lambda: client.get("/")), "statements")


def test_csv_export_of_every_case(bench_app, caseload):
    client = caseload["client"]
    report(
        "CSV export of 10,000 cases",
        time_it(lambda: client.get("/cases/export.csv").close(), repeat=3, warmup=1),
        "one query + template",
        caseload["query_ms"],
    )


IMPORT_ROWS = 10_000


def test_case_import_of_ten_thousand_rows(bench_app, caseload):
    """The whole import as a user sends it (a CSV read, every row checked, all rows written), on top of the 10,000
    cases already there, so the duplicate check looks through 20,000 clients by the end."""
    from cases.importing import import_cases
    from isok.imports import read_table

    header = "first_name;last_name;birth_date;gender;email;country_of_birth;mother_tongue;client_type;entry_date\n"
    text = header + "".join(
        f"Import{n};Person{n:05d};{1960 + n % 40}-{n % 12 + 1:02d}-{n % 28 + 1:02d};female;p{n}@example.net;SO;so;"
        f"long_term;2026-02-01\n"
        for n in range(IMPORT_ROWS)
    )
    with bench_app.app_context():
        actor = db.session.get(User, caseload["user_id"])
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        report_ = import_cases(actor, read_table("clients.csv", io.BytesIO(text.encode())), dry_run=False)
        db.session.commit()
        seconds = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert report_.ok and len(report_.applied) == IMPORT_ROWS
    report_value(
        f"case import of {IMPORT_ROWS:,} rows",
        seconds,
        "s",
        f"({seconds / IMPORT_ROWS * 1000:.2f} ms a row; target < 30 s)",
    )
    report_value(
        "  peak RSS of the process after the import", rss_after, "MiB", f"(was {rss_before:.0f} MiB before it)"
    )
