"""User ids, stored only as keyed pseudonyms: HMAC-SHA256 under a per-site secret.

A user id a site sends (`userId` of a server event, `ut.identify()` in the browser) never reaches
a store: the edge keeps `pseudonym(site, id)` instead, the first 128 bits of
HMAC-SHA256(site secret, id) as 32 hex characters. The secret is random, one per site, kept in the
transactional store (`core_user_keys`) and nowhere else: never logged, never returned. So the same
id maps to the same pseudonym on one site, another site's pseudonym of the same id is unrelated,
and deleting the site's secret (`forget`) makes every stored pseudonym unlinkable to any id: the
next identified event gets a new secret. APIs that take a user id hash it here, at query time
(`existing`: no secret yet means no such user, and asking does not create one).

Secrets are cached in-process for `cache_ttl_s`, so a secret deleted by another process stops being
used within that time. PII-looking ids (e-mails, phone numbers) are hashed like any other: the raw
id is the HMAC's input, so two different e-mails stay two users.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from core.cache import TtlCache
from core.db.unit_of_work import UnitOfWork
from core.tenancy.repository import UserKeyRepository

PSEUDONYM_HEX = 32


def pseudonym_of(secret: bytes, user_id: str) -> str:
    return hmac.new(secret, user_id.encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]


class UserPseudonyms:
    def __init__(self, *, uow: Callable[[], UnitOfWork], cache_ttl_s: float = 30.0) -> None:
        self._uow = uow
        self._secrets: TtlCache[str, bytes | None] = TtlCache(cache_ttl_s)

    def pseudonym(self, site_id: str, user_id: str) -> str:
        """The stored form of `user_id` on `site_id` (the site's secret is created on first use);
        "" for an empty id."""
        if not user_id:
            return ""
        secret = self._secrets.get_or_load(site_id, lambda: self._load(site_id))
        if secret is None:
            secret = self._create(site_id)
            self._secrets.put(site_id, secret)
        return pseudonym_of(secret, user_id)

    def existing(self, site_id: str, user_id: str) -> str | None:
        """The pseudonym for a query, or None when the site has no secret (so no identified user)."""
        secret = self._load(site_id)
        return pseudonym_of(secret, user_id) if secret and user_id else None

    def forget(self, site_id: str) -> bool:
        """Delete the site's secret: stored pseudonyms can no longer be linked to any user id."""
        with self._uow() as session:
            deleted = UserKeyRepository(session).delete(site_id)
        self._secrets.put(site_id, None)
        return deleted

    def _load(self, site_id: str) -> bytes | None:
        with self._uow() as session:
            return UserKeyRepository(session).get(site_id)

    def _create(self, site_id: str) -> bytes:
        try:
            with self._uow() as session:
                secret = secrets.token_bytes(32)
                UserKeyRepository(session).add(site_id, secret)
            return secret
        except IntegrityError:  # another process created it first: use theirs
            return self._load(site_id) or b""
