"""A real RFC 3161 timestamp authority on loopback, for the tests and the benchmark.

Its own test CA is made when it starts: a root, and a timestamping certificate (extended key usage timeStamping,
critical) whose CRL the same server publishes, so sealing has revocation data to fetch and embed. Requests are
answered by pyHanko's DummyTimeStamper, a complete RFC 3161 responder, behind a small WSGI app.
"""

import threading
from datetime import UTC, datetime, timedelta
from functools import cached_property

from asn1crypto import cms, core, tsp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


class _Responder(DummyTimeStamper):
    """DummyTimeStamper, keeping its key parsed: it parses it again for every request, which costs more than the
    rest of an answer."""

    @cached_property
    def _key(self):
        return serialization.load_der_private_key(self.tsa_key.dump(), password=None)

    def _sign_tst_info(self, tst_info_data, md_algorithm, dt):
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                simple_cms_attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._key.sign(signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm))
        return signature, signed_attrs


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


class LoopbackTSA:
    """Start with `start()`; `url` takes timestamp requests, `ca_pem` is the root to trust, `stop()` ends it."""

    def __init__(self):
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=_Quiet)
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self.url = f"{self.base}/tsa"
        self.requests = 0
        now = datetime.now(UTC)
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "isok test timestamp root")])
        self.root = (
            x509.CertificateBuilder()
            .subject_name(root_name)
            .issuer_name(root_name)
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(root_key, hashes.SHA256())
        )
        tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "isok test timestamp authority")]))
            .issuer_name(root_name)
            .public_key(tsa_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3000))
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
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(f"{self.base}/root.crl")], None, None, None
                        )
                    ]
                ),
                critical=False,
            )
            .sign(root_key, hashes.SHA256())
        )
        self.crl = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(root_name)
            .last_update(now - timedelta(minutes=5))
            .next_update(now + timedelta(days=7))
            .sign(root_key, hashes.SHA256())
        ).public_bytes(serialization.Encoding.DER)
        self.ca_pem = self.root.public_bytes(serialization.Encoding.PEM)
        self._responder = _Responder(
            tsa_cert=asn1_x509.Certificate.load(_der(self.certificate)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(
                tsa_key.private_bytes(
                    serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            ),
            certs_to_embed=[asn1_x509.Certificate.load(_der(self.root))],
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="loopback-tsa", daemon=True)

    def _app(self, environ, start_response):
        request = Request(environ)
        if request.path == "/tsa" and request.method == "POST":
            if request.content_type != "application/timestamp-query":
                return Response("expected application/timestamp-query", status=415)(environ, start_response)
            self.requests += 1
            answer = self._responder.request_tsa_response(tsp.TimeStampReq.load(request.get_data()))
            return Response(answer.dump(), content_type="application/timestamp-reply")(environ, start_response)
        if request.path == "/root.crl":
            return Response(self.crl, content_type="application/pkix-crl")(environ, start_response)
        return Response("not found", status=404)(environ, start_response)

    def start(self) -> "LoopbackTSA":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
