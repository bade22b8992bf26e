import base64
import hashlib
import json
import re

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers
from sqlalchemy import select

from certificates import services
from certificates.models import BulkIssue, Certificate, CertificateStatus, ItemStatus
from isok.accounts.models import Role
from isok.extensions import db
from isok.jobs import queue
from tests.conftest import log_in


def test_counsellor_previews_then_issues_and_downloads(client, counsellor, make_case, signed_off):
    case = make_case()
    signed_off(case)
    log_in(client, counsellor)
    page = client.get(f"/cases/{case.id}/certificates")
    assert page.status_code == 200
    assert re.search(r'<input checked[^>]*value="ar"', page.get_data(as_text=True))  # the client's language
    preview = client.get(f"/cases/{case.id}/certificates/preview?languages=fi&languages=ar")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Amina Hassan" in html and "Valmistaa kylmiä ruokia ohjeen mukaan" in html and 'dir="rtl"' in html
    assert "ESIKATSELU" in html
    pdf_preview = client.get(f"/cases/{case.id}/certificates/preview.pdf?languages=en")
    assert pdf_preview.mimetype == "application/pdf" and "attachment" in pdf_preview.headers["Content-Disposition"]
    assert b"/ByteRange" not in pdf_preview.data  # a preview carries no seal
    assert db.session.scalar(select(Certificate)) is None

    asked = client.post(f"/cases/{case.id}/certificates", data={"languages": ["fi", "ar"]})
    assert asked.status_code == 200 and "Issue the certificate in Suomi, العربية?" in asked.get_data(as_text=True)
    assert db.session.scalar(select(Certificate)) is None  # asked first, nothing issued
    issued = client.post(f"/cases/{case.id}/certificates", data={"languages": ["fi", "ar"], "confirm": "yes"})
    certificate = db.session.scalar(select(Certificate))
    assert issued.status_code == 302 and issued.headers["Location"].endswith(f"/certificates/{certificate.id}")
    download = client.get(f"/certificates/{certificate.id}/pdf")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert hashlib.sha256(download.data).hexdigest() == certificate.pdf_sha256
    credential = client.get(f"/certificates/{certificate.id}/credential.json")
    assert credential.mimetype == "application/ld+json"
    assert credential.json["ext:certificateNumber"] == certificate.number
    sealed = client.get(f"/certificates/{certificate.id}/credential.jwt")
    assert sealed.mimetype == "application/jwt"
    header, payload = verified_jws(client, sealed.get_data(as_text=True))
    assert (header["alg"], header["typ"]) == ("RS256", "JWT")
    assert {key: value for key, value in payload.items() if key not in ("iss", "sub", "nbf", "jti")} == credential.json
    header_part, _payload, signature_part = sealed.get_data(as_text=True).split(".")
    other = _b64url(json.dumps({**credential.json, "ext:certificateNumber": "ISOK-2026-999999"}).encode())
    with pytest.raises(InvalidSignature):  # a changed credential no longer matches the seal's signature
        verified_jws(client, f"{header_part}.{other}.{signature_part}")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verified_jws(client, token: str) -> tuple[dict, dict]:
    """Check a compact RS256 JWS against the public key its `kid` names, as a wallet would."""
    header_part, payload_part, signature_part = token.split(".")
    header = json.loads(_unb64url(header_part))
    jwk = client.get(header["kid"].removeprefix("http://127.0.0.1:5000")).json
    public_key = RSAPublicNumbers(
        int.from_bytes(_unb64url(jwk["e"]), "big"), int.from_bytes(_unb64url(jwk["n"]), "big")
    ).public_key()
    public_key.verify(_unb64url(signature_part), f"{header_part}.{payload_part}".encode(), PKCS1v15(), hashes.SHA256())
    return header, json.loads(_unb64url(payload_part))


def test_issue_before_sign_off_is_refused_with_the_reason(client, counsellor, make_case, signed_off):
    case = make_case()
    log_in(client, counsellor)
    response = client.post(f"/cases/{case.id}/certificates", data={"languages": ["fi", "en"]})
    assert response.status_code == 400
    assert "not signed off" in response.get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="en"', response.get_data(as_text=True))  # the choice is kept
    assert db.session.scalar(select(Certificate)) is None


def test_client_finds_and_downloads_only_their_own_valid_certificates(client, issued, make_user, counsellor):
    account = make_user(Role.CLIENT, name="Amina Hassan")
    own = issued(user=account)
    other = issued(first_name="Omar", last_name="Ali")
    log_in(client, account)
    page = client.get("/my/certificates").get_data(as_text=True)
    assert own.number in page and other.number not in page
    assert client.get(f"/certificates/{own.id}/pdf").status_code == 200
    assert client.get(f"/certificates/{other.id}/pdf").status_code == 404
    assert own.number in client.get("/").get_data(as_text=True)  # the dashboard panel
    services.revoke_certificate(counsellor, db.session.get(Certificate, own.id), "Wrong qualification")
    db.session.commit()
    assert client.get(f"/certificates/{own.id}/pdf").status_code == 404
    assert own.number not in client.get("/my/certificates").get_data(as_text=True)


def test_verification_page_says_valid_revoked_replaced_or_unknown(client, issued, counsellor):
    certificate = issued()
    url = f"/verify/{certificate.verification_code}"
    valid = client.get(url).get_data(as_text=True)
    assert "Valid:" in valid and certificate.number in valid and "Amina Hassan" in valid
    assert certificate.pdf_sha256 in valid and "1990" not in valid  # no date of birth, nothing beyond the summary
    assert "Valid:" in client.get(url.lower().replace("-", "")).get_data(as_text=True)  # typed loosely
    match = client.get(f"{url}?sha256={certificate.pdf_sha256.upper()}").get_data(as_text=True)
    assert "The hashes match" in match
    assert "The hashes differ" in client.get(f"{url}?sha256={'0' * 64}").get_data(as_text=True)

    new = services.reissue_certificate(counsellor, certificate, ["fi"], "Finnish only")
    db.session.commit()
    assert "Replaced:" in client.get(url).get_data(as_text=True)
    services.revoke_certificate(counsellor, new, "Issued in error")
    db.session.commit()
    revoked = client.get(f"/verify/{new.verification_code}").get_data(as_text=True)
    assert "Revoked:" in revoked and "Issued in error" not in revoked
    unknown = client.get("/verify/AAAA-BBBB-CCCC")
    assert unknown.status_code == 404 and "Unknown:" in unknown.get_data(as_text=True)
    assert (
        client.get(f"/verify?code={new.verification_code.lower()}")
        .headers["Location"]
        .endswith(f"/verify/{new.verification_code}")
    )


def test_verification_is_rate_limited(app, client):
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [client.get("/verify/AAAA").status_code for _ in range(4)]
    finally:
        app.config["VERIFY_RATE_LIMIT"] = "30 per minute"
    assert statuses == [404, 404, 404, 429]


def test_revoke_without_a_reason_keeps_the_certificate_valid(client, issued, counsellor):
    certificate = issued()
    log_in(client, counsellor)
    response = client.post(
        f"/certificates/{certificate.id}/revoke", data={"reason": "", "version": certificate.version}
    )
    assert response.status_code == 400
    assert db.session.get(Certificate, certificate.id).status == CertificateStatus.VALID
    response = client.post(
        f"/certificates/{certificate.id}/revoke", data={"reason": "Wrong person", "version": certificate.version}
    )
    assert response.status_code == 302
    assert db.session.get(Certificate, certificate.id).status == CertificateStatus.REVOKED


def test_reissue_through_the_page(client, issued, counsellor):
    certificate = issued()
    log_in(client, counsellor)
    without_reason = client.post(
        f"/certificates/{certificate.id}/reissue", data={"languages": ["sv", "en"], "version": certificate.version}
    )
    assert without_reason.status_code == 400
    assert db.session.get(Certificate, certificate.id).status == CertificateStatus.VALID
    response = client.post(
        f"/certificates/{certificate.id}/reissue",
        data={"languages": ["sv", "en"], "version": certificate.version, "reason": "Swedish was missing"},
    )
    assert response.status_code == 200 and 'name="reason" value="Swedish was missing"' in response.get_data(
        as_text=True
    )
    assert db.session.get(Certificate, certificate.id).status == CertificateStatus.VALID  # asked first
    response = client.post(
        f"/certificates/{certificate.id}/reissue",
        data={
            "languages": ["sv", "en"],
            "version": certificate.version,
            "reason": "Swedish was missing",
            "confirm": "yes",
        },
    )
    new = db.session.scalar(select(Certificate).where(Certificate.replaces_id == certificate.id))
    assert response.headers["Location"].endswith(f"/certificates/{new.id}")
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "Replaced by" in page and new.number in page and "Swedish was missing" in page
    public = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Replaced:" in public and f'href="/verify/{new.verification_code}"' in public
    assert "Swedish was missing" not in public  # the reason stays with the staff


def test_bulk_issue_reports_progress_and_failures_per_case(app, client, counsellor, make_case, signed_off):
    ready, unsigned = make_case(first_name="Ready"), make_case(first_name="Unsigned")
    signed_off(ready)
    log_in(client, counsellor)
    index = client.get("/certificates").get_data(as_text=True)
    assert "Ready Hassan" in index and "Unsigned Hassan" in index
    response = client.post("/certificates/bulk", data={"case_ids": [ready.id, unsigned.id], "languages": ["fi"]})
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/certificates/bulk/{job_id}")
    html = page.get_data(as_text=True)
    assert "Refresh" not in page.headers  # finished: the page stops updating itself
    assert "1 of 2" not in html and "2 of 2 cases done, 1 failed" in html
    assert "not signed off" in html
    job = db.session.get(BulkIssue, job_id)
    assert [item.status for item in job.items] == [ItemStatus.ISSUED, ItemStatus.FAILED]


def test_a_running_bulk_issue_page_refreshes_itself(client, counsellor, make_case, signed_off, monkeypatch):
    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)  # no consumer has taken the job yet
    job = services.start_bulk_issue(counsellor, [make_case()], ["fi"], "en")
    db.session.commit()
    log_in(client, counsellor)
    response = client.get(f"/certificates/bulk/{job.id}")
    assert response.headers["Refresh"] == "2"
    assert "0 of 1 cases done" in response.get_data(as_text=True)


def test_case_panel_lists_the_certificates(app, issued, counsellor):
    from isok.hooks import case_panels

    certificate = issued()
    panels = [p for p in case_panels(counsellor, certificate.case) if p.template.startswith("certificates/")]
    assert [c.number for c in panels[0].context["certificates"]] == [certificate.number]
