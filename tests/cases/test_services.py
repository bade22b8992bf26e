import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cases import data_rights, services
from cases.models import (
    Answer,
    Case,
    Client,
    ConsentPurpose,
    GuidanceKind,
    HandoverStatus,
    LabourMarketResult,
    Stage,
)
from isok import hooks
from isok.accounts import services as account_services
from isok.accounts import sessions
from isok.accounts.models import Role, User
from isok.audit import AuditEntry
from isok.extensions import db
from isok.rules import Stale
from tests.conftest import PASSWORD


def test_opening_a_case_starts_in_identification_with_age_at_entry_and_history(make_case):
    case = make_case()
    assert case.stage is Stage.IDENTIFICATION
    assert case.age_at_entry == 35
    assert [(c.from_stage, c.to_stage) for c in case.stage_changes] == [(None, Stage.IDENTIFICATION)]


def test_stage_moves_follow_the_declared_journey(make_case, counsellor):
    case = make_case()
    services.move_stage(counsellor, case, Stage.DOCUMENTATION, date(2026, 3, 10), "Portfolio started")
    with pytest.raises(services.CaseError) as error:
        services.move_stage(counsellor, case, Stage.CERTIFICATION, date(2026, 3, 11), "Skip ahead")
    assert error.value.field == "stage"
    services.move_stage(counsellor, case, Stage.IDENTIFICATION, date(2026, 3, 12), "Back: more to find out")
    db.session.commit()
    assert case.stage is Stage.IDENTIFICATION
    moves = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "case_stage_moved").order_by(AuditEntry.id)
    ).all()
    assert [m.changes["backward"] for m in moves] == [False, True]


@pytest.mark.parametrize(
    ("on", "reason", "field"),
    [
        (date(2026, 3, 10), "  ", "reason"),
        (date(2026, 1, 1), "Before entry", "on"),
        (date.today() + timedelta(days=2), "In the future", "on"),
    ],
)
def test_a_move_needs_a_reason_and_a_possible_date(make_case, counsellor, on, reason, field):
    case = make_case()
    with pytest.raises(services.CaseError) as error:
        services.move_stage(counsellor, case, Stage.DOCUMENTATION, on, reason)
    assert error.value.field == field


def test_a_stale_version_is_refused(make_case, counsellor):
    case = make_case()
    loaded_at = case.version
    services.move_stage(counsellor, case, Stage.DOCUMENTATION, date(2026, 3, 10), "First", loaded_at)
    db.session.commit()
    with pytest.raises(Stale):
        services.move_stage(counsellor, case, Stage.ASSESSMENT, date(2026, 3, 11), "Second", loaded_at)


def test_a_save_from_a_form_without_its_version_is_refused_one_without_a_form_is_not(make_case, counsellor):
    case = make_case()
    with pytest.raises(Stale):
        services.move_stage(counsellor, case, Stage.DOCUMENTATION, date(2026, 3, 10), "From a form", None)
    services.move_stage(counsellor, case, Stage.DOCUMENTATION, date(2026, 3, 10), "From an import")
    assert case.stage is Stage.DOCUMENTATION


def test_client_data_is_checked_field_by_field(make_client):
    cases = [
        ({"birth_date": date.today() + timedelta(days=1)}, "birth_date"),
        ({"country_of_birth": "XX"}, "country_of_birth"),
        ({"mother_tongue": "zzz"}, "mother_tongue"),
        ({"languages": "fi"}, "languages"),
        ({"isced_level": 9}, "isced_level"),
        ({"first_name": "x" * 101}, "first_name"),
        ({"labour_status": "employed", "long_term_unemployed": True}, "long_term_unemployed"),
        ({"arrival_year": 1980, "birth_date": date(1990, 1, 1)}, "arrival_year"),
    ]
    for fields, field in cases:
        with pytest.raises(services.CaseError) as error:
            make_client(**fields)
        assert error.value.field == field, fields
        db.session.rollback()


def test_languages_are_read_with_cefr_levels(make_client):
    client = make_client(languages="fi A2, en b1, ru", mother_tongue="so", country_of_birth="so")
    assert client.languages == [
        {"code": "fi", "level": "A2"},
        {"code": "en", "level": "B1"},
        {"code": "ru", "level": None},
    ]
    assert client.country_of_birth == "SO"


def test_duplicates_by_name_and_birth_date_or_email(make_client):
    first = make_client(first_name="Hodan", last_name="Abdi", birth_date=date(1991, 2, 3), email="h@example.net")
    assert services.find_duplicates("hodan", "ABDI", date(1991, 2, 3), None) == [first]
    assert services.find_duplicates("Other", "Person", None, "H@example.net") == [first]
    assert services.find_duplicates("Hodan", "Abdi", date(1991, 2, 4), None) == []
    finnish = make_client(first_name="Äijä", last_name="Österberg", birth_date=date(1980, 1, 1))
    assert services.find_duplicates("ÄIJÄ", " österberg ", date(1980, 1, 1), None) == [finnish]


def test_exit_closes_the_case_and_sets_the_follow_up_due(make_case, counsellor):
    case = make_case(entry_date=date(2026, 1, 31))
    with pytest.raises(services.CaseError) as error:
        services.record_exit(
            counsellor, case, exit_date=date(2026, 1, 30), labour_status=LabourMarketResult.JOB_SEARCHING
        )
    assert error.value.field == "exit_date"
    services.record_exit(
        counsellor,
        case,
        exit_date=date(2026, 3, 31),
        labour_status=LabourMarketResult.JOB_SEARCHING,
        in_education=True,
        qualification=True,
        study_path_shortened=Answer.YES,
        study_months_saved=6,
    )
    assert case.stage is Stage.CLOSED
    assert case.follow_up_due == date(2026, 9, 30)
    # Results that go together are kept together: looking for work, in training and qualified.
    assert (case.exit_labour_status, case.exit_in_education, case.exit_qualification) == (
        LabourMarketResult.JOB_SEARCHING,
        True,
        True,
    )
    services.record_follow_up(
        counsellor, case, on=date(2026, 10, 1), labour_status=LabourMarketResult.EMPLOYED, in_education=True
    )
    assert (case.follow_up_labour_status, case.follow_up_in_education) == (LabourMarketResult.EMPLOYED, True)


def test_a_follow_up_without_an_answer_has_no_results(make_case, counsellor):
    case = make_case(entry_date=date(2026, 1, 5))
    services.record_exit(counsellor, case, exit_date=date(2026, 2, 1), labour_status=None)
    with pytest.raises(services.CaseError) as error:
        services.record_follow_up(counsellor, case, on=date(2026, 8, 1), labour_status=None, in_education=True)
    assert error.value.field == "labour_status"
    services.record_follow_up(counsellor, case, on=date(2026, 8, 1), labour_status=None)
    assert (case.follow_up_on, case.follow_up_labour_status) == (date(2026, 8, 1), None)


def test_guidance_log_entry_marks_activity(make_case, counsellor):
    case = make_case()
    entry = services.add_guidance_entry(
        counsellor,
        case,
        on=date(2026, 3, 3),
        kind=GuidanceKind.PHONE,
        duration_minutes=20,
        interpreter_language="so",
        note="Called about papers",
    )
    db.session.commit()
    assert entry.author == counsellor and case.guidance_entries == [entry]
    with pytest.raises(services.CaseError) as error:
        services.add_guidance_entry(
            counsellor, case, on=date(2026, 3, 3), kind=GuidanceKind.PHONE, interpreter_language="klingon"
        )
    assert error.value.field == "interpreter_language"


def test_consent_withdrawal_is_recorded_not_deleted(make_case, counsellor):
    client = make_case().client
    with pytest.raises(services.CaseError):
        services.record_consent(
            counsellor,
            client,
            purpose=ConsentPurpose.SHARE_WITH_WORKPLACE,
            given_on=date(2026, 3, 2),
            information_language="so",
        )
    consent = services.record_consent(
        counsellor, client, purpose=ConsentPurpose.STATISTICS, given_on=date(2026, 3, 2), information_language="so"
    )
    services.withdraw_consent(counsellor, consent, date(2026, 4, 1))
    db.session.commit()
    assert client.consents == [consent] and not consent.active and consent.withdrawn_recorded_by == counsellor


def test_reassignment_and_transfer_keep_their_history(make_case, make_user, make_organisation, counsellor):
    case = make_case()
    colleague = make_user(Role.COUNSELLOR, organisation=counsellor.organisation)
    services.reassign(counsellor, case, colleague, "Holiday")
    assert case.counsellor == colleague
    elsewhere = make_organisation("Joensuu Adult Education Centre")
    receiver = make_user(Role.COUNSELLOR, organisation=elsewhere)
    transfer = services.request_transfer(counsellor, case, elsewhere)
    with pytest.raises(services.CaseError):
        services.request_transfer(counsellor, case, elsewhere)
    assert case.organisation == counsellor.organisation
    services.answer_transfer(receiver, transfer, accept=True)
    db.session.commit()
    assert case.organisation == elsewhere and case.counsellor == receiver
    assert [h.status for h in case.handovers] == [HandoverStatus.ACCEPTED, HandoverStatus.ACCEPTED]


def test_export_holds_everything_and_what_other_packages_register(app, make_case, counsellor, monkeypatch):
    case = make_case()
    services.add_guidance_entry(counsellor, case, on=date(2026, 3, 3), kind=GuidanceKind.PHONE, note="Secret note")
    monkeypatch.setattr(hooks.of(app), "export_data", [])  # only this test's contributions, not the real packages'
    monkeypatch.setattr(hooks.of(app), "export_files", [])
    hooks.export_data(
        app,
        lambda client: [
            hooks.ExportPart("extra", {"entries": 2}, "portfolio/export_summary.html", context={"portfolios": []})
        ],
    )
    hooks.export_files(app, lambda client: [("diploma.pdf", b"%PDF-1.4")])
    with app.test_request_context():
        payload = data_rights.export_client(counsellor, case.client)
    archive = zipfile.ZipFile(io.BytesIO(payload))
    assert set(archive.namelist()) == {"client.json", "extra.json", "history.json", "files/diploma.pdf", "summary.html"}
    data = json.loads(archive.read("client.json"))
    assert data["client"]["last_name"] == case.client.last_name
    assert data["cases"][0]["guidance_log"][0]["note"] == "Secret note"
    assert case.client.last_name in archive.read("summary.html").decode()


def test_erasure_closes_the_clients_login_and_leaves_no_name_in_the_trail(app, make_case, make_user, counsellor):
    login = make_user(Role.CLIENT, email="hodan.login@example.net", name="Hodan Login")
    case = make_case()
    services.link_user(counsellor, case.client, login)
    with app.test_request_context():
        sessions.start(login)
    db.session.commit()
    services.erase_client(counsellor, case.client)
    db.session.commit()
    login = db.session.get(User, login.id)
    assert not login.active and login.password_hash is None and login.email.endswith("@erased.invalid")
    assert sessions.active_sessions(login) == []
    assert account_services.authenticate("hodan.login@example.net", PASSWORD) is None
    trail = json.dumps([e.changes for e in db.session.scalars(select(AuditEntry))])
    assert "hodan.login@example.net" not in trail and "Hodan Login" not in trail
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user_erased")).object_id == login.id


def test_erasure_keeps_the_counted_facts_and_removes_the_person(app, make_case, counsellor, monkeypatch):
    case = make_case()
    client = case.client
    services.update_client(
        counsellor,
        client,
        first_name="هودان",
        last_name="ورسمه",
        latin_name="Hodan Warsame",
        email="hodan@example.net",
        phone="040 123",
        birth_date=date(1990, 5, 6),
        gender="female",
        labour_status="unemployed",
        isced_level=3,
    )
    services.add_guidance_entry(counsellor, case, on=date(2026, 3, 3), kind=GuidanceKind.PHONE, note="Private")
    services.move_stage(counsellor, case, Stage.DOCUMENTATION, date(2026, 3, 4), "Told us about her family")
    wiped = []
    monkeypatch.setattr(hooks.of(app), "erasure", [lambda actor, c: wiped.append(c.id)])
    services.erase_client(counsellor, client)
    db.session.commit()
    client = db.session.get(Client, client.id)
    assert wiped == [client.id]
    assert (client.first_name, client.last_name, client.latin_name, client.email, client.phone, client.birth_date) == (
        "",
        "",
        None,
        None,
        None,
        None,
    )
    assert (client.gender.value, client.birth_year, client.isced_level) == ("female", 1990, 3)
    case = db.session.get(Case, case.id)
    assert case.age_at_entry == 35 and case.stage is Stage.DOCUMENTATION
    assert all(entry.note is None for entry in case.guidance_entries)
    assert all(change.reason is None for change in case.stage_changes)
    trail = json.dumps([e.changes for e in db.session.scalars(select(AuditEntry))])
    assert "Warsame" not in trail and "ورسمه" not in trail and "hodan@example.net" not in trail
    assert "Erased client" in client.full_name


def test_clients_past_retention(make_case, counsellor):
    old = make_case(entry_date=date(2019, 1, 1))
    services.record_exit(counsellor, old, exit_date=date(2019, 6, 1), labour_status=None)
    make_case(entry_date=date(2019, 1, 1))  # still open
    db.session.commit()
    assert services.clients_due_for_erasure(5) == [old.client]
