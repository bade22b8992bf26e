"""The issuing organisation's electronic seal: a PAdES signature (pyHanko) over the whole certificate PDF, and the
same key signing the certificate's credential as a JWS.

Each issuing organisation has its own seal (certificates.seals keeps them, certificates.seal_keys reads and
encrypts them); this module applies one.
"""

import base64
import contextlib
import dataclasses
import io
import json
from dataclasses import dataclass
from functools import cached_property

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, PdfSignatureMetadata, TimestampDSSContentSettings
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from certificates.seal_tokens import TokenSigner
from certificates.timestamps import Timestamping

FIELD_NAME = "IssuerSeal"


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class SealSigner(signers.SimpleSigner):
    """pyHanko's in-memory signer, keeping its private key parsed.

    SimpleSigner parses the key again for every raw signature, and parsing checks an RSA key, ~30 ms each time:
    most of a seal's cost. The mechanisms a seal key uses (RSA PKCS#1 v1.5, ECDSA) sign with the parsed key here;
    anything else goes the library's way.

    It also remembers how much room its signature took in the first document it sealed, with and without the
    timestamp of each authority: without that, pyHanko signs a dummy first to estimate it, a third of a seal's
    time. The signature's size hardly changes from one document to the next, and pyHanko's estimate keeps a 50%
    margin, which is kept.
    """

    @classmethod
    def from_key(cls, key, chain: list[x509.Certificate]) -> "SealSigner":
        """A signer for `key`, whose certificate is chain[0]; the rest of the chain travels in the signature."""
        der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        certificates = [_asn1_certificate(certificate) for certificate in chain]
        signer = cls(
            signing_cert=certificates[0],
            signing_key=asn1_keys.PrivateKeyInfo.load(der),
            cert_registry=SimpleCertificateStore.from_certs(certificates),
        )
        signer.__dict__["private_key"] = key  # already parsed: the cached property need not parse it again
        signer.bytes_reserved = {}  # by timestamp authority address (None: no timestamp)
        return signer

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


# The validation data of the seal, of its timestamp and of the document timestamp go into the document timestamp's
# own revision, written before that timestamp: pyHanko's default writes the document timestamp's data in a third
# revision after it, which reads the whole file's cross-references once more (a quarter of a seal's time). It
# leaves out the VRI dictionaries, which current PAdES (ETSI EN 319 142-1) no longer uses; the authority that made
# the document timestamp made the signature's too, so its data are in the store already.
ONE_DSS_UPDATE = DSSContentSettings(
    include_vri=False, next_ts_settings=TimestampDSSContentSettings(include_vri=False, update_before_ts=True)
)
BASELINE = "B-B"  # PAdES baseline levels (ETSI EN 319 142-1) a seal is made at
LONG_TERM = "B-LTA"


class TimestampFailed(RuntimeError):
    """The timestamp authority did not answer, or its answer or certificate could not be trusted."""


def seal_pdf(
    pdf: bytes,
    signer: SealSigner | TokenSigner,
    *,
    reason: str,
    location: str | None,
    timestamping: Timestamping | None = None,
) -> bytes:
    """Seal the whole document: PAdES B-B; with `timestamping`, B-LTA: a trusted timestamp on the signature, the
    data to validate the seal and the timestamps in the document security store, and a document timestamp over
    all of it (the start of a chain later timestamps can extend)."""
    meta = PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    authority = None
    if timestamping is not None:
        authority = timestamping.authority
        meta = dataclasses.replace(
            meta,
            embed_validation_info=True,
            use_pades_lta=True,
            validation_context=timestamping.validation_context,
            dss_settings=ONE_DSS_UPDATE,
        )
    reserved_key = authority.url if authority else None
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    try:
        with timestamping.lock if timestamping else contextlib.nullcontext():
            sealed = signers.sign_pdf(
                writer,
                meta,
                signer=signer,
                timestamper=authority,
                bytes_reserved=signer.bytes_reserved.get(reserved_key),
            ).getvalue()
    except (TimestampRequestError, OSError) as error:
        raise TimestampFailed(str(error)) from error
    except SigningError as error:
        if timestamping is None:
            raise
        raise TimestampFailed(f"{error}: {error.__cause__}") from error
    if reserved_key not in signer.bytes_reserved:
        contents = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0].sig_object["/Contents"]
        signer.bytes_reserved[reserved_key] = 2 * len(contents)  # hexadecimal in the file: two characters a byte
    return sealed


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws_algorithm(key) -> str:
    """RS256 for an RSA seal, ES256 for a P-256 one (the keys certificates.seal_keys accepts)."""
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1":
        return "ES256"
    raise ValueError("the seal key is neither RSA nor P-256, so it cannot sign a JWS")


def sign_jws(payload: bytes, header: dict, signer: signers.Signer) -> str:
    """A compact JWS (RFC 7515) over `payload`, signed with the seal key (in memory or in a hardware token);
    `header` is the protected header but for `alg`, which the key decides."""
    algorithm = jws_algorithm(x509.load_der_x509_certificate(signer.signing_cert.dump()).public_key())
    protected = {"alg": algorithm, **header}
    signing_input = f"{_b64url(json.dumps(protected, separators=(',', ':')).encode())}.{_b64url(payload)}"
    signature = signer.sign_raw(signing_input.encode(), "sha256")
    if algorithm == "ES256":  # JWS wants r || s, not the DER sequence
        r, s = decode_dss_signature(signature)
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{signing_input}.{_b64url(signature)}"


@dataclass
class SealStatus:
    intact: bool  # the bytes are those that were signed
    valid: bool  # the signature is cryptographically sound
    trusted: bool  # it chains to the seal certificate chain it was checked against
    unchanged_since: bool  # after the seal the file gained at most validation data and timestamps


def seal_status(
    pdf: bytes, chain: list[x509.Certificate], timestamp_roots: list[x509.Certificate] = ()
) -> SealStatus | None:
    """Check the seal of a certificate PDF against the seal certificate chain that made it, and its timestamps
    against `timestamp_roots`; None when unsealed."""
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    if not signatures:
        return None
    context = ValidationContext(trust_roots=[_asn1_certificate(chain[-1])])
    timestamp_context = ValidationContext(trust_roots=[_asn1_certificate(root) for root in timestamp_roots])
    status = validate_pdf_signature(signatures[0], context, timestamp_context)
    unchanged = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.LTA_UPDATES
    )
    return SealStatus(intact=status.intact, valid=status.valid, trusted=status.trusted, unchanged_since=unchanged)
