"""Seal keys kept in a hardware token (PKCS#11): an HSM, a smart card, or SoftHSM2 for tests.

The installation's token is configured, never stored: ISOK_PKCS11_MODULE (the token vendor's PKCS#11 module, a
shared library), ISOK_PKCS11_TOKEN_LABEL (which token, when the module offers several) and ISOK_PKCS11_PIN (the
user PIN). An organisation's seal names its private key in the token by the key's label (CKA_LABEL); the key never
leaves the token, which makes every signature of the seal (the PDF seal through pyHanko's PKCS#11 signer, and the
credentials' JWS).

One logged-in session per process serves every seal in the token, one operation at a time.
"""

import asyncio
import contextlib
import os
import threading
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from flask import current_app
from pkcs11 import Attribute, Mechanism, ObjectClass, PKCS11Error
from pkcs11.exceptions import UserAlreadyLoggedIn
from pkcs11.util.ec import encode_ecdsa_signature
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from certificates import seal_keys
from isok.translation import gettext as _

LABEL_LENGTH = 200
_lock = threading.RLock()  # the session, and the signers using it, serve one operation at a time
_sessions: dict[tuple[str, str | None], object] = {}
_signers: dict[tuple[str, str | None, str, str], "TokenSigner"] = {}


class TokenUnavailable(RuntimeError):
    """The token, or the seal key in it, cannot be used now; the message says why, translated."""


class TokenSigner(PKCS11Signer):
    """pyHanko's PKCS#11 signer for one seal key, sharing the process's session under its lock.

    Like certificates.seal.SealSigner it remembers the room its signature took (`bytes_reserved`), and it signs
    synchronously too (`sign_raw`), for the credentials' JWS. A token error forgets the session, so the next seal
    logs in afresh (after the token was restarted, say).
    """

    def __init__(self, session, key_label: str, chain: list[x509.Certificate]):
        certificates = [asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)) for cert in chain]
        # ECDSA signs a digest made here: tokens all know plain ECDSA, not all its hashing variants (SoftHSM2 not)
        super().__init__(
            session,
            key_label=key_label,
            signing_cert=certificates[0],
            ca_chain=certificates[1:],
            use_raw_mechanism=isinstance(chain[0].public_key(), ec.EllipticCurvePublicKey),
        )
        self.bytes_reserved = {}
        with _lock:
            self._load_objects()  # find the key now, under the lock, rather than in the middle of a seal

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        with _lock:
            try:
                return await super().async_sign_raw(data, digest_algorithm, dry_run=dry_run)
            except PKCS11Error as error:
                forget()
                raise TokenUnavailable(
                    _(
                        "The hardware token holding the seal key did not sign (%(error)s). Tell the administrator.",
                        error=type(error).__name__,
                    )
                ) from error

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        return asyncio.run(self.async_sign_raw(data, digest_algorithm))


def configured() -> bool:
    return bool(current_app.config.get("PKCS11_MODULE"))


def _settings() -> tuple[str, str | None, str | None]:
    config = current_app.config
    if not config.get("PKCS11_MODULE"):
        raise TokenUnavailable(_("No hardware token is configured on this installation (ISOK_PKCS11_MODULE)."))
    return config["PKCS11_MODULE"], config.get("PKCS11_TOKEN_LABEL") or None, config.get("PKCS11_PIN") or None


def _session():
    module, token_label, pin = _settings()
    with _lock:
        if (module, token_label) not in _sessions:
            criteria = TokenCriteria(label=token_label) if token_label else None
            try:
                try:
                    session = open_pkcs11_session(module, token_criteria=criteria, user_pin=pin)
                except UserAlreadyLoggedIn:  # the login is the process's, shared by its sessions
                    session = open_pkcs11_session(module, token_criteria=criteria)
                _sessions[module, token_label] = session
            except (PKCS11Error, OSError) as error:
                raise TokenUnavailable(
                    _("The hardware token does not open: %(error)s", error=str(error) or type(error).__name__)
                ) from error
        return _sessions[module, token_label]


def forget() -> None:
    """Close the sessions and drop the signers: the next use opens the token again."""
    with _lock:
        for session in _sessions.values():
            with contextlib.suppress(PKCS11Error):  # the token may be gone already
                session.close()
        _sessions.clear()
        _signers.clear()


def signer(key_label: str, chain: list[x509.Certificate]) -> TokenSigner:
    """The signer of the key labelled `key_label` in the configured token, whose certificate is chain[0]."""
    module, token_label, _pin = _settings()
    cache_key = (module, token_label, key_label, seal_keys.fingerprint(chain[0]))
    with _lock:
        if cache_key not in _signers:
            try:
                _signers[cache_key] = TokenSigner(_session(), key_label, chain)
            except PKCS11Error as error:
                raise TokenUnavailable(
                    _("The hardware token holds no single private key labelled %(label)s.", label=key_label)
                ) from error
        return _signers[cache_key]


# --- installing a seal whose key is in the token -----------------------------------------------------------------


@dataclass
class TokenMaterial:
    key_label: str
    chain: list[x509.Certificate]  # the seal certificate first, then its issuers

    @property
    def certificate(self) -> x509.Certificate:
        return self.chain[0]

    def chain_pem(self) -> str:
        return "".join(cert.public_bytes(serialization.Encoding.PEM).decode() for cert in self.chain)


def _token_certificates(session) -> list[x509.Certificate]:
    with _lock:
        objects = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}))
        return [x509.load_der_x509_certificate(obj[Attribute.VALUE]) for obj in objects]


def _signs_for(key, certificate: x509.Certificate) -> bool:
    """Does the token's key sign what the certificate's public key verifies? (A token need not keep the public key,
    so the key proves itself by signing.)"""
    public_key = certificate.public_key()
    probe = b"isok seal key probe " + os.urandom(16)
    try:
        with _lock:
            if isinstance(public_key, rsa.RSAPublicKey):
                public_key.verify(
                    key.sign(probe, mechanism=Mechanism.SHA256_RSA_PKCS), probe, PKCS1v15(), hashes.SHA256()
                )
            elif isinstance(public_key, ec.EllipticCurvePublicKey):
                digest = hashes.Hash(hashes.SHA256())
                digest.update(probe)
                signature = encode_ecdsa_signature(key.sign(digest.finalize(), mechanism=Mechanism.ECDSA))
                public_key.verify(signature, probe, ec.ECDSA(hashes.SHA256()))
            else:
                return False
    except (PKCS11Error, InvalidSignature):
        return False
    return True


def material(key_label: str, chain_pem: bytes | None) -> TokenMaterial:
    """The seal whose private key is labelled `key_label` in the token: its certificate chain from `chain_pem`,
    or else from the certificates kept in the token. The key must sign what the certificate verifies."""
    key_label = (key_label or "").strip()
    if not key_label:
        raise seal_keys.SealMaterialError(_("Give the label of the private key in the token."), field="key_label")
    try:
        session = _session()
    except TokenUnavailable as error:
        raise seal_keys.SealMaterialError(str(error), field="key_label") from error
    try:
        with _lock:
            keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: key_label}))
    except PKCS11Error as error:
        forget()
        raise seal_keys.SealMaterialError(
            _("The hardware token did not answer (%(error)s).", error=type(error).__name__), field="key_label"
        ) from error
    if len(keys) != 1:
        raise seal_keys.SealMaterialError(
            _("The hardware token holds no single private key labelled %(label)s.", label=key_label), field="key_label"
        )
    if chain_pem:
        try:
            certificates = x509.load_pem_x509_certificates(chain_pem)
        except ValueError as error:
            raise seal_keys.SealMaterialError(
                _("The certificate file is not a PEM certificate chain."), field="token_chain_pem"
            ) from error
    else:
        certificates = _token_certificates(session)
    leaf = next((cert for cert in certificates if _signs_for(keys[0], cert)), None)
    if leaf is None:
        raise seal_keys.SealMaterialError(
            _("None of the certificates belongs to the key labelled %(label)s.", label=key_label),
            field="token_chain_pem",
        )
    chain = seal_keys.chain_from(leaf, certificates)
    seal_keys.check_public_key(leaf.public_key())
    seal_keys.check_usable(leaf)
    return TokenMaterial(key_label=key_label, chain=chain)
