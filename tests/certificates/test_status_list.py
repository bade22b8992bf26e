"""Revocation software can read: a W3C Bitstring Status List entry in every credential, and the list published."""

import base64
import gzip
import json
from datetime import datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

from certificates import services
from certificates.credential import build_credential
from isok.accounts.models import Role
from isok.extensions import db
from tests.certificates.test_credential import schema_errors
from tests.conftest import log_in


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _path(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:5000")


def verified_payload(client, token: str) -> dict:
    """Check the JWT against the key its kid names, as a verifier would; answer its payload."""
    header_part, payload_part, signature_part = token.split(".")
    header = json.loads(_unb64url(header_part))
    assert set(header) == {"alg", "kid", "typ"} and header["typ"] == "JWT"
    jwk = client.get(_path(header["kid"])).json
    key = RSAPublicNumbers(int.from_bytes(_unb64url(jwk["e"]), "big"), int.from_bytes(_unb64url(jwk["n"]), "big"))
    key.public_key().verify(
        _unb64url(signature_part), f"{header_part}.{payload_part}".encode(), PKCS1v15(), hashes.SHA256()
    )
    return json.loads(_unb64url(payload_part))


def status_bit(client, entry: dict) -> int:
    """Read the entry's bit the way the specification says: fetch and verify the list credential, take the
    multibase (u = base64url, no padding) GZIP-compressed bitstring, and count index 0 as its first, left-most bit."""
    response = client.get(_path(entry["statusListCredential"]))
    assert response.status_code == 200 and response.mimetype == "application/jwt"
    listing = verified_payload(client, response.get_data(as_text=True))
    assert "BitstringStatusListCredential" in listing["type"] and listing["id"] == entry["statusListCredential"]
    assert listing["iss"] == listing["issuer"] and listing["jti"] == listing["id"]
    subject = listing["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == entry["statusPurpose"]
    assert subject["encodedList"].startswith("u")
    bitstring = gzip.decompress(_unb64url(subject["encodedList"][1:]))
    assert len(bitstring) * 8 >= 131_072  # the specification's minimum size, for group privacy
    index = int(entry["statusListIndex"])
    return (bitstring[index // 8] >> (7 - index % 8)) & 1


def test_revoking_and_replacing_flip_the_bit_at_once(client, issued, counsellor):
    first, second = issued(), issued(first_name="Omar", last_name="Ali")
    entries = [build_credential(certificate)["credentialStatus"] for certificate in (first, second)]
    assert entries[0]["type"] == "BitstringStatusListEntry" and entries[0]["statusPurpose"] == "revocation"
    assert entries[0]["statusListCredential"] == entries[1]["statusListCredential"]  # one list per organisation
    assert entries[0]["id"] == f"{entries[0]['statusListCredential']}#{entries[0]['statusListIndex']}"
    assert entries[0]["statusListIndex"] != entries[1]["statusListIndex"]
    assert [status_bit(client, entry) for entry in entries] == [0, 0]

    services.revoke_certificate(counsellor, first, "Wrong person")
    db.session.commit()
    assert [status_bit(client, entry) for entry in entries] == [1, 0]

    new = services.reissue_certificate(counsellor, second, ["fi"], "Another language", version=second.version)
    db.session.commit()
    new_entry = build_credential(new)["credentialStatus"]
    assert [status_bit(client, entry) for entry in (*entries, new_entry)] == [1, 1, 0]


def test_a_credential_downloaded_before_revocation_can_be_checked_after_it(client, issued, counsellor):
    certificate = issued()
    log_in(client, counsellor)
    token = client.get(f"/certificates/{certificate.id}/credential.jwt").get_data(as_text=True)
    services.revoke_certificate(counsellor, certificate, "Issued by mistake")
    db.session.commit()
    kept = verified_payload(client, token)  # the holder's old copy, still correctly signed...
    assert status_bit(client, kept["credentialStatus"]) == 1  # ...says revoked through its status entry


def test_the_organisation_sets_a_validity_and_credentials_carry_valid_until(client, issued, org, make_user):
    unlimited = issued(first_name="Omar")
    assert "validUntil" not in build_credential(unlimited)
    admin = make_user(Role.ADMIN)
    log_in(client, admin)
    response = client.post(
        f"/admin/organisations/{org.id}",
        data={"name": org.name, "type": org.type.value, "municipality": "Kuopio", "certificate_validity_months": "24"},
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.certificate_validity_months == 24
    assert "validUntil" not in build_credential(unlimited)  # what was issued keeps what it stated
    certificate = issued()
    document = build_credential(certificate)
    valid_from = datetime.fromisoformat(document["validFrom"].replace("Z", "+00:00"))
    valid_until = datetime.fromisoformat(document["validUntil"].replace("Z", "+00:00"))
    assert (valid_until.year - valid_from.year, valid_until.month, valid_until.day) == (
        2,
        valid_from.month,
        valid_from.day,
    )
    assert schema_errors(document) == []
    token = client.get(f"/certificates/{certificate.id}/credential.jwt").get_data(as_text=True)
    assert verified_payload(client, token)["exp"] == int(valid_until.timestamp())
    assert "Valid until" in client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)

    certificate.valid_until = certificate.issued_at  # time passes
    db.session.commit()
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Expired: this certificate was valid until" in page
