"""The ClickHouse `events` table: the system of record, owned by core.

The schema sticks to types every supported ClickHouse has (no DateTime64, Map or LowCardinality),
so the same DDL runs on the embedded engine and on servers back to 18.16. Props are two parallel
arrays; `ts` and `day` are derived from the exact millisecond `ts_ms`.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from core.analytics.migrations import Migration
from core.analytics.port import AnalyticsStore
from core.bus.columns import KEY_VALUE, Column
from core.bus.events import EVENT_COLUMNS
from core.ingest import visits

_CREATE_EVENTS = """
CREATE TABLE IF NOT EXISTS events (
{columns}
) ENGINE = MergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, visitor_id, ts)
"""
# Derived from the exact millisecond, never written.
_MATERIALIZED = (("ts", "DateTime('UTC') MATERIALIZED toDateTime(intDiv(ts_ms, 1000), 'UTC')"),
                 ("day", "Date MATERIALIZED toDate(ts)"))
_ADD_COLUMN = "ALTER TABLE events ADD COLUMN {name} {ch_type}"


def migrations_for(columns: Sequence[Column]) -> tuple[Migration, ...]:
    """Version 1 creates the table with the first columns; a column declared `since=N` is added
    by version N, so existing logs gain it and new ones are created the same way."""
    first = [c for c in columns if c.since == 1]
    stored = [pair for c in first for pair in c.storage()]
    stored[stored.index(("received_ms", "Int64")):0] = _MATERIALIZED  # ts after ts_ms, as ever
    create = _CREATE_EVENTS.format(columns=",\n".join(f"    {name} {ch_type}" for name, ch_type in stored))
    later: dict[int, list[str]] = {}
    for c in columns:
        if c.since > 1:
            later.setdefault(c.since, []).extend(_ADD_COLUMN.format(name=n, ch_type=t) for n, t in c.storage())
    return (Migration(1, (create,)), *(Migration(v, tuple(later[v])) for v in sorted(later)))


# Version 3 is the visits table derived from the log (core.ingest.visits).
MIGRATIONS = tuple(sorted((*migrations_for(EVENT_COLUMNS), *visits.MIGRATIONS), key=lambda m: m.version))
COLUMNS = tuple(name for c in EVENT_COLUMNS for name, _ in c.storage())
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
    row = {}
    for c in EVENT_COLUMNS:
        value = record.get(c.name, c.default)
        if c.ch_type == KEY_VALUE:
            props = value or {}
            row["prop_keys"] = list(props.keys())
            row["prop_values"] = [str(v) for v in props.values()]
        elif c.ch_type.startswith("Array("):
            row[c.name] = list(value or ())
        else:
            row[c.name] = value
    return row
