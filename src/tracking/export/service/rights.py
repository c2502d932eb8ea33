"""Data rights: erase a visitor's, a session's, a user's or a whole site's data; retention; audit.

The events log is core's table; its rows are erased here through `EventLogEraser`, and every
installed module erases its own tables and keys through the `erasers` hook (core.modules.Eraser),
so this service never names another module. ClickHouse deletes are mutations (`ALTER TABLE …
DELETE WHERE`, on chDB and on servers back to 18.16): they are accepted at once and rewrite the
affected parts in the background (see README "Data rights"). Every call writes one audit row:
scope, subject (a user id only as its pseudonym), who asked, how many rows it found, when.
"""

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

from tracking.export.clickhouse import USER_KEYS, EventLogEraser, ExportRows
from tracking.export.models import Deletion
from tracking.export.repository import ExportRepository

log = logging.getLogger(__name__)


class DataRights:
    def __init__(self, *, uow, log_eraser: EventLogEraser, rows: ExportRows, erasers: Sequence = (),
                 pseudonym: Callable[[str, str], str | None] | None = None, default_retention_days: int = 0,
                 clock: Callable[[], float] = time.time) -> None:
        # `erasers`: every module's core.modules.Eraser (not imported: this layer stays DI-free).
        self._uow, self._log, self._rows, self._erasers = uow, log_eraser, rows, list(erasers)
        self._pseudonym = pseudonym
        self._default_days = default_retention_days
        self._clock = clock

    def erase_visitor(self, site_id: str, visitor_id: int, requested_by: str) -> int:
        n = self._log.erase("visitor", site_id, visitor_id)
        n += sum(e.erase_visitor(site_id, visitor_id) for e in self._erasers)
        return self._audit(site_id, "visitor", str(visitor_id), requested_by, n)

    def erase_session(self, site_id: str, session_id: int, requested_by: str) -> int:
        n = self._log.erase("session", site_id, session_id)
        n += sum(e.erase_session(site_id, session_id) for e in self._erasers)
        return self._audit(site_id, "session", str(session_id), requested_by, n)

    def erase_user(self, site_id: str, user_id: str, requested_by: str) -> int:
        """Every event of the user, and the modules' rows of the visits those events were in."""
        key = self.user_key(site_id, user_id)
        n = 0
        if key is not None:
            pairs = self._rows.query(USER_KEYS, {"site": site_id, "user": key})
            for _, session_id in pairs:
                n += sum(e.erase_session(site_id, int(session_id)) for e in self._erasers if session_id)
            n += self._log.erase("user", site_id, key)
        return self._audit(site_id, "user", key or "", requested_by, n)

    def erase_site(self, site_id: str, requested_by: str) -> int:
        n = self._log.erase("site", site_id)
        n += sum(e.erase_site(site_id) for e in self._erasers)
        with self._uow() as session:
            n += ExportRepository(session).erase_site(site_id)
        return self._audit(site_id, "site", site_id, requested_by, n)

    def user_key(self, site_id: str, user_id: str) -> str | None:
        """What the events log holds for this user id: its pseudonym (None: the site has none)."""
        return self._pseudonym(site_id, user_id) if self._pseudonym is not None else user_id

    def set_retention(self, site_id: str, days: int) -> None:
        with self._uow() as session:
            ExportRepository(session).set_retention(site_id, days)

    def retention(self, site_id: str) -> int:
        with self._uow() as session:
            own = ExportRepository(session).retention(site_id)
        return self._default_days if own is None else own

    def apply_retention(self, site_ids: Sequence[str] = ()) -> dict[str, int]:
        """Events older than each site's retention (whole UTC days) are deleted from the log."""
        with self._uow() as session:
            own = ExportRepository(session).retentions()
        sites = set(site_ids) | set(own) if site_ids else set(own)
        today = datetime.fromtimestamp(self._clock(), UTC).date()
        done = {}
        for site_id in sorted(sites):
            days = own.get(site_id, self._default_days)
            if days > 0:
                cutoff: date = today - timedelta(days=days)
                n = self._log.erase("retention", site_id, cutoff)
                if n:
                    done[site_id] = self._audit(site_id, "retention", cutoff.isoformat(), "retention", n)
        return done

    def deletions(self, site_id: str, limit: int = 50) -> list[Deletion]:
        with self._uow() as session:
            rows = ExportRepository(session).deletions(site_id, limit)
            for r in rows:
                session.expunge(r)
            return rows

    def _audit(self, site_id: str, scope: str, subject: str, requested_by: str, removed: int) -> int:
        with self._uow() as session:
            ExportRepository(session).add(Deletion(site_id=site_id, scope=scope, subject=subject[:128],
                                                   requested_by=requested_by[:64], removed=removed,
                                                   requested_at=datetime.now(UTC)))
        log.info("data rights: %s deletion on site %s (%d rows), requested by %s", scope, site_id, removed,
                 requested_by)
        return removed
