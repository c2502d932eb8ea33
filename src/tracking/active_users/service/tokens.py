"""Share tokens: read-only, per-site access to presence and the live feed, for dashboards.

Why: a browser's EventSource and WebSocket cannot send headers, and a secret key in a URL (or in a
wall-screen's page) would also open the site's stats and server ingest. A share token opens only
the real-time endpoints of its site and can be revoked on its own. Stored hashed; lookups are
cached a few seconds per process, so a revoked token stops working within `cache_ttl_s`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from core.cache import TtlCache
from core.db.unit_of_work import UnitOfWork
from core.tenancy.keys import hash_key, new_key
from tracking.active_users.models import ShareToken
from tracking.active_users.repository import ShareTokenRepository

PREFIX = "st_"


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    site_id: str
    label: str
    prefix: str
    created_at: datetime


class ShareTokenService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], cache_ttl_s: float = 5.0) -> None:
        self._uow = uow
        self._cache: TtlCache[str, str | None] = TtlCache(cache_ttl_s)

    def create(self, *, site_id: str, label: str = "") -> tuple[TokenInfo, str]:
        """A new token for the site: (its description, the token itself — shown only this once)."""
        token = new_key(PREFIX)
        with self._uow() as session:
            row = ShareTokenRepository(session).add(
                ShareToken(site_id=site_id, token_hash=hash_key(token), prefix=token[:7], label=label))
            info = _info(row)
        return info, token

    def list(self, *, site_id: str) -> list[TokenInfo]:
        with self._uow() as session:
            return [_info(t) for t in ShareTokenRepository(session).for_site(site_id)]

    def revoke(self, *, site_id: str, token_id: int) -> bool:
        with self._uow() as session:
            deleted = ShareTokenRepository(session).delete(site_id, token_id)
        self._cache.clear()
        return deleted

    def site_of(self, token: str) -> str | None:
        """The site a token reads, or None for an unknown (or revoked) token."""
        if not token.startswith(PREFIX):
            return None
        digest = hash_key(token)
        return self._cache.get_or_load(digest, lambda: self._load_site(digest))

    def _load_site(self, digest: str) -> str | None:
        with self._uow() as session:
            row = ShareTokenRepository(session).by_hash(digest)
            return row.site_id if row else None


def _info(row: ShareToken) -> TokenInfo:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)  # SQLite: naive
    return TokenInfo(row.id, row.site_id, row.label, row.prefix, created)
