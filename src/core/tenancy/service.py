"""Tenancy: sites, their keys and allowed origins. Every request resolves its site here.

Lookups are cached in-process for a few seconds: the database stays the only copy, the cache
just keeps the collect path from querying it on every event.
"""

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.cache import TtlCache
from core.db.models import ApiKey, Site
from core.db.unit_of_work import UnitOfWork
from core.privacy.policy import COUNT_ANONYMOUSLY, DNT_POLICIES
from core.tenancy.keys import PUBLIC_PREFIX, SECRET_PREFIX, hash_key, new_key, new_site_id
from core.tenancy.origins import default_origins
from core.tenancy.repository import SiteRowsRepository, TenancyRepository


class TenancyError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class SiteInfo:
    id: str
    domain: str
    allowed_origins: tuple[str, ...]
    timezone: str
    dnt_policy: str = COUNT_ANONYMOUSLY


@dataclass(frozen=True, slots=True)
class CreatedSite:
    site_id: str
    domain: str
    timezone: str
    allowed_origins: list[str]
    public_key: str
    secret_key: str
    dnt_policy: str = COUNT_ANONYMOUSLY


class TenancyService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], cache_ttl_s: float = 5.0) -> None:
        self._uow = uow
        self._sites: TtlCache[str, SiteInfo | None] = TtlCache(cache_ttl_s)
        self._keys: TtlCache[str, tuple[str, str] | None] = TtlCache(cache_ttl_s)

    def create_site(self, *, domain: str, timezone: str = "UTC",
                    allowed_origins: list[str] | None = None, dnt_policy: str = COUNT_ANONYMOUSLY) -> CreatedSite:
        domain = domain.strip().lower()
        if not domain or "/" in domain or " " in domain:
            raise TenancyError(f"not a domain name: {domain!r}")
        if dnt_policy not in DNT_POLICIES:
            raise TenancyError(f"unknown DNT policy {dnt_policy!r}; one of: {', '.join(DNT_POLICIES)}")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise TenancyError(f"unknown time zone: {timezone!r}") from exc
        origins = allowed_origins or default_origins(domain)
        site_id, public_key, secret_key = new_site_id(), new_key(PUBLIC_PREFIX), new_key(SECRET_PREFIX)
        keys = [ApiKey(site_id=site_id, kind=kind, key_hash=hash_key(key), prefix=key[:7])
                for kind, key in (("public", public_key), ("secret", secret_key))]
        with self._uow() as session:
            TenancyRepository(session).add_site(
                Site(id=site_id, domain=domain, allowed_origins=origins, timezone=timezone,
                     dnt_policy=dnt_policy), keys)
        return CreatedSite(site_id, domain, timezone, origins, public_key, secret_key, dnt_policy)

    def list_sites(self) -> list[SiteInfo]:
        with self._uow() as session:
            return [_info(s) for s in TenancyRepository(session).list_sites()]

    def site(self, site_id: str) -> SiteInfo | None:
        return self._sites.get_or_load(site_id, lambda: self._load_site(site_id))

    def key_owner(self, key: str) -> tuple[str, str] | None:
        """(site_id, kind) of a presented key, or None when the key is unknown."""
        digest = hash_key(key)
        return self._keys.get_or_load(digest, lambda: self._load_owner(digest))

    def delete_site(self, site_id: str) -> int:
        """The site's row, keys, user-id secret, goals and dead letters (data rights); this process
        stops accepting its keys at once, others within `cache_ttl_s`. Returns rows removed."""
        with self._uow() as session:
            removed = SiteRowsRepository(session).delete_site(site_id)
        self._sites.clear()
        self._keys.clear()
        return removed

    def _load_site(self, site_id: str) -> SiteInfo | None:
        with self._uow() as session:
            row = TenancyRepository(session).get_site(site_id)
            return _info(row) if row else None

    def _load_owner(self, digest: str) -> tuple[str, str] | None:
        with self._uow() as session:
            row = TenancyRepository(session).key_by_hash(digest)
            return (row.site_id, row.kind) if row else None


def _info(site: Site) -> SiteInfo:
    return SiteInfo(site.id, site.domain, tuple(site.allowed_origins or ()), site.timezone,
                    site.dnt_policy or COUNT_ANONYMOUSLY)
