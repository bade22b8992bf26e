"""A client's data end to end: erasure leaves no trace of them anywhere the application writes (the database file
and its write-ahead log, every table, the file store, every PDF it generates, a later export), and the export holds
every table that refers to them."""

import io
import json
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import func, select

from cases import data_rights
from cases.models import Case, Client
from certificates.models import Certificate, CertificateStatus
from isok import data_subject
from isok.accounts.models import LoginSession
from isok.audit import _plain
from isok.extensions import db
from isok.network import services as network_services
from isok.network.models import HalfYear
from isok.reports.models import Participation
from tests import client_world
from tests.conftest import log_in

# Tables that refer to a client but whose rows the export leaves out on purpose (README, "What the export holds").
WITHHELD = {
    "tutor_link": "a workplace tutor's personal way in to the placement: the tutor's credential, not the client's data",
}
# Tables the world cannot fill without a process of their own; their own tests cover them.
NOT_IN_THE_WORLD = {
    "participation_correction": "needs a submitted ESF report (tests/reports/test_data_rights.py)",
}


@pytest.fixture
def earlier_files(app) -> set[Path]:
    """The files other tests left in the session's file store (some are not what their name says, such as the
    permission matrix's placeholder certificate): the scan reads only what this test's world wrote."""
    return {path for path in Path(app.config["FILES_DIR"]).rglob("*") if path.is_file()}


@pytest.fixture
def world(client, make_user, make_organisation, earlier_files):
    network_services.save_settings(
        None,
        name="ISOK",
        code="S30947",
        starts_on=date(2025, 1, 1),
        ends_on=date(2030, 12, 31),
        rule_set="esf_plus_2021_2027",
        suppression_threshold=5,
    )
    return client_world.build(client, make_user, make_organisation)


# --- scanning ---------------------------------------------------------------------------------------------------


def _pdf_texts(data: bytes) -> list[str]:
    """The text of a PDF as two independent readers extract it (its streams are compressed: raw bytes hide it)."""
    texts = ["\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)]
    run = subprocess.run(["pdftotext", "-q", "-", "-"], input=data, capture_output=True, check=True)  # noqa: S607
    return [*texts, run.stdout.decode("utf-8", "replace")]


def _search(found: list, where: str, blob: bytes | str) -> None:
    for kind, forms in client_world.identifiers().items():
        for form in forms:
            if (form.encode() if isinstance(blob, bytes) else form) in blob:
                found.append((where, kind, form))


def _search_file(found: list, where: str, data: bytes) -> None:
    _search(found, where, data)
    if data.startswith(b"%PDF"):
        for text in _pdf_texts(data):
            _search(found, f"{where} (text)", text)
    elif data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                _search_file(found, f"{where}:{name}", archive.read(name))


def _scan_storage(skip: set[Path]) -> list:
    """Where the application keeps the client's data: the database (its tables, and on SQLite its file and log)
    and the file store."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            _search(
                found,
                f"table {table.name}",
                json.dumps([_plain(value) for value in row], ensure_ascii=False, default=str),
            )
    if db.engine.dialect.name == "sqlite":
        database = Path(db.engine.url.database)
        for path in (database, Path(f"{database}-wal")):
            if path.exists():
                _search(found, path.name, path.read_bytes())
    for path in sorted(Path(current_app.config["FILES_DIR"]).rglob("*")):
        if path.is_file() and path not in skip:
            _search_file(found, f"files/{path.name}", path.read_bytes())
    return found


def _kinds(found: list, where_prefix: str) -> set[str]:
    return {kind for where, kind, _form in found if where.startswith(where_prefix)}


def test_erasure_leaves_no_trace_of_the_client(client, world, earlier_files):
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    exported = client.post(f"/clients/{world.client.id}/export")
    assert exported.status_code == 200
    before = _scan_storage(earlier_files)
    # The scan finds what is there: every identifier in the tables, the name and birth date inside the PDFs.
    assert _kinds(before, "table") == {"name", "email", "phone", "birth date", "address", "browser"}
    assert {"name", "birth date"} <= _kinds(before, "files/")
    assert any(where.endswith("(text)") and kind == "birth date" for where, kind, _f in before)
    exported_found = []
    _search_file(exported_found, "export", exported.data)
    assert _kinds(exported_found, "export") == {"name", "email", "phone", "birth date", "address", "browser"}

    assert client.post(f"/clients/{world.client.id}/erase", data={"confirm": "y"}).status_code == 302
    if db.engine.dialect.name == "sqlite":
        wal = Path(f"{db.engine.url.database}-wal")
        assert not wal.exists() or wal.stat().st_size == 0  # emptied (TRUNCATE), not merely rewound

    after = _scan_storage(earlier_files)
    period = HalfYear.containing(world.case.entry_date)
    client.post("/logout")
    log_in(client, world.manager)
    esf_pdf = client.get(f"/reports/{period.code}/export.pdf")
    assert esf_pdf.status_code == 200 and esf_pdf.data.startswith(b"%PDF")
    _search_file(after, "ESF report PDF", esf_pdf.data)
    log_in(client, world.admin)
    _search_file(after, "export after erasure", client.post(f"/clients/{world.client.id}/export").data)
    assert after == []

    # What the ESF report and a verifier need stays.
    erased = db.session.get(Client, world.client.id)
    assert erased.erased_at is not None and erased.gender.value == "female" and erased.birth_year == 1987
    case = db.session.get(Case, world.case.id)
    assert case.stage.value == "certification" and case.age_at_entry is not None
    participation = db.session.scalar(select(Participation).where(Participation.client_id == erased.id))
    assert (participation.gender, participation.age_at_entry) == (erased.gender, case.age_at_entry)
    certificate = db.session.get(Certificate, world.certificate.id)
    assert certificate.status is CertificateStatus.VALID and certificate.formally_recognised
    assert db.session.scalar(select(func.count(LoginSession.id)).where(LoginSession.user_id == world.user.id)) == 0


# --- the export's completeness ------------------------------------------------------------------------------------


def _tables_referring_to_the_client() -> set[str]:
    """Every table with a foreign key to the client, or to a table that has one, and so on (from the metadata)."""
    found, grown = {"client"}, True
    while grown:
        grown = False
        for table in db.metadata.sorted_tables:
            if (
                table.name not in found
                and table.name not in data_subject.NOT_WALKED
                and any(key.column.table.name in found for key in table.foreign_keys)
            ):
                found.add(table.name)
                grown = True
    return found


def _dicts(value):
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dicts(item)


def _holds(data, table, row) -> bool:
    """Whether the part's data hold the row: a dict with its id whose columns (those it has) carry its values."""
    values = {column.name: _plain(value) for column, value in zip(table.columns, row, strict=True)}
    for candidate in _dicts(data):
        shared = set(candidate) & set(values) - {"id"}
        if (
            candidate.get("id") == values["id"]
            and shared
            and all(
                json.loads(json.dumps(candidate[name], default=str))
                == json.loads(json.dumps(values[name], default=str))
                for name in shared
            )
        ):
            return True
    return False


def test_the_export_holds_every_table_that_refers_to_the_client(app, world):
    with app.test_request_context():
        parts = data_rights.export_parts(world.client)
    declared = {table: part for part in parts for table in part.tables}
    referring = _tables_referring_to_the_client()
    assert {"case", "interview", "placement", "rating", "certificate", "participation"} <= referring
    left_out = sorted(referring - set(declared) - set(WITHHELD))
    assert left_out == [], f"tables holding the client's data that no export part declares: {left_out}"

    # Row by row: everything under the client and their login, each in the part that declares its table.
    rows = data_subject.rows_of({"client": {world.client.id}, "user": {world.user.id}})
    empty = sorted(
        referring
        - set(rows)
        - set(WITHHELD)
        - set(NOT_IN_THE_WORLD)
        - {table.name for table in db.metadata.sorted_tables if "id" not in table.c}
    )
    assert empty == [], f"the world has no rows in {empty}: extend tests/client_world.py"
    missing = []
    for name, ids in rows.items():
        if name in WITHHELD:
            continue
        assert name in declared, f"rows of {name} belong to the client but no export part declares the table"
        table = db.metadata.tables[name]
        for row in db.session.execute(select(table).where(table.c.id.in_(ids))):
            if not _holds(declared[name].data, table, row):
                missing.append(f"{name} #{row.id}")
    assert missing == [], f"rows left out of the export: {missing}"
    assert {part.name for part in parts} >= {
        "client",
        "account",
        "portfolio",
        "target_qualifications",
        "interviews",
        "placements",
        "assessments",
        "certificates",
        "esf_participation",
        "history",
    }
