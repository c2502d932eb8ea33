"""Tenancy: organisations, their sites, the sites' keys and allowed origins. Every request resolves
its site here.

Lookups are cached in-process for a few seconds: the database stays the only copy, the cache
just keeps the collect path from querying it on every event.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from core.cache import TtlCache
from core.db.models import DEFAULT_ORG_ID, ApiKey, Organisation, Site
from core.db.unit_of_work import UnitOfWork
from core.privacy.policy import COUNT_ANONYMOUSLY
from core.tenancy.keys import PUBLIC_PREFIX, SECRET_PREFIX, hash_key, new_key, new_site_id
from core.tenancy.origins import default_origins
from core.tenancy.repository import SiteRowsRepository, TenancyRepository
from core.tenancy.site_rules import (
    TenancyError,
    checked_dnt_policy,
    checked_domain,
    checked_name,
    checked_origins,
    checked_timezone,
)

__all__ = ["DEFAULT_ORG_ID", "CreatedSite", "OrgInfo", "SiteInfo", "TenancyError", "TenancyService"]


@dataclass(frozen=True, slots=True)
class SiteInfo:
    id: str
    domain: str
    allowed_origins: tuple[str, ...]
    timezone: str
    dnt_policy: str = COUNT_ANONYMOUSLY
    org_id: str = DEFAULT_ORG_ID


@dataclass(frozen=True, slots=True)
class OrgInfo:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class CreatedSite:
    site_id: str
    domain: str
    timezone: str
    allowed_origins: list[str]
    public_key: str
    secret_key: str
    dnt_policy: str = COUNT_ANONYMOUSLY
    org_id: str = DEFAULT_ORG_ID


class TenancyService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], cache_ttl_s: float = 5.0) -> None:
        self._uow = uow
        self._sites: TtlCache[str, SiteInfo | None] = TtlCache(cache_ttl_s)
        self._keys: TtlCache[str, tuple[str, str] | None] = TtlCache(cache_ttl_s)

    # -- organisations -----------------------------------------------------------------------------

    def create_org(self, *, name: str) -> OrgInfo:
        name = checked_name(name, "an organisation")
        org = Organisation(id="org_" + secrets.token_hex(8), name=name)
        with self._uow() as session:
            TenancyRepository(session).add_org(org)
        return OrgInfo(org.id, org.name)

    def list_orgs(self) -> list[OrgInfo]:
        with self._uow() as session:
            return [OrgInfo(o.id, o.name) for o in TenancyRepository(session).list_orgs()]

    def org(self, org_id: str) -> OrgInfo | None:
        with self._uow() as session:
            row = TenancyRepository(session).get_org(org_id)
            return OrgInfo(row.id, row.name) if row else None

    # -- sites -------------------------------------------------------------------------------------

    def create_site(self, *, domain: str, timezone: str = "UTC", allowed_origins: list[str] | None = None,
                    dnt_policy: str = COUNT_ANONYMOUSLY, org_id: str = DEFAULT_ORG_ID) -> CreatedSite:
        domain = checked_domain(domain)
        checked_dnt_policy(dnt_policy)
        checked_timezone(timezone)
        origins = checked_origins(allowed_origins) if allowed_origins else default_origins(domain)
        site_id, public_key, secret_key = new_site_id(), new_key(PUBLIC_PREFIX), new_key(SECRET_PREFIX)
        keys = [ApiKey(site_id=site_id, kind=kind, key_hash=hash_key(key), prefix=key[:7])
                for kind, key in (("public", public_key), ("secret", secret_key))]
        with self._uow() as session:
            repo = TenancyRepository(session)
            if repo.get_org(org_id) is None:
                if org_id != DEFAULT_ORG_ID:
                    raise TenancyError(f"unknown organisation {org_id!r}")
                # Migration 0005 creates it; a schema made from the models alone (tests) has none yet.
                repo.add_org(Organisation(id=DEFAULT_ORG_ID, name="default"))
            repo.add_site(Site(id=site_id, org_id=org_id, domain=domain, allowed_origins=origins,
                               timezone=timezone, dnt_policy=dnt_policy), keys)
        return CreatedSite(site_id, domain, timezone, origins, public_key, secret_key, dnt_policy, org_id)

    def update_site(self, site_id: str, *, domain: str | None = None, timezone: str | None = None,
                    allowed_origins: list[str] | None = None, dnt_policy: str | None = None) -> SiteInfo | None:
        """Changes the fields given (None keeps one); None when there is no such site. This process
        sees the change at once, the others within `cache_ttl_s`."""
        values: dict = {}
        if domain is not None:
            values["domain"] = checked_domain(domain)
        if timezone is not None:
            values["timezone"] = checked_timezone(timezone)
        if dnt_policy is not None:
            values["dnt_policy"] = checked_dnt_policy(dnt_policy)
        if allowed_origins is not None:
            if not allowed_origins:
                raise TenancyError("allowed_origins: name at least one origin (a site no browser may "
                                   "send from would count nothing)")
            values["allowed_origins"] = checked_origins(allowed_origins)
        with self._uow() as session:
            row = TenancyRepository(session).update_site(site_id, values)
            info = _info(row) if row else None
        self._sites.pop(site_id)
        return info

    def list_sites(self, org_id: str | None = None) -> list[SiteInfo]:
        with self._uow() as session:
            return [_info(s) for s in TenancyRepository(session).list_sites(org_id)]

    def site(self, site_id: str) -> SiteInfo | None:
        return self._sites.get_or_load(site_id, lambda: self._load_site(site_id))

    def key_owner(self, key: str) -> tuple[str, str] | None:
        """(site_id, kind) of a presented site key (`pk_`/`sk_`), or None when the key is unknown."""
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
                    site.dnt_policy or COUNT_ANONYMOUSLY, site.org_id)
