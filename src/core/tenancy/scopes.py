"""What a key may do: four scopes, and who holds them (a `Principal`, the resolved key).

`ingest` sends server events, `stats:read` reads numbers, `sites:write` changes a site's settings
and data, `org:admin` manages the organisation's sites and keys. A site's secret key is a
full-scope key of that one site; its public key holds no scope (it only names the site in browser
collect, which needs no key). An organisation key holds the scopes it was given, for every site of
its organisation or only those listed.
"""

from dataclasses import dataclass
from datetime import datetime

INGEST, STATS_READ, SITES_WRITE, ORG_ADMIN = "ingest", "stats:read", "sites:write", "org:admin"
SCOPES = (INGEST, STATS_READ, SITES_WRITE, ORG_ADMIN)
SITE_SECRET, SITE_PUBLIC, ORG_KEY = "site_secret", "site_public", "org_key"


class ScopeError(ValueError):
    pass


def checked_scopes(scopes: list[str]) -> list[str]:
    """Known scopes, deduplicated in the canonical order; a ScopeError names an unknown one."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ScopeError(f"unknown scope {unknown[0]!r}; one of: {', '.join(SCOPES)}")
    if not scopes:
        raise ScopeError(f"name at least one scope: {', '.join(SCOPES)}")
    return [s for s in SCOPES if s in scopes]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who presented a key. `site_ids` None: every site of `org_id`."""

    kind: str  # SITE_SECRET | SITE_PUBLIC | ORG_KEY
    org_id: str
    scopes: frozenset[str]
    site_ids: frozenset[str] | None
    prefix: str  # the key's first characters, safe to show (audit, logs)
    key_id: int | None = None  # ORG_KEY only
    expires_at: datetime | None = None

    def reaches(self, site_id: str, site_org_id: str) -> bool:
        return site_org_id == self.org_id and (self.site_ids is None or site_id in self.site_ids)

    def only_site(self) -> str | None:
        """The one site this key is bound to, if it is bound to exactly one."""
        return next(iter(self.site_ids)) if self.site_ids is not None and len(self.site_ids) == 1 else None
