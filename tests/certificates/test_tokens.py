"""A seal key may live in a hardware token (PKCS#11); SoftHSM2 stands in for the HSM."""

import base64
import io
import subprocess
from datetime import UTC, datetime, timedelta

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import NameOID
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import select

from certificates import seal, seal_tokens, seals, services
from certificates.models import SealSource
from isok import storage
from isok.accounts.models import Role
from isok.audit import AuditEntry
from isok.extensions import db
from tests.conftest import log_in

MODULE = "/usr/lib/softhsm/libsofthsm2.so"  # Debian's softhsm2 (the Makefile's test packages)
TOKEN_LABEL, PIN, SO_PIN = "isok-seals", "246810", "13579111"


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory):
    """A SoftHSM2 token initialised in a temporary directory, for the whole session (the module reads its
    configuration once per process)."""
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOFTHSM2_CONF", str(config))
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                TOKEN_LABEL,
                "--pin",
                PIN,
                "--so-pin",
                SO_PIN,
            ],
            check=True,
            capture_output=True,
        )
        yield pkcs11.lib(MODULE).get_token(token_label=TOKEN_LABEL)
    seal_tokens.forget()


@pytest.fixture
def token(app, softhsm, monkeypatch):
    """The installation configured to use the token; a read-write session of its own to set keys up."""
    monkeypatch.setitem(app.config, "PKCS11_MODULE", MODULE)
    monkeypatch.setitem(app.config, "PKCS11_TOKEN_LABEL", TOKEN_LABEL)
    monkeypatch.setitem(app.config, "PKCS11_PIN", PIN)
    with softhsm.open(user_pin=PIN, rw=True) as session:
        yield session
    seal_tokens.forget()


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


def _ca():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Qualified Seal CA")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _key_in_token(session, label: str, kind: str = "rsa"):
    """A key pair made inside the token (the private key never leaves it): its public key, to be certified."""
    if kind == "rsa":
        public, _private = session.generate_keypair(KeyType.RSA, 2048, store=True, label=label)
        return rsa.RSAPublicNumbers(
            int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"), int.from_bytes(public[Attribute.MODULUS], "big")
        ).public_key()
    parameters = session.create_domain_parameters(
        KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True
    )
    public, _private = parameters.generate_keypair(store=True, label=label)
    return serialization.load_der_public_key(encode_ec_public_key(public))


def _certify(public_key, ca, organisation_name: str) -> x509.Certificate:
    ca_key, ca_certificate = ca
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name),
                    x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation_name} e-seal"),
                ]
            )
        )
        .issuer_name(ca_certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=730))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )


def _store_certificate(session, label: str, certificate: x509.Certificate) -> None:
    session.create_object(
        {
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.LABEL: label,
            Attribute.SUBJECT: certificate.subject.public_bytes(),
            Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
        }
    )


def _pem(*certificates) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certificates)


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_a_key_in_the_token_seals_at_pades_lta_and_signs_the_credential(
    client, admin, org, counsellor, issued, tsa, token, tmp_path
):
    ca = _ca()
    certificate = _certify(_key_in_token(token, "savonia-seal"), ca, org.name)
    _store_certificate(token, "savonia-seal", certificate)
    _store_certificate(token, "seal-ca", ca[1])

    log_in(client, admin)
    response = client.post(f"/admin/organisations/{org.id}/seal/token", data={"key_label": "savonia-seal"})
    assert response.status_code == 302
    record = seals.active_seal(org.id)
    assert record.source == SealSource.HSM and record.token_key_label == "savonia-seal"
    assert record.encrypted_key is None  # nothing of the key is in the database
    assert seals.chain(record) == [certificate, ca[1]]  # the chain, found in the token
    assert "install_seal" in db.session.scalars(select(AuditEntry.action)).all()
    overview = client.get("/admin/seals").get_data(as_text=True)
    assert "In the hardware token (PKCS#11), labelled savonia-seal" in overview

    issued_certificate = issued()
    assert issued_certificate.seal_id == record.id and issued_certificate.seal_level == "B-LTA"
    pdf = storage.read_bytes(issued_certificate.pdf_sha256)
    status = seal.seal_status(pdf, seals.chain(record), [tsa.root])
    assert status.intact and status.valid and status.trusted and status.unchanged_since
    signer_certificate = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0].signer_cert
    assert signer_certificate.dump() == certificate.public_bytes(serialization.Encoding.DER)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout  # noqa: S603, S607
    assert "Signer Certificate Common Name: Savonia Vocational College e-seal" in report

    log_in(client, counsellor)
    jwt = client.get(f"/certificates/{issued_certificate.id}/credential.jwt").get_data(as_text=True)
    header, payload, signature = jwt.split(".")
    certificate.public_key().verify(_unb64url(signature), f"{header}.{payload}".encode(), PKCS1v15(), hashes.SHA256())


def test_a_p256_key_in_the_token_seals_too(org, issued, token):
    ca = _ca()
    certificate = _certify(_key_in_token(token, "savonia-ec", kind="ec"), ca, org.name)
    record = seals.use_token_key(None, org, "savonia-ec", _pem(certificate, ca[1]))  # the chain uploaded
    db.session.commit()
    issued_certificate = issued()
    status = seal.seal_status(storage.read_bytes(issued_certificate.pdf_sha256), seals.chain(record))
    assert status.intact and status.valid and status.trusted
    jws = seal.sign_jws(b"{}", {"typ": "JWT"}, seals.signer(record))
    header, payload, signature = jws.split(".")
    raw = _unb64url(signature)
    certificate.public_key().verify(
        encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:])),
        f"{header}.{payload}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )


def test_a_label_without_a_key_or_a_certificate_of_another_key_is_refused(client, admin, org, token):
    log_in(client, admin)
    missing = client.post(f"/admin/organisations/{org.id}/seal/token", data={"key_label": "nobody"})
    assert missing.status_code == 400
    assert "holds no single private key labelled nobody" in missing.get_data(as_text=True)

    ca = _ca()
    _key_in_token(token, "savonia-other")
    stranger = _certify(rsa.generate_private_key(65537, 2048).public_key(), ca, org.name)
    wrong = client.post(
        f"/admin/organisations/{org.id}/seal/token",
        data={"key_label": "savonia-other", "token_chain_pem": (io.BytesIO(_pem(stranger, ca[1])), "chain.pem")},
    )
    assert wrong.status_code == 400
    assert "None of the certificates belongs to the key labelled savonia-other" in wrong.get_data(as_text=True)
    assert seals.active_seal(org.id).token_key_label is None  # the test seal it had stays


def test_without_a_configured_token_the_page_says_how_and_the_seal_cannot_be_used(client, admin, org, app, monkeypatch):
    log_in(client, admin)
    page = client.get(f"/admin/organisations/{org.id}/seal").get_data(as_text=True)
    assert "No hardware token is configured" in page and "ISOK_PKCS11_MODULE" in page
    assert "Encrypted in the database" in page
    refused = client.post(f"/admin/organisations/{org.id}/seal/token", data={"key_label": "savonia-seal"})
    assert refused.status_code == 400 and "No hardware token is configured" in refused.get_data(as_text=True)


def test_a_token_failing_mid_seal_stops_the_issue_with_a_reason(org, issued, token):
    ca = _ca()
    certificate = _certify(_key_in_token(token, "savonia-gone"), ca, org.name)
    seals.use_token_key(None, org, "savonia-gone", _pem(certificate, ca[1]))
    db.session.commit()
    issued()
    for key in token.get_objects({Attribute.LABEL: "savonia-gone"}):
        key.destroy()  # the key is gone from the token under a running installation
    with pytest.raises(services.CertificateError, match="hardware token holding the seal key did not sign"):
        issued(first_name="Omar", last_name="Ali")
    with pytest.raises(services.CertificateError, match="holds no single private key labelled savonia-gone"):
        issued(first_name="Omar", last_name="Ali")
