"""Data rights: erase a visitor's, a session's, a user's or a whole site's data; retention; audit.

Core's stores (the events log, visits, core's keys and rows, the buffer) are erased through
`core_data` (core.ingest.erasure.CoreData); every installed module erases its own tables and keys
through the `erasers` hook (core.modules.Eraser), given the same `Subject`, so this service never
names another module. The subject is resolved from the events log first, then every store is
erased, the log last (a failure half-way can be retried: the log still knows the subject).
ClickHouse deletes are mutations: accepted at once, applied in the background (README "Data
rights"). Every call writes one audit row: scope, subject (a user id only as its pseudonym), who
asked, how many rows and keys it found, when.
"""

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from tracking.export.models import Deletion
from tracking.export.repository import ExportRepository

log = logging.getLogger(__name__)


class DataRights:
    def __init__(self, *, uow, core_data, erasers: Sequence = (),
                 pseudonym: Callable[[str, str], str | None] | None = None, default_retention_days: int = 0,
                 flush_timeout_s: float = 60.0, sites: Callable[[], Sequence] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        # `erasers`: every module's core.modules.Eraser (not imported: this layer stays DI-free).
        self._uow, self._core, self._erasers = uow, core_data, list(erasers)
        self._pseudonym = pseudonym
        self._default_days = default_retention_days
        self._flush_timeout_s = flush_timeout_s
        self._sites = sites  # every site (SiteInfo), for the default retention
        self._clock = clock

    def erase_visitor(self, site_id: str, visitor_id: int, requested_by: str) -> int:
        subject = self._core.subject(site_id, visitor_id=visitor_id)
        return self._audit(site_id, "visitor", str(visitor_id), requested_by, self._erase(subject))

    def erase_session(self, site_id: str, session_id: int, requested_by: str) -> int:
        subject = self._core.subject(site_id, session_id=session_id)
        return self._audit(site_id, "session", str(session_id), requested_by, self._erase(subject))

    def erase_user(self, site_id: str, user_id: str, requested_by: str) -> int:
        """The user's events and the visits they were in, in every module."""
        key = self.user_key(site_id, user_id)
        removed = self._erase(self._core.subject(site_id, user_key=key)) if key is not None else 0
        return self._audit(site_id, "user", key or "", requested_by, removed)

    def erase_site(self, site_id: str, requested_by: str) -> tuple[int, bool]:
        """Everything of the site in every store, the site and its keys included; the audit row
        stays. Returns (rows and keys found, whether the buffer was flushed of the site's events)."""
        removed, closed_ms = self._core.close_site(site_id)
        flushed = self._core.wait_flushed(closed_ms, self._flush_timeout_s)
        with self._uow() as session:
            removed += ExportRepository(session).erase_site(site_id)
        removed += sum(e.erase_site(site_id) for e in self._erasers)
        removed += self._core.erase_site(site_id)
        self._audit(site_id, "site", site_id, requested_by, removed)
        return removed, flushed

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
        """Events (and visits) of UTC days older than each site's retention are deleted from the
        log, and every module's rows of those days (core.modules.Eraser.erase_before). Retention is a
        site's own setting, else UT_EXPORT_RETENTION_DAYS (`site_ids`: the sites that default applies
        to; all sites when not given)."""
        with self._uow() as session:
            own = ExportRepository(session).retentions()
        if not site_ids and self._default_days > 0 and self._sites is not None:
            site_ids = [site.id for site in self._sites()]
        today = datetime.fromtimestamp(self._clock(), UTC).date()
        done = {}
        for site_id in sorted(set(own) | set(site_ids)):
            days = own.get(site_id, self._default_days)
            if days > 0:
                cutoff = today - timedelta(days=days)
                n = self._core.erase_before(site_id, cutoff) + sum(e.erase_before(site_id, cutoff)
                                                                   for e in self._erasers)
                if n:
                    done[site_id] = self._audit(site_id, "retention", cutoff.isoformat(), "retention", n)
        return done

    def deletions(self, site_id: str, limit: int = 50) -> list[Deletion]:
        with self._uow() as session:
            rows = ExportRepository(session).deletions(site_id, limit)
            for r in rows:
                session.expunge(r)
            return rows

    def _erase(self, subject) -> int:
        if subject.empty():
            return 0
        removed = sum(e.erase_subject(subject) for e in self._erasers)
        return removed + self._core.erase_subject(subject)

    def _audit(self, site_id: str, scope: str, subject: str, requested_by: str, removed: int) -> int:
        with self._uow() as session:
            ExportRepository(session).add(Deletion(site_id=site_id, scope=scope, subject=subject[:128],
                                                   requested_by=requested_by[:64], removed=removed,
                                                   requested_at=datetime.now(UTC)))
        log.info("data rights: %s deletion on site %s (%d rows and keys), requested by %s", scope, site_id,
                 removed, requested_by)
        return removed
