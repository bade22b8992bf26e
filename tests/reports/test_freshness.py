"""Participation records follow every committed change, and a report is computed once per data version."""

import threading
from datetime import date

from sqlalchemy import delete, update

from cases import services as case_services
from cases.models import Client, GuidanceKind
from isok.extensions import db
from isok.reports import freshness, services
from isok.reports.models import ReportDataVersion
from tests.conftest import log_in
from tests.pages import without_csrf_tokens
from tests.reports.conftest import EMPLOYED, participation_of


def test_a_committed_change_brings_the_participation_record_in_step(project, person):
    client = person("Sync", entries=[(date(2025, 3, 1), None, None)])  # committed: no sync called
    assert participation_of(client).entry_date == date(2025, 3, 1)
    case_services.record_exit(
        None, client.cases[0], exit_date=date(2025, 5, 2), labour_status=EMPLOYED, in_education=True
    )
    db.session.commit()
    record = participation_of(client)
    assert (record.exit_date, record.exit_labour_status, record.exit_in_education) == (date(2025, 5, 2), EMPLOYED, True)


def test_a_statement_over_many_clients_brings_every_record_in_step(project, person):
    client = person("Bulk", entries=[(date(2025, 3, 1), None, None)])
    db.session.execute(update(Client).where(Client.id == client.id).values(isced_level=7, version=Client.version + 1))
    db.session.commit()
    assert participation_of(client).isced_level == 7


def test_a_guidance_log_entry_changes_nothing_the_report_reads(project, person):
    """Logging a contact marks the case active by a statement that leaves the case's version as it was."""
    client = person("Logged", entries=[(date(2025, 3, 1), None, None)])
    before = freshness.data_version()
    case_services.add_guidance_entry(None, client.cases[0], on=date(2025, 3, 2), kind=GuidanceKind.PHONE)
    db.session.commit()
    assert freshness.data_version() == before


def test_the_data_version_rises_with_the_data_the_report_reads_and_only_then(project, person, make_user):
    before = freshness.data_version()
    make_user()  # an account is nothing the report counts
    assert freshness.data_version() == before
    person("Counted", entries=[(date(2025, 3, 1), None, None)])
    assert freshness.data_version() > before


def test_a_report_is_computed_once_until_the_data_change(client, login, manager, population, monkeypatch):
    calls = []
    real = services.compute_report
    monkeypatch.setattr(services, "compute_report", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    login(manager)
    first = without_csrf_tokens(client.get("/reports/2025H2").get_data(as_text=True))
    assert without_csrf_tokens(client.get("/reports/2025H2").get_data(as_text=True)) == first and len(calls) == 1
    client.get("/reports/2025H2?scope=cumulative")
    assert len(calls) == 2, "another scope is another report"
    carita = population["carita"]
    case_services.record_exit(None, carita.cases[0], exit_date=date(2026, 1, 20), labour_status=EMPLOYED)
    db.session.commit()
    client.get("/reports/2025H2")
    assert len(calls) == 3, "the data changed"


def test_writers_committing_at_the_same_moment_each_raise_the_data_version(app, project, person, manager, monkeypatch):
    """Eight people save results at once on a fresh instance (no data version row yet): every save commits, and
    the version counts every one of them. On PostgreSQL the requests are held until all of them have written their
    change and are about to raise the version, so they do it at the same moment (SQLite writes one at a time)."""
    writers = 8
    records = [
        participation_of(person(f"Writer {n}", entries=[(date(2025, 3, 1), date(2025, 5, 2), EMPLOYED)])).id
        for n in range(writers)
    ]
    db.session.execute(delete(ReportDataVersion))
    db.session.commit()
    clients = []
    for _ in records:
        clients.append(app.test_client())
        log_in(clients[-1], manager)
    together = threading.Barrier(writers, timeout=30)
    real = freshness.raise_data_version

    def raise_together(session):
        if session.get_bind().dialect.name == "postgresql":
            together.wait()
        real(session)

    monkeypatch.setattr(freshness, "raise_data_version", raise_together)
    statuses = [None] * writers

    def save(n):
        statuses[n] = (
            clients[n]
            .post(
                f"/reports/participants/{records[n]}/results",
                data={"qualification_gained": "y", "responded": "", "better_situation": ""},
            )
            .status_code
        )

    threads = [threading.Thread(target=save, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * writers
    db.session.rollback()
    assert freshness.data_version() == writers
