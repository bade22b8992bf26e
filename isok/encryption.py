"""Secrets stored encrypted at rest (a second factor's TOTP secret, an organisation's seal key).

AES-256-GCM with a 12-byte random nonce, stored as one version byte, the nonce and the ciphertext. The key is derived
with HKDF-SHA256 from the feature's own setting (ISOK_MFA_ENCRYPTION_KEY, ISOK_SEAL_ENCRYPTION_KEY), or from the
instance's secret key when that is not set, with the feature's own `info` so no two features share a key. The
associated data binds each ciphertext to what it belongs to: moved to another user or organisation, it does not
decrypt.
"""

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

FORMAT = b"\x01"  # version byte of the stored ciphertext: 1 = AES-256-GCM, 12-byte nonce
NONCE_BYTES = 12


class Unreadable(ValueError):
    """The ciphertext does not decrypt: the key (or the secret key it was derived from) changed, or it was moved."""


class UnknownFormat(Unreadable):
    """The stored value was not written by this module."""


@dataclass(frozen=True)
class Keyring:
    """The key of one kind of secret: the setting it comes from and the HKDF `info` that keeps it apart."""

    setting: str
    info: bytes

    def _key(self) -> bytes:
        secret = current_app.config.get(self.setting) or current_app.config["SECRET_KEY"]
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=self.info).derive(secret.encode())

    def encrypt(self, plaintext: bytes, associated: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT + nonce + AESGCM(self._key()).encrypt(nonce, plaintext, associated)

    def decrypt(self, blob: bytes, associated: bytes) -> bytes:
        if not blob.startswith(FORMAT):
            raise UnknownFormat("unknown format")
        nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        try:
            return AESGCM(self._key()).decrypt(nonce, sealed, associated)
        except InvalidTag as error:
            raise Unreadable("does not decrypt with this installation's key") from error
