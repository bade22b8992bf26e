"""Secrets encrypted at rest: values stored before the encryption moved to one module still decrypt."""

import os

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from certificates import seal_keys
from isok import encryption
from isok.accounts import second_factor

KEY = "a stored-format test key"
# A TOTP secret for user 7 as the second factor stored it: version byte 1, a 12-byte nonce, AES-256-GCM.
STORED_TOTP_SECRET = bytes.fromhex(
    "01000102030405060708090a0b35bbf323abcb103fe135fcbd19a9cd3ecb6378e0ae9b6252c290d741f42120f94fb52e3c3b9e9b6913"
    "396a894c58fd75"
)


def _stored_format(key: str, info: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """The stored format, spelled out: what any earlier version wrote."""
    nonce = os.urandom(12)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key.encode())
    return b"\x01" + nonce + AESGCM(derived).encrypt(nonce, plaintext, associated)


def test_a_stored_totp_secret_still_decrypts(app, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_ENCRYPTION_KEY", KEY)
    assert second_factor.unseal(STORED_TOTP_SECRET, 7) == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    assert second_factor.unseal(STORED_TOTP_SECRET, 8) is None
    assert second_factor.unseal(b"\x02" + STORED_TOTP_SECRET[1:], 7) is None


def test_a_stored_seal_key_still_decrypts(app, monkeypatch):
    monkeypatch.setitem(app.config, "SEAL_ENCRYPTION_KEY", KEY)
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    stored = _stored_format(KEY, b"isok seal keys v1", der, b"isok organisation seal 3 ab:cd")
    assert seal_keys.decrypt_key(stored, 3, "ab:cd").private_numbers() == key.private_numbers()
    with pytest.raises(seal_keys.KeyUnreadable):
        seal_keys.decrypt_key(stored, 4, "ab:cd")


def test_each_kind_of_secret_has_its_own_key(app):
    totp = encryption.Keyring("MFA_ENCRYPTION_KEY", b"isok totp secrets v1")
    seal = encryption.Keyring("SEAL_ENCRYPTION_KEY", b"isok seal keys v1")
    blob = totp.encrypt(b"secret", b"bound")
    assert totp.decrypt(blob, b"bound") == b"secret"
    with pytest.raises(encryption.Unreadable):
        seal.decrypt(blob, b"bound")
    with pytest.raises(encryption.UnknownFormat):
        totp.decrypt(b"\x00" + blob[1:], b"bound")
