"""Core's part of the data rights: the events log, the visits table, core's real-time keys and
transactional rows, and the buffer. The export module drives it (core never deletes on its own).

`subject()` resolves what a deletion is about from the events log (every event of a visitor, a
session or a user, and the visitor and session ids they carry), so every module can delete its
own rows by the ids its tables have (core.analytics.erasure). A site is deleted in two steps:
`close_site` removes its keys and row (no request is accepted for it any more, after the tenancy
cache's few seconds), then `wait_flushed` waits until every event accepted before that is in the
log (the buffer's oldest entry is newer, and the write watermark has passed), so the erasure that
follows leaves nothing behind that a worker writes later.
"""

import time
from collections.abc import Callable

from core.analytics.erasure import delete_rows, delete_site_rows, delete_where
from core.analytics.port import AnalyticsStore
from core.erasure import Subject

_SUBJECT = """
SELECT toString(event_id), visitor_id, session_id FROM events
WHERE site_id = %(site)s AND {cond}
"""
_REALTIME_PREFIXES = ("core:dedup:{site}:*", "query:v1:{site}:*")


class CoreData:
    def __init__(self, *, store: AnalyticsStore, redis, tenancy, buffer, watermark, tenancy_cache_s: float = 5.0,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
                 rate_limit_prefix: str = "") -> None:
        """`rate_limit_prefix`: the rate limits' key prefix (core.realtime.rate_limits): a site's
        ingest counter is named by its id, so it goes with the site."""
        self._store, self._redis, self._tenancy = store, redis, tenancy
        self._patterns = _REALTIME_PREFIXES + ((f"{rate_limit_prefix}:LIMITER/*/{{site}}/*",) if rate_limit_prefix
                                               else ())
        self._buffer, self._watermark = buffer, watermark
        self.tenancy_cache_s, self._clock, self._sleep = tenancy_cache_s, clock, sleep

    def subject(self, site_id: str, *, visitor_id: int | None = None, session_id: int | None = None,
                user_key: str | None = None) -> Subject:
        if visitor_id is not None:
            rows = self._rows(site_id, "visitor_id = %(v)s", {"v": visitor_id})
            return Subject(site_id, _ids(rows, 0), (visitor_id,), _ids(rows, 2))
        if session_id is not None:
            rows = self._rows(site_id, "session_id = %(s)s", {"s": session_id})
            return Subject(site_id, _ids(rows, 0), (), (session_id,))
        if user_key is None:
            return Subject(site_id)
        sessions = _ids(self._rows(site_id, "user_id = %(u)s", {"u": user_key}), 2)
        # The user's events and every event of the visits they were in (before identify, too).
        rows = self._rows(site_id, "(user_id = %(u)s OR session_id IN %(s)s)", {"u": user_key, "s": list(sessions)})
        return Subject(site_id, _ids(rows, 0), (), sessions)

    def erase_subject(self, subject: Subject) -> int:
        if subject.empty():
            return 0
        return (delete_rows(self._store, "events", subject, ("event_id", "visitor_id", "session_id"))
                + delete_rows(self._store, "visits", subject, ("visitor_id", "session_id")))

    def close_site(self, site_id: str) -> tuple[int, int]:
        """Remove the site's keys, secrets, goals, dead letters and row; (rows removed, when in ms)."""
        removed = self._tenancy.delete_site(site_id)
        return removed, int(self._clock() * 1000)

    def wait_flushed(self, closed_ms: int, timeout_s: float = 60.0) -> bool:
        """True once every event accepted up to `closed_ms` (+ the tenancy cache) is in the log."""
        horizon_ms = closed_ms + int(self.tenancy_cache_s * 1000)
        deadline = self._clock() + self.tenancy_cache_s + timeout_s
        while self._clock() < deadline:
            now_ms = int(self._clock() * 1000)
            oldest_ms = now_ms - int(self._buffer.oldest_age_s() * 1000) if self._buffer.backlog() else now_ms
            if now_ms > horizon_ms and oldest_ms > horizon_ms and self._watermark.current_ms() > horizon_ms:
                return True
            self._sleep(0.2)
        return False

    def erase_site(self, site_id: str) -> int:
        self._buffer.forget_acked()  # the site's events, written and acked, must not stay on disk
        removed = delete_site_rows(self._store, "events", site_id) + delete_site_rows(self._store, "visits", site_id)
        for pattern in self._patterns:
            keys = list(self._redis.scan_iter(match=pattern.format(site=site_id), count=1000))
            for i in range(0, len(keys), 1000):
                removed += self._redis.delete(*keys[i:i + 1000])
        return removed

    def erase_before(self, site_id: str, day) -> int:
        """Retention: the site's events and visits of UTC days before `day`."""
        return sum(_delete_before(self._store, table, site_id, day) for table in ("events", "visits"))

    def _rows(self, site_id: str, cond: str, params: dict) -> list[tuple]:
        return self._store.query(_SUBJECT.format(cond=cond), {"site": site_id, **params})


def _ids(rows: list[tuple], index: int) -> tuple:
    return tuple(sorted({r[index] for r in rows if r[index] not in ("", 0)}))


def _delete_before(store: AnalyticsStore, table: str, site_id: str, day) -> int:
    return delete_where(store, table, "site_id = %(site)s AND day < %(day)s", {"site": site_id, "day": day})
