"""Encryption at rest for access tokens and outbox payloads: AES-256-GCM, key from UT_SECRET_KEY.

The key is derived with HKDF-SHA256 (a fixed, module-specific `info`), so the server secret is
never used directly as a cipher key and other features can derive their own independent keys.
Each value gets a fresh 96-bit nonce; the ciphertext is `base64url(nonce + ciphertext + tag)`.
Rotating UT_SECRET_KEY makes stored tokens unreadable: set them again with the CLI or the API.
"""

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"utrack meta_capi v1"


class Cipher:
    def __init__(self, secret_key: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
        self._aead = AESGCM(key)

    def encrypt(self, plain: bytes) -> str:
        nonce = os.urandom(12)
        return base64.urlsafe_b64encode(nonce + self._aead.encrypt(nonce, plain, None)).decode()

    def decrypt(self, token: str) -> bytes:
        raw = base64.urlsafe_b64decode(token.encode())
        return self._aead.decrypt(raw[:12], raw[12:], None)
