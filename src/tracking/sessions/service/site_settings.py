"""Per-site session settings: the inactivity timeout, overridable per site (default from settings).

The worker asks for the timeouts of every batch's sites, so answers are cached in-process for a
short while: the database stays the only copy, and a change reaches every worker within
`cache_ttl_s` seconds.
"""

from collections.abc import Callable, Iterable

from core.cache import TtlCache
from core.db.unit_of_work import UnitOfWork
from tracking.sessions.repository import SiteSettingsRepository

MIN_TIMEOUT_MIN, MAX_TIMEOUT_MIN = 1, 1440


class InvalidTimeout(ValueError):
    pass


class SiteSettingsService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], default_timeout_min: int,
                 cache_ttl_s: float = 30.0) -> None:
        self._uow = uow
        self._default = default_timeout_min
        self._cache: TtlCache[str, int | None] = TtlCache(cache_ttl_s)

    @property
    def default_timeout_min(self) -> int:
        return self._default

    def timeout_min(self, site_id: str) -> tuple[int, bool]:
        """(minutes, overridden?) for one site, read fresh from the database."""
        with self._uow() as session:
            minutes = SiteSettingsRepository(session).timeouts([site_id]).get(site_id)
        self._cache.put(site_id, minutes)
        return (minutes, True) if minutes is not None else (self._default, False)

    def timeouts_ms(self, site_ids: Iterable[str]) -> dict[str, int]:
        minutes = self._cache.get_many(site_ids, self._load_timeouts)
        return {s: (m or self._default) * 60_000 for s, m in minutes.items()}

    def _load_timeouts(self, site_ids: list[str]) -> dict[str, int]:
        with self._uow() as session:
            return SiteSettingsRepository(session).timeouts(site_ids)

    def set_timeout_min(self, site_id: str, minutes: int | None) -> None:
        if minutes is not None and not MIN_TIMEOUT_MIN <= minutes <= MAX_TIMEOUT_MIN:
            raise InvalidTimeout(f"timeout_min must be between {MIN_TIMEOUT_MIN} and {MAX_TIMEOUT_MIN}")
        with self._uow() as session:
            SiteSettingsRepository(session).set_timeout(site_id, minutes)
        self._cache.pop(site_id)
