"""The case list over 10,000 cases and the counsellor's dashboard, against the floor page; the case import."""

import gc
import io
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, insert, select

from cases import counts
from cases.models import Case, Client, ClientType, Gender, Stage, StageChange
from isok.accounts.models import Organisation, OrganisationType, User
from isok.extensions import db
from tests.benchmarks.conftest import follow_inserted_ids, report, report_value, time_it

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
        follow_inserted_ids("client", "case")  # the import adds clients and cases after these
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


def _rss_mib(field: str = "VmRSS") -> float:
    """The process's resident set size (or its peak since the last reset, VmHWM) from /proc, in MiB."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(f"{field}:"))
    return int(line.split()[1]) / 1024


def _reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # resets VmHWM to the present RSS


def test_csv_export_of_every_case(bench_app, caseload):
    client = caseload["client"]
    report(
        "CSV export of 10,000 cases",
        time_it(lambda: client.get("/cases/export.csv").close(), repeat=5, warmup=1),
        "one query + template",
        caseload["query_ms"],
    )
    gc.collect()
    rss_before = _rss_mib()
    _reset_peak_rss()
    client.get("/cases/export.csv").close()
    report_value("  RSS growth to the peak, CSV export", _rss_mib("VmHWM") - rss_before, "MiB", "(a 1 MiB spool)")


@pytest.mark.parametrize("rows", [10_000, 30_000])
def test_case_import(bench_app, caseload, monkeypatch, rows):
    """The whole import as the import command runs it (the CSV streamed, every row checked, all rows written), on
    top of the 10,000 cases already there, so the duplicate check looks through 20,000-50,000 clients by the end.
    Memory is the growth of the resident set (RSS, not only the Python heap) from before the import to its peak:
    flat means about the same at 10,000 and 30,000 rows (above MAX_ROWS, allowed here to show it)."""
    from cases.importing import import_cases
    from isok import imports

    monkeypatch.setattr(imports, "MAX_ROWS", rows)
    header = "first_name;last_name;birth_date;gender;email;country_of_birth;mother_tongue;client_type;entry_date\n"
    data = (
        header
        + "".join(
            f"Import{n};Person{rows}x{n:05d};{1960 + n % 40}-{n % 12 + 1:02d}-{n % 28 + 1:02d};female;"
            f"p{rows}x{n}@example.net;SO;so;long_term;2026-02-01\n"
            for n in range(rows)
        )
    ).encode()
    with bench_app.app_context():
        actor = db.session.get(User, caseload["user_id"])
        gc.collect()
        rss_before = _rss_mib()
        _reset_peak_rss()
        started, started_cpu = time.perf_counter(), time.process_time()
        report_ = import_cases(actor, imports.iter_table("clients.csv", io.BytesIO(data)), dry_run=False)
        imported, imported_cpu = time.perf_counter(), time.process_time()
        growth_before_commit = _rss_mib("VmHWM") - rss_before
        db.session.commit()
        seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        growth = _rss_mib("VmHWM") - rss_before
    assert report_.ok and len(report_.applied) == rows
    report_value(
        f"case import of {rows:,} rows",
        seconds,
        "s",
        f"(CPU {cpu:.1f} s; {seconds / rows * 1000:.2f} ms a row; target < 30 s for 10,000)",
    )
    report_value(
        "  of which the commit (report records synced)",
        started + seconds - imported,
        "s",
        f"(CPU {started_cpu + cpu - imported_cpu:.1f} s)",
    )
    report_value(
        f"  RSS growth to the peak, import of {rows:,} rows",
        growth,
        "MiB",
        f"({growth_before_commit:.1f} MiB before the commit; from {rss_before:.0f} MiB)",
    )
