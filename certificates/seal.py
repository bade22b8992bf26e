"""The issuing organisation's electronic seal: a PAdES signature (pyHanko) over the whole certificate PDF.

The key and certificate live outside the repository (ISOK_SEAL_KEY, ISOK_SEAL_CERT; by default instance/seal/).
`flask make-seal` creates a self-signed pair for demonstrations and tests; production installs a real one.
"""

import base64
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID
from flask import current_app
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

FIELD_NAME = "IssuerSeal"
_signers: dict[tuple, "_SealSigner"] = {}


class SealMissing(RuntimeError):
    """No seal key and certificate are installed where the configuration points."""


def seal_paths(app=None) -> tuple[Path, Path]:
    config = (app or current_app).config
    return Path(config["SEAL_KEY"]), Path(config["SEAL_CERT"])


def make_seal(key_path: Path, cert_path: Path, organisation: str, *, years: int = 5) -> None:
    """Create a self-signed seal key and certificate (for demonstrations and tests, not for production)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} certificate seal"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def ensure_seal(organisation: str) -> bool:
    """Create a demonstration seal where none is installed; return whether one was made."""
    key_path, cert_path = seal_paths()
    if key_path.exists() and cert_path.exists():
        return False
    make_seal(key_path, cert_path, organisation)
    return True


class _SealSigner(signers.SimpleSigner):
    """pyHanko's in-memory signer, keeping its private key parsed.

    SimpleSigner parses the key again for every raw signature, and parsing checks an RSA key, ~30 ms each time:
    most of a seal's cost. The mechanisms a seal key uses (RSA PKCS#1 v1.5, ECDSA) sign with the parsed key here;
    anything else goes the library's way.

    It also remembers how much room its signature took in the first document it sealed: without that, pyHanko
    signs a dummy first to estimate it, a third of a seal's time. With no timestamp in it, the signature's size
    does not change from one document to the next (pyHanko's estimate keeps a 50% margin, which is kept).
    """

    bytes_reserved: int | None = None

    @classmethod
    def from_files(cls, key_path: Path, cert_path: Path) -> "_SealSigner":
        loaded = signers.SimpleSigner.load(str(key_path), str(cert_path))
        return cls(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                   cert_registry=loaded.cert_registry)

    @cached_property
    def private_key(self):
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15":
            return self.private_key.sign(data, PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa":
            return self.private_key.sign(data, ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)


def _signer() -> _SealSigner:
    key_path, cert_path = seal_paths()
    if not (key_path.exists() and cert_path.exists()):
        raise SealMissing(f"no seal at {key_path} and {cert_path}; run `flask make-seal`")
    cache_key = (str(key_path), str(cert_path), key_path.stat().st_mtime_ns, cert_path.stat().st_mtime_ns)
    if cache_key not in _signers:
        _signers.clear()
        _signers[cache_key] = _SealSigner.from_files(key_path, cert_path)
    return _signers[cache_key]


def seal_pdf(pdf: bytes, *, reason: str, location: str | None) -> bytes:
    """Add the organisation's PAdES baseline-B signature covering the whole document."""
    meta = PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
                                reason=reason, location=location)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    signer = _signer()
    sealed = signers.sign_pdf(writer, meta, signer=signer, bytes_reserved=signer.bytes_reserved).getvalue()
    if signer.bytes_reserved is None:
        contents = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0].sig_object["/Contents"]
        signer.bytes_reserved = 2 * len(contents)  # hexadecimal in the file: two characters a byte
    return sealed


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_jws(payload: bytes, header: dict) -> str:
    """A compact JWS (RFC 7515) over `payload`, signed with the seal key: RS256 for an RSA seal, ES256 for a P-256
    one. The seal certificate travels in `x5c`, so a verifier can check the signature and who made it."""
    signer = _signer()
    key = signer.private_key
    if isinstance(key, rsa.RSAPrivateKey):
        algorithm, sign = "RS256", lambda data: key.sign(data, PKCS1v15(), hashes.SHA256())
    elif isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1":
        def sign(data: bytes) -> bytes:  # JWS wants r || s, not the DER sequence
            r, s = decode_dss_signature(key.sign(data, ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        algorithm = "ES256"
    else:
        raise ValueError("the seal key is neither RSA nor P-256, so it cannot sign a JWS")
    protected = {"alg": algorithm, **header, "x5c": [base64.b64encode(signer.signing_cert.dump()).decode()]}
    signing_input = f"{_b64url(json.dumps(protected, separators=(',', ':')).encode())}.{_b64url(payload)}"
    return f"{signing_input}.{_b64url(sign(signing_input.encode()))}"


@dataclass
class SealStatus:
    intact: bool  # the bytes are those that were signed
    valid: bool  # the signature is cryptographically sound
    trusted: bool  # it chains to the configured seal certificate
    covers_whole_file: bool


def seal_status(pdf: bytes) -> SealStatus | None:
    """Check the seal of a certificate PDF against the configured seal certificate; None when unsealed."""
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    if not signatures:
        return None
    _key_path, cert_path = seal_paths()
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert_path))])
    status = validate_pdf_signature(signatures[0], context)
    return SealStatus(intact=status.intact, valid=status.valid, trusted=status.trusted,
                      covers_whole_file=status.coverage.name == "ENTIRE_FILE")
