"""An organisation's seal key and certificate chain as material: read from an upload, made self-signed for
demonstrations, checked to name the organisation, and encrypted at rest.

The private key is stored only encrypted (AES-256-GCM). The encryption key is derived (HKDF-SHA256) from
ISOK_SEAL_ENCRYPTION_KEY, or from the instance's secret key when that is not set; the associated data binds each
ciphertext to its organisation and certificate, so a stored key cannot be moved to another organisation's seal.
"""

import base64
import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from isok import encryption
from isok.rules import RuleBroken
from isok.translation import gettext as _

GENERATED_YEARS = 3
_KEYS = encryption.Keyring("SEAL_ENCRYPTION_KEY", b"isok seal keys v1")


class SealMaterialError(RuleBroken):
    """An uploaded key or certificate cannot seal for this organisation; the message says why, translated."""

    default_field = "certificate"


@dataclass
class SealMaterial:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    chain: list[x509.Certificate]  # the seal certificate first, then its issuers

    @property
    def certificate(self) -> x509.Certificate:
        return self.chain[0]

    def chain_pem(self) -> str:
        return "".join(cert.public_bytes(serialization.Encoding.PEM).decode() for cert in self.chain)

    def key_der(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


# --- encryption at rest ------------------------------------------------------------------------------------------


def _associated_data(organisation_id: int, fingerprint: str) -> bytes:
    return f"isok organisation seal {organisation_id} {fingerprint}".encode()


def encrypt_key(key_der: bytes, organisation_id: int, fingerprint: str) -> bytes:
    return _KEYS.encrypt(key_der, _associated_data(organisation_id, fingerprint))


class KeyUnreadable(RuntimeError):
    """The stored key does not decrypt: the encryption key (or the secret key it was derived from) changed."""


def decrypt_key(blob: bytes, organisation_id: int, fingerprint: str):
    try:
        der = _KEYS.decrypt(blob, _associated_data(organisation_id, fingerprint))
    except encryption.UnknownFormat as error:
        raise KeyUnreadable("unknown seal key format") from error
    except encryption.Unreadable as error:
        raise KeyUnreadable("the seal key does not decrypt with this installation's seal encryption key") from error
    return serialization.load_der_private_key(der, password=None)


# --- reading uploads ---------------------------------------------------------------------------------------------


def _password(text: str | None) -> bytes | None:
    return text.encode() if text else None


def from_pkcs12(data: bytes, password: str | None) -> SealMaterial:
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, _password(password))
    except ValueError as error:
        raise SealMaterialError(
            _("The file does not open with this password, or it is not a PKCS#12 file."), field="pkcs12"
        ) from error
    if key is None or certificate is None:
        raise SealMaterialError(
            _("The PKCS#12 file must hold both the private key and its certificate."), field="pkcs12"
        )
    return _material(key, [certificate, *others])


def from_pem(key_pem: bytes, chain_pem: bytes, password: str | None) -> SealMaterial:
    try:
        key = serialization.load_pem_private_key(key_pem, _password(password))
    except (ValueError, TypeError) as error:
        raise SealMaterialError(
            _("The key file is not a PEM private key, or the password does not open it."), field="key_pem"
        ) from error
    try:
        chain = x509.load_pem_x509_certificates(chain_pem)
    except ValueError as error:
        raise SealMaterialError(_("The certificate file is not a PEM certificate chain."), field="chain_pem") from error
    return _material(key, chain)


def _public_der(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def check_public_key(public_key) -> None:
    """A seal key is RSA of 2048 bits or more, or P-256."""
    if isinstance(public_key, rsa.RSAPublicKey):
        if public_key.key_size < 2048:
            raise SealMaterialError(_("An RSA seal key must have at least 2048 bits."))
    elif not (isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, ec.SECP256R1)):
        raise SealMaterialError(_("Only RSA keys (2048 bits or more) and P-256 elliptic-curve keys can seal."))


def chain_from(leaf: x509.Certificate, certificates: list[x509.Certificate]) -> list[x509.Certificate]:
    """The leaf, then its issuers among `certificates`, in order, as far as they go."""
    chain, rest = [leaf], [cert for cert in certificates if cert != leaf]
    while rest and chain[-1].issuer != chain[-1].subject:
        issuer = next((cert for cert in rest if cert.subject == chain[-1].issuer), None)
        if issuer is None:
            break
        chain.append(issuer)
        rest.remove(issuer)
    return chain


def _material(key, certificates: list[x509.Certificate]) -> SealMaterial:
    """Put the certificate of the key first and its issuers after it, in order; check the key can seal."""
    check_public_key(key.public_key())
    own = _public_der(key.public_key())
    leaf = next((cert for cert in certificates if _public_der(cert.public_key()) == own), None)
    if leaf is None:
        raise SealMaterialError(_("None of the certificates belongs to this private key."))
    check_usable(leaf)
    return SealMaterial(key=key, chain=chain_from(leaf, certificates))


def check_usable(certificate: x509.Certificate) -> None:
    """The seal certificate is valid now and allows signatures."""
    now = datetime.now(UTC)
    if certificate.not_valid_after_utc <= now:
        raise SealMaterialError(
            _("This certificate expired on %(date)s.", date=certificate.not_valid_after_utc.date().isoformat())
        )
    if certificate.not_valid_before_utc > now:
        raise SealMaterialError(
            _("This certificate is valid only from %(date)s.", date=certificate.not_valid_before_utc.date().isoformat())
        )
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise SealMaterialError(_("This certificate is not meant for signatures (its key usage forbids it)."))


# --- naming the organisation -------------------------------------------------------------------------------------


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def organisation_names(certificate: x509.Certificate) -> list[str]:
    """The organisation names the certificate's subject states (O, else CN)."""
    names = [attr.value for attr in certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    return names or [attr.value for attr in certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]


def check_names(certificate: x509.Certificate, organisation_name: str) -> None:
    """The seal must name the organisation that issues with it, as the certificate's text does."""
    names = organisation_names(certificate)
    if _normalised(organisation_name) not in {_normalised(name) for name in names}:
        raise SealMaterialError(
            _(
                "The certificate names %(names)s, not %(organisation)s. A seal must name the "
                "organisation that issues with it.",
                names=", ".join(names) or "–",
                organisation=organisation_name,
            )
        )


def _b64url_uint(number: int, length: int | None = None) -> str:
    raw = number.to_bytes(length or (number.bit_length() + 7) // 8 or 1, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(public_key) -> dict:
    """The public key as a JWK (RFC 7517/7518): only public members, never a private one."""
    if isinstance(public_key, rsa.RSAPublicKey):
        numbers = public_key.public_numbers()
        return {"kty": "RSA", "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}
    numbers = public_key.public_numbers()  # P-256: coordinates are 32 bytes each, leading zeros kept
    return {"kty": "EC", "crv": "P-256", "x": _b64url_uint(numbers.x, 32), "y": _b64url_uint(numbers.y, 32)}


def jwk_thumbprint(jwk: dict) -> str:
    """RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace; base64url."""
    required = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}[jwk["kty"]]
    canonical = json.dumps({name: jwk[name] for name in required}, separators=(",", ":"), sort_keys=True)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(canonical.encode())
    return base64.urlsafe_b64encode(digest.finalize()).rstrip(b"=").decode()


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


# --- self-signed seals -------------------------------------------------------------------------------------------


def self_signed(
    organisation_name: str, business_id: str | None = None, *, key=None, years: int = GENERATED_YEARS
) -> SealMaterial:
    """A self-signed seal whose subject is the organisation's legal name: for demonstrations and tests only, since
    nobody outside trusts it. With a Finnish business id the subject carries it as the eIDAS organisation
    identifier (ETSI EN 319 412-1: NTR, the trade register, FI)."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [
        x509.NameAttribute(NameOID.COMMON_NAME, organisation_name[:64]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name[:64]),
    ]
    if business_id:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"NTRFI-{business_id}"))
    name = x509.Name(attributes)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return SealMaterial(key=key, chain=[certificate])
