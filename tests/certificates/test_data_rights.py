"""Certificates travel with the client's data export, and their erasure leaves a verifiable certificate naming no
one: the verify page answers status, number, qualification and date only."""

import hashlib
import io
import json
import zipfile

import pytest

from cases import data_rights
from cases import services as case_services
from certificates import services
from certificates.models import Certificate
from isok import storage
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.extensions import db
from tests.conftest import log_in


def test_export_holds_each_certificate_its_credential_and_its_pdf(app, issued, counsellor):
    certificate = issued()
    with app.test_request_context():
        archive = zipfile.ZipFile(io.BytesIO(data_rights.export_client(counsellor, certificate.case.client)))
    [record] = json.loads(archive.read("certificates.json"))["certificates"]
    assert record["number"] == certificate.number and record["content"]["holder"]["full_name"] == "Amina Hassan"
    assert record["credential"]["ext:certificateNumber"] == certificate.number
    assert archive.read(record["pdf"]) == storage.read_bytes(certificate.pdf_sha256)
    assert certificate.number in archive.read("summary.html").decode()


def test_erasure_leaves_number_qualification_and_date_and_deletes_the_pdf(client, issued, counsellor, make_user):
    certificate = issued()
    pdf = services.certificate_pdf(certificate)
    services.revoke_certificate(counsellor, certificate, "Amina Hassan asked for it", version=certificate.version)
    db.session.commit()
    kept = {key: certificate.content[key] for key in ("schema", "number", "qualification", "issued_on")}

    case_services.erase_client(counsellor, certificate.case.client)
    db.session.commit()
    certificate = db.session.get(Certificate, certificate.id)
    assert certificate.content == {**kept, "erased": True}
    assert certificate.languages == [] and certificate.revocation_reason is None
    assert not storage.exists(certificate.pdf_sha256)
    assert "Amina" not in json.dumps([e.changes for e in db.session.scalars(db.select(AuditEntry))])

    page = client.get(f"/verify/{certificate.verification_code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Revoked" in html and certificate.number in html
    assert "Holder&#39;s personal data erased" in html and "Amina" not in html and "1990" not in html
    assert certificate.pdf_sha256 not in html and "Savonia" not in html  # no hash, no issuer: four facts only
    checked = client.get(f"/verify/{certificate.verification_code}?sha256={hashlib.sha256(pdf).hexdigest()}")
    assert "your copy is the issued file" in checked.get_data(as_text=True)  # the holder's copy still checks

    log_in(client, make_user(Role.ADMIN, organisation=counsellor.organisation))
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 404
    assert client.get(f"/certificates/{certificate.id}/credential.json").status_code == 404
    assert "personal data erased" in client.get(f"/certificates/{certificate.id}").get_data(as_text=True)


def test_no_certificate_is_issued_for_an_erased_client(make_case, signed_off, counsellor):
    case = make_case()
    signed_off(case)
    case_services.erase_client(counsellor, case.client)
    db.session.commit()
    with pytest.raises(services.CertificateError, match="erased"):
        services.issue_certificate(counsellor, case, ["fi"])
