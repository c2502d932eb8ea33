"""Encryption at rest for secrets a module keeps (bucket credentials): AES-256-GCM, key from UT_SECRET_KEY.

The key is derived with HKDF-SHA256 and a caller-chosen `info`, so every feature gets its own
independent key and the server secret is never a cipher key itself. Each value gets a fresh 96-bit
nonce; the ciphertext is `base64url(nonce + ciphertext + tag)`. (meta_capi keeps its own copy of
this scheme, `tracking.meta_capi.service.cipher`, with the same format.)
"""

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class Cipher:
    def __init__(self, secret_key: str, info: bytes) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret_key.encode())
        self._aead = AESGCM(key)

    def encrypt(self, plain: str) -> str:
        nonce = os.urandom(12)
        return base64.urlsafe_b64encode(nonce + self._aead.encrypt(nonce, plain.encode(), None)).decode()

    def decrypt(self, token: str) -> str:
        raw = base64.urlsafe_b64decode(token.encode())
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()
