"""API keys: random, prefixed so a leaked one is recognisable, stored only as SHA-256 hashes.

The keys carry 192 random bits, so a plain SHA-256 is enough (no slow KDF is needed against
guessing), and lets a lookup by hash hit a unique index.
"""

import hashlib
import secrets

PUBLIC_PREFIX = "pk_"
SECRET_PREFIX = "sk_"
ORG_PREFIX = "uk_"  # an organisation's API key (core.tenancy.api_keys)


def new_site_id() -> str:
    return "site_" + secrets.token_hex(8)


def new_key(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(24)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
