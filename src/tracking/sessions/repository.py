"""All Postgres/SQLite SQL of the sessions module. Flushes, never commits (the unit of work does)."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracking.sessions.models import SessionSiteSettings


class SiteSettingsRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def timeouts(self, site_ids: Iterable[str]) -> dict[str, int]:
        """The overridden timeouts (minutes) of those sites that have one."""
        ids = sorted(set(site_ids))
        if not ids:
            return {}
        rows = self._s.execute(select(SessionSiteSettings.site_id, SessionSiteSettings.timeout_min)
                               .where(SessionSiteSettings.site_id.in_(ids)))
        return {site_id: minutes for site_id, minutes in rows}

    def set_timeout(self, site_id: str, minutes: int | None) -> None:
        """Set the override, or remove it with None (the site then follows the default)."""
        row = self._s.get(SessionSiteSettings, site_id)
        if minutes is None:
            if row is not None:
                self._s.delete(row)
        elif row is None:
            self._s.add(SessionSiteSettings(site_id=site_id, timeout_min=minutes))
        else:
            row.timeout_min = minutes
        self._s.flush()
