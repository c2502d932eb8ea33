"""All ClickHouse SQL of page_analytics: its pageviews projection and the queries over it.

Counts use uniqExact over event ids, so a batch the bus redelivers after a crash (and that the
ReplacingMergeTree has not merged away yet) is still counted once. Bot pageviews are kept with
`is_bot = 1` and left out of every query unless `max_bot` is 1.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from core.analytics.migrations import Migration
from core.analytics.port import AnalyticsStore
from core.bus.events import TrackedEvent

CREATE_PAGEVIEWS = """
CREATE TABLE IF NOT EXISTS page_analytics_pageviews (
    site_id String,
    day Date,
    ts DateTime('UTC'),
    event_id UUID,
    visitor_id UInt64,
    hostname String,
    pathname String,
    referrer_domain String,
    is_bot UInt8
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, pathname, event_id)
"""

MIGRATIONS = (Migration(1, (CREATE_PAGEVIEWS,)),)

_RANGE = """site_id = %(site_id)s AND day BETWEEN %(day_from)s AND %(day_to)s
    AND ts >= %(start)s AND ts < %(end)s AND is_bot <= %(max_bot)s"""

AGGREGATE = f"""
SELECT uniqExact(event_id) AS pageviews, uniqExact(visitor_id) AS visitors
FROM page_analytics_pageviews WHERE {_RANGE}
"""

TOP_PAGES = f"""
SELECT pathname, uniqExact(event_id) AS pageviews, uniqExact(visitor_id) AS visitors
FROM page_analytics_pageviews WHERE {_RANGE}
GROUP BY pathname ORDER BY pageviews DESC, pathname LIMIT %(limit)s
"""

_COLUMNS = ("site_id", "day", "ts", "event_id", "visitor_id", "hostname", "pathname", "referrer_domain",
            "is_bot")


class PageviewStore:
    def __init__(self, *, analytics: AnalyticsStore) -> None:
        self._ch = analytics

    def add(self, events: Sequence[TrackedEvent]) -> None:
        self._ch.insert("page_analytics_pageviews", _COLUMNS, [_row(e) for e in events])

    def aggregate(self, params: dict) -> tuple[int, int]:
        rows = self._ch.query(AGGREGATE, {"max_bot": 0, **params})
        return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)

    def top_pages(self, params: dict) -> list[tuple[str, int, int]]:
        return [(r[0], int(r[1]), int(r[2])) for r in self._ch.query(TOP_PAGES, {"max_bot": 0, **params})]


def _row(e: TrackedEvent) -> dict:
    ts = datetime.fromtimestamp(e.ts_ms // 1000, UTC)
    return {"site_id": e.site_id, "day": ts.date(), "ts": ts, "event_id": e.event_id,
            "visitor_id": e.visitor_id, "hostname": e.hostname, "pathname": e.pathname or "/",
            "referrer_domain": e.referrer_domain, "is_bot": e.is_bot}
