"""The ClickHouse `events` table: the system of record, owned by core.

The schema sticks to types every supported ClickHouse has (no DateTime64, Map or LowCardinality),
so the same DDL runs on the embedded engine and on servers back to 18.16. Props are two parallel
arrays; `ts` and `day` are derived from the exact millisecond `ts_ms`.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from core.analytics.migrations import Migration
from core.analytics.port import AnalyticsStore

CREATE_EVENTS = """
CREATE TABLE IF NOT EXISTS events (
    site_id String,
    event_id UUID,
    type String,
    name String,
    ts_ms Int64,
    ts DateTime('UTC') MATERIALIZED toDateTime(intDiv(ts_ms, 1000), 'UTC'),
    day Date MATERIALIZED toDate(ts),
    received_ms Int64,
    visitor_id UInt64,
    session_id UInt64,
    user_id String,
    url String,
    hostname String,
    pathname String,
    referrer String,
    referrer_domain String,
    prop_keys Array(String),
    prop_values Array(String),
    browser String,
    browser_version String,
    os String,
    os_version String,
    device_type String,
    is_bot UInt8,
    country String,
    region String,
    city String,
    timezone String,
    local_hour UInt8,
    local_weekday UInt8,
    source String,
    channel String,
    utm_source String,
    utm_medium String,
    utm_campaign String,
    utm_term String,
    utm_content String,
    click_ids Array(String),
    consent_marketing UInt8,
    data String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, visitor_id, ts)
"""

MIGRATIONS = (Migration(1, (CREATE_EVENTS,)),)

COLUMNS = (
    "site_id", "event_id", "type", "name", "ts_ms", "received_ms", "visitor_id", "session_id",
    "user_id", "url", "hostname", "pathname", "referrer", "referrer_domain", "prop_keys",
    "prop_values", "browser", "browser_version", "os", "os_version", "device_type", "is_bot",
    "country", "region", "city", "timezone", "local_hour", "local_weekday", "source", "channel",
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "click_ids", "consent_marketing",
    "data",
)
_DEFAULTS = {"session_id": 0, "is_bot": 0, "user_id": "", "local_hour": 0, "local_weekday": 0,
             "consent_marketing": 0}
_EPOCH = date(1970, 1, 1)

LOGGED_SESSIONS = """
SELECT site_id, toString(event_id), session_id FROM events
WHERE site_id IN %(sites)s AND day BETWEEN %(day_from)s AND %(day_to)s
  AND event_id IN %(ids)s
"""

EXISTING_IDS = """
SELECT toString(event_id) FROM events
WHERE site_id IN %(sites)s AND day BETWEEN %(day_from)s AND %(day_to)s
  AND event_id IN %(ids)s
"""


class EventLog:
    def __init__(self, *, store: AnalyticsStore) -> None:
        self._store = store

    def write(self, records: Sequence[dict]) -> None:
        self._store.insert("events", COLUMNS, [_row(r) for r in records])

    def existing_ids(self, records: Sequence[dict]) -> set[str]:
        """Which of these events are already in the log (used only for redelivered records)."""
        if not records:
            return set()
        return {row[0] for row in self._store.query(EXISTING_IDS, _lookup(records))}

    def logged_sessions(self, records: Sequence[dict]) -> dict[tuple[str, str], int]:
        """(site_id, event_id) -> session_id of those of these events already in the log: the worker
        republishes a redelivered event with the session it was logged with."""
        if not records:
            return {}
        wanted = {(r["site_id"], r["event_id"]) for r in records}
        rows = self._store.query(LOGGED_SESSIONS, _lookup(records))
        return {(site, eid): int(sid) for site, eid, sid in rows if (site, eid) in wanted}


def _lookup(records: Sequence[dict]) -> dict:
    days = [r["ts_ms"] // 86_400_000 for r in records]
    return {
        "sites": sorted({r["site_id"] for r in records}),
        # Dates, not unix seconds: toDate(seconds) is taken in the server's own time zone.
        "day_from": _EPOCH + timedelta(days=min(days)), "day_to": _EPOCH + timedelta(days=max(days)),
        "ids": sorted({r["event_id"] for r in records}),
    }


def _row(record: dict) -> dict:
    props = record.get("props") or {}
    row = {c: record.get(c, _DEFAULTS.get(c, "")) for c in COLUMNS if c not in ("prop_keys", "prop_values")}
    row["prop_keys"] = list(props.keys())
    row["prop_values"] = [str(v) for v in props.values()]
    row["click_ids"] = list(record.get("click_ids") or ())
    return row
