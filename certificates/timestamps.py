"""Long-term validation for seals: RFC 3161 timestamps from the configured authority (ISOK_TSA_URL) and the data
that lets anyone check a seal after its certificate has expired (PAdES B-LTA).

With ISOK_TSA_URL unset a seal is PAdES B-B: valid, but checkable only while the seal certificate is.
"""

import http.client
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from functools import cache

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from flask import current_app
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.timestamps.common_utils import set_tsp_headers
from pyhanko_certvalidator import ValidationContext

TIMEOUT_SECONDS = 10
# The validation data fetched for a seal (CRLs, OCSP responses) are reused for this long, then fetched again.
VALIDATION_DATA_SECONDS = 600


class TimestampAuthority(TimeStamper):
    """An RFC 3161 client over HTTP(S) with the standard library.

    pyHanko's own client opens an aiohttp session, with a fresh TLS context, for every request: two per seal, and
    building a TLS context reads the system's certificate store each time. A blocking request from pyHanko's
    event loop is harmless here, since each seal runs a loop of its own.
    """

    def __init__(self, url: str, timeout: float = TIMEOUT_SECONDS):
        super().__init__()
        self.url = url
        self._parts = urllib.parse.urlsplit(url)
        self._timeout = timeout
        if self._parts.scheme not in ("http", "https"):
            raise ValueError(f"ISOK_TSA_URL must be an http or https address, not {url!r}")

    def _connection(self) -> http.client.HTTPConnection:
        if self._parts.scheme == "https":
            return http.client.HTTPSConnection(
                self._parts.hostname, self._parts.port, timeout=self._timeout, context=_tls_context()
            )
        return http.client.HTTPConnection(self._parts.hostname, self._parts.port, timeout=self._timeout)

    def request(self, body: bytes) -> bytes:
        path = self._parts.path or "/"
        if self._parts.query:
            path += "?" + self._parts.query
        connection = self._connection()
        try:
            connection.request("POST", path, body, set_tsp_headers({}))
            response = connection.getresponse()
            data = response.read()
        except OSError as error:
            raise TimestampRequestError(f"no answer from the timestamp authority at {self.url}: {error}") from error
        finally:
            connection.close()
        if response.status != 200 or response.getheader("Content-Type") != "application/timestamp-reply":
            raise TimestampRequestError(
                f"the timestamp authority at {self.url} answered {response.status}, "
                f"{response.getheader('Content-Type')}"
            )
        return data

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return tsp.TimeStampResp.load(self.request(req.dump()))


@cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


@cache
def _authority(url: str) -> TimestampAuthority:
    """One client per address and process: pyHanko keeps in it the sample timestamp it sizes signatures by."""
    return TimestampAuthority(url)


@cache
def _trusted_authority_roots(path: str) -> tuple[asn1_x509.Certificate, ...]:
    with open(path, "rb") as bundle:
        return tuple(_asn1(cert) for cert in x509.load_pem_x509_certificates(bundle.read()))


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


@dataclass
class Timestamping:
    """What a B-LTA seal needs besides the key: the timestamp authority, and a validation context that fetches and
    keeps the revocation data of the seal's and the authority's certificates. A context is not safe for two seals
    at once, so sealing holds its lock."""

    authority: TimestampAuthority
    validation_context: ValidationContext
    made: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)


_contexts: dict[tuple[str, str], Timestamping] = {}
_contexts_lock = threading.Lock()


def timestamping(chain: list[x509.Certificate], fingerprint: str) -> Timestamping | None:
    """The timestamping of seals made with this certificate chain, or None when no authority is configured."""
    url = current_app.config.get("TSA_URL")
    if not url:
        return None
    key = (fingerprint, url)
    with _contexts_lock:
        kept = _contexts.get(key)
        if kept is None or time.monotonic() - kept.made > VALIDATION_DATA_SECONDS:
            for stale in [k for k, v in _contexts.items() if time.monotonic() - v.made > VALIDATION_DATA_SECONDS]:
                del _contexts[stale]
            kept = _contexts[key] = Timestamping(_authority(url), _validation_context(chain))
        return kept


def _validation_context(chain: list[x509.Certificate]) -> ValidationContext:
    """Trust the seal's own root, and for the timestamps the configured authority roots (ISOK_TSA_CA_CERTS) or
    else the system's; fetch revocation data, and refuse to seal when a certificate's data cannot be fetched."""
    roots = [_asn1(chain[-1])]
    intermediates = [_asn1(cert) for cert in chain[:-1]]
    bundle = current_app.config.get("TSA_CA_CERTS")
    if bundle:
        return ValidationContext(
            trust_roots=[*roots, *_trusted_authority_roots(bundle)],
            other_certs=intermediates,
            allow_fetching=True,
            revocation_mode="hard-fail",
        )
    return ValidationContext(
        extra_trust_roots=roots, other_certs=intermediates, allow_fetching=True, revocation_mode="hard-fail"
    )
