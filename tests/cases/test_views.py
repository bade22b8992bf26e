import csv
import html
import io
import re
from datetime import date

from sqlalchemy import func, select

from cases import importing, services
from cases.models import Case, Client, ClientType, GuidanceEntry, GuidanceKind, Stage
from isok import imports
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.extensions import db
from isok.imports import iter_table
from tests.conftest import log_in
from tests.statements import recorded_statements

NEW_CLIENT = {
    "first_name": "Hodan",
    "last_name": "Abdi",
    "birth_date": "1991-02-03",
    "gender": "female",
    "country_of_birth": "SO",
    "citizenship": "SO",
    "mother_tongue": "so",
    "languages": "fi A2, en B1",
    "preferred_language": "fi",
    "labour_status": "unemployed",
    "long_term_unemployed": "y",
    "isced_level": "3",
    "third_country_national": "yes",
    "foreign_background": "yes",
    "minority": "declined",
    "disability": "not_asked",
    "homeless": "not_asked",
    "rural": "no",
    "client_type": "long_term",
    "entry_date": "2026-03-02",
    "target": "Catering",
}


def test_counsellor_registers_a_client_with_a_case(client, counsellor):
    log_in(client, counsellor)
    response = client.post("/clients/new", data={**NEW_CLIENT, "counsellor_id": counsellor.id})
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert (case.client.full_name, case.client.labour_status.value, case.client.isced_level) == (
        "Hodan Abdi",
        "unemployed",
        3,
    )
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Hodan Abdi" in page and "Catering" in page


def test_a_name_in_another_script_is_kept_with_its_latin_spelling(client, counsellor):
    log_in(client, counsellor)
    data = {
        **NEW_CLIENT,
        "first_name": "هودان",
        "last_name": "عبدي",
        "latin_name": " Hodan Abdi ",
        "counsellor_id": counsellor.id,
    }
    assert client.post("/clients/new", data=data).status_code == 302
    case = db.session.scalar(select(Case))
    assert (case.client.full_name, case.client.latin_name) == ("هودان عبدي", "Hodan Abdi")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Name in Latin letters" in page and "Hodan Abdi" in page
    response = client.post(
        f"/clients/{case.client.id}/edit", data={**data, "latin_name": "x" * 202, "version": case.client.version}
    )
    assert response.status_code == 400 and "x" * 202 in response.get_data(as_text=True)


def test_possible_duplicates_are_shown_before_saving(client, counsellor, make_client):
    existing = make_client(first_name="Hodan", last_name="Abdi", birth_date=date(1991, 2, 3))
    log_in(client, counsellor)
    response = client.post("/clients/new", data={**NEW_CLIENT, "counsellor_id": counsellor.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"/clients/{existing.id}" in page and 'value="Catering"' in page
    assert db.session.scalar(select(func.count()).select_from(Client)) == 1
    response = client.post(
        "/clients/new", data={**NEW_CLIENT, "counsellor_id": counsellor.id, "confirm_not_duplicate": "y"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Client)) == 2


def test_impossible_input_is_explained_next_to_the_field_and_kept(client, counsellor):
    log_in(client, counsellor)
    data = {**NEW_CLIENT, "birth_date": "2090-01-01", "counsellor_id": counsellor.id, "municipality": "Kuopio"}
    response = client.post("/clients/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="birth_date-error"' in page and "cannot be in the future" in page
    assert 'value="Kuopio"' in page and 'value="2090-01-01"' in page


def test_exit_before_entry_is_refused_with_the_input_kept(client, counsellor, make_case):
    case = make_case()
    log_in(client, counsellor)
    response = client.post(
        f"/cases/{case.id}/exit",
        data={
            "version": case.version,
            "exit_date": "2026-01-01",
            "labour_status": "job_searching",
            "in_education": "y",
            "study_path_shortened": "no",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "cannot be before the entry date" in page and 'value="2026-01-01"' in page
    assert '<input checked id="labour_status-3" name="labour_status" type="radio" value="job_searching">' in page
    assert '<input checked id="in_education" name="in_education" type="checkbox" value="y">' in page


def test_the_exit_form_records_results_that_go_together(client, counsellor, make_case):
    case = make_case(entry_date=date(2026, 1, 5))
    log_in(client, counsellor)
    form = client.get(f"/cases/{case.id}/exit").get_data(as_text=True)
    assert "Labour-market status within four weeks of leaving" in form and "<input checked" not in form
    response = client.post(
        f"/cases/{case.id}/exit",
        data={
            "version": case.version,
            "exit_date": "2026-02-27",
            "labour_status": "employed",
            "in_education": "y",
            "qualification": "y",
            "study_path_shortened": "no",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Employed · in education or training · qualification gained" in page
    response = client.post(f"/cases/{case.id}/follow-up", data={"on": "2026-08-27", "labour_status": ""})
    assert response.status_code == 302
    assert "no answer" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    form = client.get(f"/cases/{case.id}/follow-up").get_data(as_text=True)
    assert '<input checked id="labour_status-0" name="labour_status" type="radio" value="">' in form, (
        "a recorded “not known” shows as chosen"
    )


def test_a_move_that_is_not_allowed_is_explained_and_the_reason_kept(client, counsellor, make_case):
    case = make_case()
    log_in(client, counsellor)
    response = client.post(
        f"/cases/{case.id}/stage",
        data={"version": case.version, "stage": "certification", "on": "2026-03-05", "reason": "Fast track"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="stage-error"' in page and "cannot move from Identification to Certification" in page
    assert "Fast track" in page
    response = client.post(
        f"/cases/{case.id}/stage",
        data={"version": case.version, "stage": "documentation", "on": "2026-03-05", "reason": "Ready"},
    )
    assert response.status_code == 302
    assert db.session.get(Case, case.id).stage is Stage.DOCUMENTATION


def test_the_second_of_two_concurrent_edits_is_refused_and_keeps_its_input(app, counsellor, make_case, make_user):
    case = make_case()
    colleague = make_user(Role.COUNSELLOR, organisation=counsellor.organisation)
    first, second = app.test_client(), app.test_client()
    log_in(first, counsellor)
    log_in(second, colleague)
    loaded = case.version
    form = {"version": loaded, "client_type": "long_term", "entry_date": "2026-03-02", "counsellor_id": counsellor.id}
    assert first.post(f"/cases/{case.id}/edit", data={**form, "target": "Cleaning"}).status_code == 302
    response = second.post(f"/cases/{case.id}/edit", data={**form, "target": "Logistics"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this record" in page and 'value="Logistics"' in page
    assert db.session.get(Case, case.id).target == "Cleaning"


def test_guidance_notes_are_for_staff_and_clients_see_only_shared_entries(app, counsellor, make_case, make_user):
    case = make_case()
    services.add_guidance_entry(counsellor, case, on=date(2026, 3, 3), kind=GuidanceKind.PHONE, note="Staff only")
    services.add_guidance_entry(
        counsellor, case, on=date(2026, 3, 4), kind=GuidanceKind.EMAIL, note="Bring your diploma", shareable=True
    )
    own_login = make_user(Role.CLIENT)
    services.link_user(counsellor, case.client, own_login)
    manager = make_user(Role.PROJECT_MANAGER)
    db.session.commit()
    staff, pm, person = app.test_client(), app.test_client(), app.test_client()
    log_in(staff, counsellor)
    log_in(pm, manager)
    log_in(person, own_login)
    assert "Staff only" in staff.get(f"/cases/{case.id}").get_data(as_text=True)
    pm_page = pm.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Staff only" not in pm_page and "Phone call" in pm_page
    own_page = person.get("/my-case", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Bring your diploma" in own_page and "Staff only" not in own_page
    assert "collecting proof of your skills" not in own_page  # identification stage, in plain words
    assert "finding out together" in own_page


def test_opening_a_client_record_is_audited(client, counsellor, make_case):
    case = make_case()
    log_in(client, counsellor)
    client.get(f"/clients/{case.client_id}")
    client.get(f"/cases/{case.id}")
    views = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "view", AuditEntry.object_id == case.client_id)
    ).all()
    assert [(v.object_type, v.actor_id) for v in views] == [("client", counsellor.id)] * 2


def test_case_list_filters_and_csv_use_the_same_filters(client, counsellor, make_case, make_client):
    make_case(client=make_client(first_name="Zainab", last_name="Kareem"), client_type=ClientType.SHORT_TERM)
    make_case(client=make_client(first_name="Omar", last_name="Haddad"))
    log_in(client, counsellor)
    page = client.get("/cases?q=kareem").get_data(as_text=True)
    assert "Zainab Kareem" in page and "Omar Haddad" not in page
    page = client.get("/cases?client_type=long_term").get_data(as_text=True)
    assert "Omar Haddad" in page and "Zainab Kareem" not in page
    with client.get("/cases/export.csv?client_type=short_term") as response:
        csv_text = response.get_data(as_text=True)
    assert "Zainab Kareem" in csv_text and "Omar Haddad" not in csv_text


def test_csv_export_writes_each_case_as_the_list_shows_it(client, counsellor, make_case, make_client):
    case = make_case(
        client=make_client(first_name="=Zainab", last_name="Kareem", birth_date=date(1990, 5, 4), gender="female"),
        client_type=ClientType.SHORT_TERM,
        entry_date=date(2026, 2, 3),
        target="Catering",
    )
    log_in(client, counsellor)
    with client.get("/cases/export.csv") as response:
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0][:6] == ["Case", "Client", "Birth year", "Gender", "Stage", "Client type"]
    assert rows[1][:6] == [
        str(case.id),
        "'=Zainab Kareem",
        "1990",
        "Female",
        "Identification",
        "Short-term (guidance and a partial path)",
    ]
    assert rows[1][8:11] == ["2026-02-03", "", "Catering"]
    assert rows[1][11] == case.last_activity_at.date().isoformat()


def test_name_search_matches_any_part_of_the_full_name_and_takes_wildcards_literally(
    client, counsellor, make_case, make_client
):
    make_case(client=make_client(first_name="Zainab", last_name="Kareem"))
    make_case(client=make_client(first_name="Omar", last_name="Haddad"))
    make_case(client=make_client(first_name="Äijä", last_name="Österberg"))
    log_in(client, counsellor)
    names = ("Zainab Kareem", "Omar Haddad", "Äijä Österberg")
    for query, shown in (
        ("ZAINAB KAR", ["Zainab Kareem"]),
        ("ab kar", ["Zainab Kareem"]),
        ("dad", ["Omar Haddad"]),
        ("äijä ÖST", ["Äijä Österberg"]),
        ("%", []),
        ("_", []),
    ):
        page = client.get("/cases", query_string={"q": query}).get_data(as_text=True)
        assert [name for name in names if name in page] == shown, query


def test_the_filter_bar_keeps_what_was_typed_and_marks_a_bad_date_in_the_users_language(
    client, counsellor, make_case, make_client
):
    make_case(client=make_client(first_name="Zainab", last_name="Kareem"), client_type=ClientType.SHORT_TERM)
    log_in(client, counsellor)
    page = client.get(
        "/cases?q=kareem&stage=identification&client_type=short_term&entry_from=31.2.2026",
        headers={"Accept-Language": "fi"},
    ).get_data(as_text=True)
    assert 'name="q" type="search" value="kareem"' in page
    assert '<option value="identification" selected>' in page and '<option value="short_term" selected>' in page
    assert f'<option value="{counsellor.organisation_id}">{counsellor.organisation.name}</option>' in page
    assert f'<option value="{counsellor.id}">{counsellor.name}</option>' in page
    assert 'id="entry_from" name="entry_from" type="date" value="31.2.2026" aria-describedby="entry_from-error"' in page
    assert '<p class="error" id="entry_from-error">Ei ole kelvollinen päivämäärä-arvo</p>' in page
    assert "Zainab Kareem" in page  # the filters that are right still apply


def test_a_counsellor_sees_only_their_organisations_cases(client, counsellor, make_case, make_user, make_organisation):
    other = make_user(Role.COUNSELLOR, organisation=make_organisation("Elsewhere"))
    foreign = make_case(responsible=other)
    log_in(client, counsellor)
    assert foreign.client.last_name not in client.get("/cases").get_data(as_text=True)
    assert client.get(f"/cases/{foreign.id}").status_code == 404


def _count_queries(fn) -> int:
    with recorded_statements() as statements:
        fn()
    return len(statements)


def test_the_case_list_runs_the_same_number_of_queries_for_few_and_many_rows(client, counsellor, make_case, make_user):
    log_in(client, counsellor)
    colleague = make_user(Role.COUNSELLOR, organisation=counsellor.organisation)
    for n in range(3):
        make_case(responsible=colleague if n % 2 else counsellor)
    few = _count_queries(lambda: client.get("/cases"))
    for n in range(30):
        make_case(responsible=colleague if n % 2 else counsellor)
    many = _count_queries(lambda: client.get("/cases"))
    assert few == many
    links = re.compile(r'href="/cases/\d+"')
    assert len(links.findall(client.get("/cases").get_data(as_text=True))) == 25
    assert len(links.findall(client.get("/cases?page=2").get_data(as_text=True))) == 8


IMPORT_CSV = (
    "first_name;last_name;birth_date;gender;email;country_of_birth;mother_tongue;client_type;entry_date;stage\n"
    "Ali;Jaber;5.3.1985;male;ali@example.net;IQ;ar;long_term;2026-02-01;documentation\n"
    "Lina;Darwish;1990-07-07;female;;SY;ar;short_term;2026-02-03;\n"
)


def _upload(client, text, name="clients.csv"):
    return client.post(
        "/cases/import", data={"file": (io.BytesIO(text.encode()), name)}, content_type="multipart/form-data"
    )


def test_import_previews_then_applies_the_whole_file(client, counsellor):
    log_in(client, counsellor)
    response = _upload(client, IMPORT_CSV)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Ali Jaber" in page
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert client.post("/cases/import", data={"token": token}).status_code == 302
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    assert [(c.client.full_name, c.stage, c.counsellor_id) for c in cases] == [
        ("Ali Jaber", Stage.DOCUMENTATION, counsellor.id),
        ("Lina Darwish", Stage.IDENTIFICATION, counsellor.id),
    ]


def test_import_reports_every_bad_row_and_imports_nothing(client, counsellor, make_client):
    make_client(first_name="Ali", last_name="Jaber", birth_date=date(1985, 3, 5))
    log_in(client, counsellor)
    bad = (
        IMPORT_CSV + "Omar;Haddad;1980-01-01;male;;XX;ar;long_term;2026-02-03;\n"
        "Rasha;Haddad;2099-01-01;female;;SY;ar;long_term;2026-02-03;\n"
    )
    response = _upload(client, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Possible duplicate" in page and "Unknown country code: XX" in page and "in the future" in page
    assert 'name="token"' not in page
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_import_refuses_a_file_found_too_long_while_it_is_read(client, counsellor, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 1)
    log_in(client, counsellor)
    response = _upload(client, IMPORT_CSV)
    assert response.status_code == 400
    assert "The file has more than 1 rows" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_import_refuses_a_row_repeating_a_client_above_it_in_the_same_file(client, counsellor):
    log_in(client, counsellor)
    repeated = (
        IMPORT_CSV
        + "Ali;Jaber;1985-03-05;male;;IQ;ar;long_term;2026-02-04;\n"
        + "Alia;Jabr;1991-01-01;female;ALI@example.net;IQ;ar;long_term;2026-02-04;\n"
    )
    response = _upload(client, repeated)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert page.count("Possible duplicate of the client on line 2") == 2  # by name and birth date, and by email
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def _clients(n, start=0):
    return "".join(
        f"Person{k};Number{k};1980-01-{k % 28 + 1:02d};female;p{k}@example.net;SO;so;long_term;2026-02-01;\n"
        for k in range(start, start + n)
    )


def test_a_clean_import_longer_than_a_chunk_is_saved_whole(client, counsellor, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    log_in(client, counsellor)
    page = _upload(client, IMPORT_CSV.splitlines(keepends=True)[0] + _clients(5)).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert client.post("/cases/import", data={"token": token}).status_code == 302
    assert db.session.scalars(select(Client.first_name).order_by(Client.id)).all() == [f"Person{k}" for k in range(5)]


def test_a_bad_row_after_the_first_chunks_saves_nothing_and_every_error_is_reported(app, counsellor, monkeypatch):
    """The first chunks are written before the bad row is read; the whole import is still rolled back, and the
    rows after the bad one are checked too, a repeat of a written row named by its line, not as a registered
    client."""
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    header = IMPORT_CSV.splitlines(keepends=True)[0]
    text = (
        header
        + _clients(4)
        + "Omar;Haddad;1980-01-01;male;;XX;ar;long_term;2026-02-03;\n"
        + _clients(1, start=7)
        + "Again;Person;1991-01-01;female;P1@example.net;SO;so;long_term;2026-02-01;\n"
        + "Rasha;Haddad;1980-01-01;female;;SY;ar;castle;2026-02-03;\n"
    )
    audit_entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    report = importing.import_cases(counsellor, iter_table("clients.csv", io.BytesIO(text.encode())), dry_run=False)
    db.session.commit()
    assert [(error.line, error.column) for error in report.errors] == [
        (6, "country_of_birth"),
        (8, "email"),
        (9, "client_type"),
    ]
    assert "Possible duplicate of the client on line 3" in report.errors[1].message
    assert report.rows == 8 and report.applied == []
    assert db.session.scalar(select(func.count()).select_from(Client)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_entries


def test_an_import_refuses_a_registered_client_in_any_chunk(app, counsellor, make_client, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    registered = make_client(first_name="Person4", last_name="Number4", birth_date=date(1980, 1, 5))
    db.session.commit()
    header = IMPORT_CSV.splitlines(keepends=True)[0]
    rows = iter_table("clients.csv", io.BytesIO((header + _clients(6)).encode()))
    report = importing.import_cases(counsellor, rows, dry_run=False)
    db.session.commit()
    assert [(error.line, error.message) for error in report.errors] == [
        (6, f"Possible duplicate of client #{registered.id} (same name and date of birth, or same email).")
    ]
    assert db.session.scalar(select(func.count()).select_from(Client)) == 1


def test_import_command_with_dry_run_and_for_real(app, runner, counsellor, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(IMPORT_CSV)
    result = runner.invoke(args=["import-cases", str(path), "--dry-run", "--user", counsellor.email])
    assert result.exit_code == 0 and "Dry run: 2 rows" in result.output
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    result = runner.invoke(args=["import-cases", str(path), "--user", counsellor.email])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Case)) == 2


def test_the_retention_command_erases_only_clients_past_the_period(app, runner, counsellor, make_case):
    old = make_case(entry_date=date(2019, 1, 1))
    services.record_exit(counsellor, old, exit_date=date(2019, 6, 1), labour_status=None)
    recent = make_case(entry_date=date(2019, 1, 1))
    db.session.commit()
    old_client, recent_client = old.client_id, recent.client_id
    result = runner.invoke(args=["erase-expired-clients", "--years", "5", "--dry-run"])
    assert result.exit_code == 0 and f"would erase client #{old_client}" in result.output
    db.session.rollback()
    assert db.session.get(Client, old_client).erased_at is None
    result = runner.invoke(args=["erase-expired-clients", "--years", "5"])
    assert result.exit_code == 0 and "Erased: 1 (retention period 5 years)" in result.output
    db.session.rollback()
    assert db.session.get(Client, old_client).erased_at is not None
    assert db.session.get(Client, recent_client).erased_at is None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "client_erased")).actor_id is None


def test_dashboard_shows_my_cases_by_stage_and_follow_ups_due(client, counsellor, make_case):
    case = make_case(entry_date=date(2025, 1, 10))
    services.record_exit(
        counsellor, case, exit_date=date(2025, 4, 1), labour_status=services.LabourMarketResult.JOB_SEARCHING
    )
    db.session.commit()
    log_in(client, counsellor)
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "My cases" in page and "Follow-ups due" in page
    assert f"/cases/{case.id}/follow-up" in page


def test_client_export_and_erasure_through_the_web(client, make_user, make_case, counsellor):
    case = make_case()
    admin = make_user(Role.ADMIN, organisation=counsellor.organisation)
    log_in(client, admin)
    response = client.post(f"/clients/{case.client_id}/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.post(f"/clients/{case.client_id}/erase", data={}).status_code == 400
    assert client.post(f"/clients/{case.client_id}/erase", data={"confirm": "y"}).status_code == 302
    assert db.session.get(Client, case.client_id).erased_at is not None


def test_the_long_code_lists_speak_the_readers_language_and_keep_what_was_chosen(
    client, counsellor, make_case, make_client
):
    case = make_case(client=make_client(mother_tongue="ar", country_of_birth="SY"))
    log_in(client, counsellor)
    page = client.get(f"/cases/{case.id}", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert '<option value="" selected>Ei tulkkia</option>' in page and '<option value="so">somali</option>' in page
    refused = client.post(
        f"/cases/{case.id}/guidance", data={"on": "2026-03-03", "kind": "phone", "interpreter_language": "xx"}
    )
    assert refused.status_code == 400 and 'id="interpreter_language-error"' in refused.get_data(as_text=True)
    client.post(f"/cases/{case.id}/guidance", data={"on": "2026-03-03", "kind": "phone", "interpreter_language": "so"})
    assert db.session.scalar(select(func.count()).where(GuidanceEntry.interpreter_language == "so")) == 1
    edit = client.get(f"/clients/{case.client_id}/edit").get_data(as_text=True)
    assert '<option value="ar" selected>Arabic</option>' in edit
    assert '<option value="SY" selected>Syria</option>' in edit
