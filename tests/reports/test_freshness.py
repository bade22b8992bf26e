"""Participation records follow every committed change, and a report is computed once per data version."""

from datetime import date

from sqlalchemy import update

from cases import services as case_services
from cases.models import Client
from isok.extensions import db
from isok.reports import freshness, services
from tests.reports.conftest import EMPLOYED, participation_of


def test_a_committed_change_brings_the_participation_record_in_step(project, person):
    client = person("Sync", entries=[(date(2025, 3, 1), None, None)])  # committed: no sync called
    assert participation_of(client).entry_date == date(2025, 3, 1)
    case_services.record_exit(None, client.cases[0], exit_date=date(2025, 5, 2), labour_status=EMPLOYED,
                              in_education=True)
    db.session.commit()
    record = participation_of(client)
    assert (record.exit_date, record.exit_labour_status, record.exit_in_education) == (
        date(2025, 5, 2), EMPLOYED, True)


def test_a_statement_over_many_clients_brings_every_record_in_step(project, person):
    client = person("Bulk", entries=[(date(2025, 3, 1), None, None)])
    db.session.execute(update(Client).where(Client.id == client.id).values(isced_level=7, version=Client.version + 1))
    db.session.commit()
    assert participation_of(client).isced_level == 7


def test_the_data_version_rises_with_the_data_the_report_reads_and_only_then(project, person, make_user):
    before = freshness.data_version()
    make_user()  # an account is nothing the report counts
    assert freshness.data_version() == before
    person("Counted", entries=[(date(2025, 3, 1), None, None)])
    assert freshness.data_version() > before


def test_a_report_is_computed_once_until_the_data_change(client, login, manager, population, monkeypatch):
    calls = []
    real = services.compute_report
    monkeypatch.setattr(services, "compute_report", lambda *args, **kwargs: calls.append(args) or real(*args,
                                                                                                        **kwargs))
    login(manager)
    first = client.get("/reports/2025H2").get_data(as_text=True)
    assert client.get("/reports/2025H2").get_data(as_text=True) == first and len(calls) == 1
    client.get("/reports/2025H2?scope=cumulative")
    assert len(calls) == 2, "another scope is another report"
    carita = population["carita"]
    case_services.record_exit(None, carita.cases[0], exit_date=date(2026, 1, 20), labour_status=EMPLOYED)
    db.session.commit()
    client.get("/reports/2025H2")
    assert len(calls) == 3, "the data changed"
