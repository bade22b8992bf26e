"""The portfolio travels with the client's data export and goes with their erasure."""

import io
import json
import zipfile

from sqlalchemy import select

from cases import data_rights
from cases import services as case_services
from isok import storage
from isok.extensions import db
from portfolio import services
from portfolio.models import EvidenceFile, PortfolioEntry
from tests.portfolio.conftest import pdf_bytes


def test_export_holds_the_portfolio_and_its_files(make_case, make_entry):
    case, _client_user, counsellor = make_case()
    entry = make_entry(counsellor, case, title="Cook in Aleppo")
    [file] = services.add_evidence(counsellor, entry, [services.Upload("diploma.pdf", io.BytesIO(pdf_bytes()))])
    db.session.commit()

    archive = zipfile.ZipFile(io.BytesIO(data_rights.export_client(counsellor, case.client)))
    portfolio = json.loads(archive.read("portfolio.json"))
    assert portfolio[0]["entries"][0]["title"] == "Cook in Aleppo"
    assert archive.read(f"files/{file.id}-diploma.pdf") == storage.read_bytes(file.digest)


def test_erasure_removes_entries_and_file_bytes(make_case, make_entry):
    case, _client_user, counsellor = make_case()
    entry = make_entry(counsellor, case)
    [file] = services.add_evidence(counsellor, entry, [services.Upload("diploma.pdf", io.BytesIO(pdf_bytes()))])
    db.session.commit()
    digest = file.digest

    case_services.erase_client(counsellor, case.client)
    db.session.commit()
    assert db.session.scalar(select(PortfolioEntry).where(PortfolioEntry.case_id == case.id)) is None
    assert db.session.scalar(select(EvidenceFile)) is None
    assert not storage.exists(digest)
