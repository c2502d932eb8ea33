"""The `visits` table: one row per visit (session), recomputed from the events log by the worker.

The query engine counts visits in every `visit:*` report; computing them from the raw events on
each query groups every event of the window by session (seconds at 10M events). Instead, after each
batch is in the log, the worker recomputes the visits that batch touched *from the log itself*
(`REFRESH`) and writes their whole state as one row. That makes the table:

- exact: a row is a pure function of the session's logged events; `ReplacingMergeTree(version)`
  with `version` = the session's event count keeps the newest state, and queries read it with
  `FINAL`, so unmerged parts never count twice;
- idempotent: a redelivered batch recomputes the same state; two workers racing on one visit
  cannot lose an event, because the refresh that runs after the last insert sees every event;
- independent of arrival order: the entry (first event by `(ts_ms, event_id)`) decides the
  visit's attributes however late an earlier event arrives.

A row's `day` (its sorting key and partition, for pruning) is the UTC day of the visit's start.
An event that arrives late and earlier than the start can move that day; the old day's row is
then overwritten by a tombstone (`views = 0`, so no query counts it) of a higher version.
Only functions ClickHouse 18.16 has are used.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from core.analytics.migrations import Migration
from core.analytics.port import AnalyticsStore

# The visit attributes taken from its entry (first event): `visit:*` dimensions read them.
ENTRY_COLUMNS = ("source", "referrer", "referrer_domain", "channel", "utm_source", "utm_medium", "utm_campaign",
                 "utm_term", "utm_content", "country", "region", "city", "browser", "browser_version", "os",
                 "os_version", "device_type")
COUNTED_TYPES = ("pageview", "event")
ENGAGEMENT_TYPE = "engagement"

CREATE_VISITS = f"""
CREATE TABLE IF NOT EXISTS visits (
    site_id String,
    day Date,
    visitor_id UInt64,
    session_id UInt64,
    version UInt64,
    started Int64,
    ended Int64,
    views UInt32,
    n_events UInt32,
    engagements UInt32,
    engaged_ms UInt64,
    is_bot UInt8,
    entry_page String,
    exit_page String,
    {", ".join(f"{c} String" for c in ENTRY_COLUMNS)}
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, visitor_id, session_id)
"""
_COLUMNS = ("site_id", "day", "visitor_id", "session_id", "version", "started", "ended", "views", "n_events",
            "engagements", "engaged_ms", "is_bot", "entry_page", "exit_page", *ENTRY_COLUMNS)
_ORDER = "tuple(ts_ms, toString(event_id))"
# Aliases are prefixed: an alias named like a column would shadow it in WHERE (and 18.16 sees
# cycles). Rows come back in _COLUMNS order.
_STATE = f"""
SELECT site_id, toDate(toDateTime(intDiv(min(ts_ms), 1000), 'UTC')) AS s_day, visitor_id, session_id,
    toUInt64(count()) AS s_version, min(ts_ms) AS s_started, max(ts_ms) AS s_ended,
    toUInt32(countIf(type = 'pageview')) AS s_views, toUInt32(countIf(type IN %(counted)s)) AS s_events,
    toUInt32(countIf(type = %(engagement)s)) AS s_engagements,
    maxIf(visitParamExtractUInt(data, 'engaged_ms'), type = %(engagement)s) AS s_engaged_ms,
    max(is_bot) AS s_bot,
    argMinIf(pathname, {_ORDER}, type = 'pageview') AS s_entry_page,
    argMaxIf(pathname, {_ORDER}, type = 'pageview') AS s_exit_page,
    {", ".join(f"argMin({c}, {_ORDER}) AS s_{c}" for c in ENTRY_COLUMNS)}
FROM events
WHERE {{where}} AND session_id != 0
GROUP BY site_id, visitor_id, session_id
"""
# Sessions never cross local midnight, so a session's events lie within a UTC day of any of them.
_TOUCHED = ("site_id IN %(sites)s AND day BETWEEN %(day_from)s AND %(day_to)s "
            "AND visitor_id IN %(visitors)s AND session_id IN %(sessions)s")
REFRESH = _STATE.format(where=_TOUCHED)
# The days the table holds for these sessions, to find the ones whose start moved to another day.
KNOWN_DAYS = """
SELECT site_id, visitor_id, session_id, day, max(version), argMax(views, version) FROM visits
WHERE site_id IN %(sites)s AND day BETWEEN %(day_from)s AND %(day_to)s
  AND visitor_id IN %(visitors)s AND session_id IN %(sessions)s
GROUP BY site_id, visitor_id, session_id, day
"""
# Existing logs gain their visits when the table is created.
BACKFILL = f"INSERT INTO visits ({', '.join(_COLUMNS)}) " + _STATE.format(where="1").replace(
    "%(counted)s", "('pageview', 'event')").replace("%(engagement)s", f"'{ENGAGEMENT_TYPE}'")
MIGRATIONS = (Migration(3, (CREATE_VISITS, BACKFILL)),)
_EPOCH = date(1970, 1, 1)


class VisitLog:
    def __init__(self, *, store: AnalyticsStore, engagement_type: str = ENGAGEMENT_TYPE) -> None:
        self._store = store
        self._engagement = engagement_type

    def refresh(self, records: Sequence[dict]) -> int:
        """Rewrite the visits these (logged) events belong to; answers how many rows it wrote."""
        touched = [r for r in records if int(r.get("session_id") or 0) and int(r.get("visitor_id") or 0)]
        if not touched:
            return 0
        days = [int(r["ts_ms"]) // 86_400_000 for r in touched]
        params = {
            "sites": sorted({r["site_id"] for r in touched}),
            "day_from": _EPOCH + timedelta(days=min(days) - 1), "day_to": _EPOCH + timedelta(days=max(days) + 1),
            "visitors": sorted({int(r["visitor_id"]) for r in touched}),
            "sessions": sorted({int(r["session_id"]) for r in touched}),
            "counted": COUNTED_TYPES, "engagement": self._engagement,
        }
        rows = [dict(zip(_COLUMNS, row, strict=True)) for row in self._store.query(REFRESH, params)]
        if not rows:
            return 0
        current = {(r["site_id"], r["visitor_id"], r["session_id"]): r for r in rows}
        for site_id, visitor, session, day, version, views in self._store.query(KNOWN_DAYS, params):
            now = current.get((site_id, visitor, session))
            if now is not None and day != now["day"] and views:  # the start moved: retire the old day's row
                rows.append({**now, "day": day, "views": 0, "version": max(now["version"], version + 1)})
        self._store.insert("visits", _COLUMNS, rows)
        return len(rows)
