"""Each issuing organisation seals with its own key and certificate, installed by an administrator."""

import io
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from certificates import seal_keys, seals, services
from certificates.models import OrganisationSeal, SealSource
from isok import storage
from isok.accounts.models import OrganisationType, Role
from isok.audit import AuditEntry
from isok.extensions import db
from tests.certificates.helpers import _test_key, give_test_seal
from tests.conftest import log_in


def _ca_issued(name: str, *, days=365, key=None):
    """A seal certificate for `name` issued by a test certificate authority: (key, [seal cert, CA cert])."""
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Seal CA")])
    now = datetime.now(UTC)
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = key or _test_key()
    leaf = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                    x509.NameAttribute(NameOID.COMMON_NAME, f"{name} e-seal"),
                ]
            )
        )
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(ca_key, hashes.SHA256())
    )
    return key, [leaf, ca]


def _pem(certificates) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certificates)


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def guidance_centre(make_organisation):
    return make_organisation(
        name="Kuopio Guidance Centre", type=OrganisationType.PUBLIC_BODY, municipality="Kuopio", business_id="1234567-8"
    )


def test_an_administrator_generates_a_seal_naming_the_organisation(client, admin, guidance_centre):
    log_in(client, admin)
    page = client.get(f"/admin/organisations/{guidance_centre.id}")
    assert "has no seal, so it cannot issue certificates" in page.get_data(as_text=True)
    response = client.post(f"/admin/organisations/{guidance_centre.id}/seal/generate")
    assert response.status_code == 302
    record = seals.active_seal(guidance_centre.id)
    certificate = seals.chain(record)[0]
    assert seal_keys.organisation_names(certificate) == ["Kuopio Guidance Centre"]
    assert certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)[0].value == "NTRFI-1234567-8"
    assert record.source == SealSource.GENERATED
    page = client.get(f"/admin/organisations/{guidance_centre.id}/seal").get_data(as_text=True)
    assert record.fingerprint in page and "PRIVATE KEY" not in page
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "install_seal" in actions


def test_the_key_is_stored_only_encrypted_and_bound_to_its_seal(app, guidance_centre, monkeypatch):
    record = give_test_seal(guidance_centre)
    der = _test_key().private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert der not in record.encrypted_key and der[40:80] not in record.encrypted_key
    key = seal_keys.decrypt_key(record.encrypted_key, record.organisation_id, record.fingerprint)
    assert key.private_numbers() == _test_key().private_numbers()
    with pytest.raises(seal_keys.KeyUnreadable):  # moved to another organisation's seal, it does not decrypt
        seal_keys.decrypt_key(record.encrypted_key, record.organisation_id + 1, record.fingerprint)
    monkeypatch.setitem(app.config, "SEAL_ENCRYPTION_KEY", "another installation's key")
    with pytest.raises(seal_keys.KeyUnreadable):
        seal_keys.decrypt_key(record.encrypted_key, record.organisation_id, record.fingerprint)


def test_a_pkcs12_upload_installs_the_chain_and_retires_the_previous_seal(client, admin, guidance_centre):
    old = give_test_seal(guidance_centre)
    db.session.commit()
    key, chain = _ca_issued("Kuopio Guidance Centre")
    bundle = pkcs12.serialize_key_and_certificates(
        b"seal", key, chain[0], [chain[1]], serialization.BestAvailableEncryption(b"s3cret")
    )
    log_in(client, admin)
    wrong = client.post(
        f"/admin/organisations/{guidance_centre.id}/seal",
        data={"pkcs12": (io.BytesIO(bundle), "seal.p12"), "password": "guess"},
    )
    assert wrong.status_code == 400
    assert "does not open with this password" in wrong.get_data(as_text=True)
    assert seals.active_seal(guidance_centre.id).id == old.id
    right = client.post(
        f"/admin/organisations/{guidance_centre.id}/seal",
        data={"pkcs12": (io.BytesIO(bundle), "seal.p12"), "password": "s3cret"},
    )
    assert right.status_code == 302
    current = seals.active_seal(guidance_centre.id)
    assert current.source == SealSource.UPLOADED and current.issuer == "CN=Test Seal CA"
    assert [cert.subject for cert in seals.chain(current)] == [chain[0].subject, chain[1].subject]
    assert db.session.get(OrganisationSeal, old.id).retired_at is not None
    assert len(seals.seals_of(guidance_centre.id)) == 2


def test_a_pem_upload_puts_the_chain_in_order_and_must_name_the_organisation(client, admin, guidance_centre):
    key, chain = _ca_issued("Kuopio Guidance Centre")
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw")
    )
    log_in(client, admin)
    response = client.post(
        f"/admin/organisations/{guidance_centre.id}/seal",
        data={
            "key_pem": (io.BytesIO(key_pem), "key.pem"),
            "chain_pem": (io.BytesIO(_pem(chain[::-1])), "chain.pem"),
            "password": "pw",
        },
    )
    assert response.status_code == 302
    assert seals.chain(seals.active_seal(guidance_centre.id))[0] == chain[0]

    other_key, other_chain = _ca_issued("Savonia Vocational College", key=rsa.generate_private_key(65537, 2048))
    someone_else = client.post(
        f"/admin/organisations/{guidance_centre.id}/seal",
        data={
            "key_pem": (
                io.BytesIO(
                    other_key.private_bytes(
                        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                    )
                ),
                "key.pem",
            ),
            "chain_pem": (io.BytesIO(_pem(other_chain)), "chain.pem"),
        },
    )
    assert someone_else.status_code == 400
    assert "names Savonia Vocational College, not Kuopio Guidance Centre" in someone_else.get_data(as_text=True)
    only_key = client.post(
        f"/admin/organisations/{guidance_centre.id}/seal",
        data={"key_pem": (io.BytesIO(key_pem), "key.pem"), "password": "pw"},
    )
    assert "a PEM key together with its certificate chain" in only_key.get_data(as_text=True)


def test_material_that_cannot_seal_is_refused():
    key, chain = _ca_issued("Org", days=-1)
    with pytest.raises(seal_keys.SealMaterialError, match="expired"):
        seal_keys.from_pem(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            _pem(chain),
            None,
        )
    _key, chain = _ca_issued("Org")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(seal_keys.SealMaterialError, match="belongs to this private key"):
        seal_keys.from_pem(
            stranger.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            _pem(chain),
            None,
        )


def test_an_organisation_without_a_usable_seal_cannot_issue(make_organisation, make_user, signed_off, app, monkeypatch):
    from tests.certificates.helpers import new_case

    organisation = make_organisation(name="Joensuu Adult Education Centre")
    counsellor = make_user(Role.COUNSELLOR, organisation=organisation)
    case = new_case(organisation, counsellor)
    db.session.commit()
    signed_off(case)
    with pytest.raises(services.CertificateError, match="Joensuu Adult Education Centre has no seal yet"):
        services.issue_certificate(counsellor, case, ["fi"])
    give_test_seal(organisation)
    organisation.name = "Joensuu Education Centre"  # renamed: the seal names someone else now
    with pytest.raises(services.CertificateError, match="names someone else"):
        services.issue_certificate(counsellor, case, ["fi"])
    organisation.name = "Joensuu Adult Education Centre"
    seals._signers.clear()
    monkeypatch.setitem(app.config, "SEAL_ENCRYPTION_KEY", "changed")
    with pytest.raises(services.CertificateError, match="cannot be read"):
        services.issue_certificate(counsellor, case, ["fi"])


def test_the_seal_the_text_and_the_signer_name_the_same_organisation(issued, tmp_path):
    certificate = issued()
    assert certificate.content["issuer"]["name"] == "Savonia Vocational College"
    assert certificate.seal.organisation.name == "Savonia Vocational College"
    path = tmp_path / "certificate.pdf"
    path.write_bytes(storage.read_bytes(certificate.pdf_sha256))
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout  # noqa: S603, S607
    assert "Signer Certificate Common Name: Savonia Vocational College" in report
    assert "Signature is Valid" in report


def test_seals_near_expiry_are_flagged_to_administrators(client, admin, guidance_centre):
    key, chain = _ca_issued("Kuopio Guidance Centre", days=20)
    seals.install_seal(admin, guidance_centre, seal_keys.SealMaterial(key=key, chain=chain), SealSource.UPLOADED)
    db.session.commit()
    log_in(client, admin)
    start = client.get("/").get_data(as_text=True)
    assert "Seals expiring" in start and "Kuopio Guidance Centre" in start
    assert "expires on" in client.get(f"/admin/organisations/{guidance_centre.id}/seal").get_data(as_text=True)
    assert "Expires soon" in client.get("/admin/seals").get_data(as_text=True)
