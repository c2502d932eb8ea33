"""API keys: every presented key resolved to a `Principal`, and organisation keys managed.

Three kinds of keys reach the API. Organisation keys (`uk_…`) are created here with scopes and
optionally a list of the organisation's sites, shown once, stored as SHA-256, rotated (new text,
same id, name and powers; the old text stops) and revoked (the row stays for the list). A site's
secret key (`sk_…`) is a full-scope key of its one site, its public key (`pk_…`) a key of no scope.

Resolutions are cached for `cache_ttl_s` like the sites: rotating or revoking takes effect at once
in this process and within that time in the others; an expiry is checked on every call.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from core.cache import TtlCache
from core.db.models import OrgKey
from core.db.unit_of_work import UnitOfWork
from core.tenancy.key_usage import KeyUsage
from core.tenancy.keys import ORG_PREFIX, hash_key, new_key
from core.tenancy.repository import OrgKeyRepository
from core.tenancy.scopes import ORG_KEY, SCOPES, SITE_PUBLIC, SITE_SECRET, Principal, checked_scopes
from core.tenancy.service import TenancyError, TenancyService
from core.tenancy.site_rules import checked_name

PREFIX_SHOWN = 8  # "uk_" and 5 characters: enough to tell keys apart in a list, useless to guess


class UnknownKey(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: int
    org_id: str
    name: str
    prefix: str
    scopes: list[str]
    site_ids: list[str] | None
    created_at: datetime | None
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiKeys:
    def __init__(self, *, uow: Callable[[], UnitOfWork], tenancy: TenancyService, usage: KeyUsage,
                 cache_ttl_s: float = 5.0, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._uow, self._tenancy, self._usage, self._now = uow, tenancy, usage, now
        self._cache: TtlCache[str, Principal | None] = TtlCache(cache_ttl_s)
        self._by_id: TtlCache[int, Principal | None] = TtlCache(cache_ttl_s)  # dashboard sessions' keys

    def resolve(self, key: str) -> Principal | None:
        """Who presented `key`; None for no, an unknown, an expired or a revoked key."""
        if not key:
            return None
        if not key.startswith(ORG_PREFIX):  # site keys: the tenancy cache alone, whose TTL site deletion waits out
            return self._site_key(key)
        digest = hash_key(key)
        principal = self._cache.get_or_load(digest, lambda: self._load(digest))
        if principal is None or (principal.expires_at is not None and principal.expires_at <= self._now()):
            return None
        if principal.key_id is not None:
            self._usage.touch(principal.key_id)
        return principal

    def session_principal(self, key_id: int, prefix: str) -> Principal | None:
        """The organisation key a dashboard session was opened with (core.http.auth: the cookie holds
        its id and prefix, never its text), if it still works as it did then: not revoked, not
        expired, and not rotated since. A rotation draws a new text, so a new prefix (30 random bits
        after `uk_`): a session outlives one only by a one-in-a-billion draw."""
        principal = self._by_id.get_or_load(key_id, lambda: self._load_by_id(key_id))
        if principal is None or principal.prefix != prefix or (
                principal.expires_at is not None and principal.expires_at <= self._now()):
            return None
        self._usage.touch(key_id)
        return principal

    def create(self, org_id: str, *, name: str, scopes: list[str], site_ids: list[str] | None = None,
               expires_at: datetime | None = None) -> tuple[KeyInfo, str]:
        """The key's description and its text (shown once: only its hash is kept)."""
        name = checked_name(name, "a key")
        wanted = checked_scopes(scopes)
        if expires_at is not None:
            expires_at = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
            if expires_at <= self._now():
                raise TenancyError("expires_at is in the past")
        sites = self._org_sites(org_id, site_ids)
        text = new_key(ORG_PREFIX)
        with self._uow() as session:
            row = OrgKeyRepository(session).add(OrgKey(
                org_id=org_id, name=name, key_hash=hash_key(text), prefix=text[:PREFIX_SHOWN], scopes=wanted,
                site_ids=sites, expires_at=expires_at))
            return _info(row), text

    def rotate(self, org_id: str, key_id: int) -> tuple[KeyInfo, str]:
        """A new text for the key (same id, name, scopes, sites, expiry); the old one stops."""
        text = new_key(ORG_PREFIX)
        with self._uow() as session:
            row = self._live(session, org_id, key_id)
            old = row.key_hash
            row.key_hash, row.prefix = hash_key(text), text[:PREFIX_SHOWN]
            session.flush()
            info = _info(row)
        self._cache.pop(old)
        self._by_id.pop(key_id)
        return info, text

    def revoke(self, org_id: str, key_id: int) -> KeyInfo:
        with self._uow() as session:
            row = self._live(session, org_id, key_id)
            row.revoked_at = self._now()
            session.flush()
            info, old = _info(row), row.key_hash
        self._cache.pop(old)
        self._by_id.pop(key_id)
        return info

    def _live(self, session, org_id: str, key_id: int) -> OrgKey:
        row = OrgKeyRepository(session).get(org_id, key_id)
        if row is None or row.revoked_at is not None:
            raise UnknownKey(f"no API key {key_id} in this organisation (or it is revoked)")
        return row

    def _org_sites(self, org_id: str, site_ids: list[str] | None) -> list[str] | None:
        if site_ids is None:
            return None
        if not site_ids:
            raise TenancyError("site_ids: name at least one site, or leave it out for every site")
        known = {s.id for s in self._tenancy.list_sites(org_id)}
        for site_id in site_ids:
            if site_id not in known:  # another organisation's site reads as unknown: no existence leak
                raise TenancyError(f"unknown site {site_id!r} in this organisation")
        return list(dict.fromkeys(site_ids))

    def _load(self, digest: str) -> Principal | None:
        with self._uow() as session:
            return _principal(OrgKeyRepository(session).by_hash(digest))

    def _load_by_id(self, key_id: int) -> Principal | None:
        with self._uow() as session:
            return _principal(OrgKeyRepository(session).by_id(key_id))

    def _site_key(self, key: str) -> Principal | None:
        owner = self._tenancy.key_owner(key)
        site = self._tenancy.site(owner[0]) if owner else None
        if owner is None or site is None:
            return None
        secret = owner[1] == "secret"
        return Principal(SITE_SECRET if secret else SITE_PUBLIC, site.org_id,
                         frozenset(SCOPES if secret else ()), frozenset({site.id}), key[:7])

    # Last in the class: its name would shadow `list` in the annotations below it.
    def list(self, org_id: str) -> list[KeyInfo]:
        with self._uow() as session:
            return [_info(k) for k in OrgKeyRepository(session).list(org_id)]


def _utc(at: datetime | None) -> datetime | None:
    """SQLite answers naive datetimes (stored as UTC)."""
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def _principal(row: OrgKey | None) -> Principal | None:
    if row is None or row.revoked_at is not None:
        return None
    sites = None if row.site_ids is None else frozenset(row.site_ids)
    return Principal(ORG_KEY, row.org_id, frozenset(row.scopes), sites, row.prefix, row.id, _utc(row.expires_at))


def _info(row: OrgKey) -> KeyInfo:
    return KeyInfo(row.id, row.org_id, row.name, row.prefix, list(row.scopes),
                   None if row.site_ids is None else list(row.site_ids), _utc(row.created_at),
                   _utc(row.last_used_at), _utc(row.expires_at), _utc(row.revoked_at))
