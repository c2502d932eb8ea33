"""A shared read helper over the core `events` log: pageviews, visitors and events grouped by one
of the log's own columns (browser, country, channel...), for the modules' breakdown providers.

Only whitelisted column names reach the SQL text (one query constant per column, built from the
template below); every value is a parameter. Bot events (`is_bot = 1`) are left out unless asked.
Counts use uniqExact over event ids, so the numbers stay exact whatever the table engine merges.
"""

from collections.abc import Mapping

from core.analytics.port import AnalyticsStore
from core.analytics.time_range import UtcRange
from core.bus.events import EVENT_COLUMNS

BREAKDOWN_COLUMNS = tuple(c.name for c in EVENT_COLUMNS if c.dimension)

_BREAKDOWN = """
SELECT {column} AS value,
       uniqExactIf(event_id, type = 'pageview') AS pageviews,
       uniqExact(visitor_id) AS visitors,
       uniqExact(event_id) AS events
FROM events
WHERE site_id = %(site_id)s AND day BETWEEN %(day_from)s AND %(day_to)s
  AND ts >= %(start)s AND ts < %(end)s
  AND is_bot <= %(max_bot)s AND (%(keep_empty)s = 1 OR {column} != '')
GROUP BY value
ORDER BY visitors DESC, pageviews DESC, value
LIMIT %(limit)s
"""
BREAKDOWNS: Mapping[str, str] = {column: _BREAKDOWN.format(column=column) for column in BREAKDOWN_COLUMNS}


class EventLogStats:
    def __init__(self, *, store: AnalyticsStore) -> None:
        self._store = store

    def breakdown(self, *, site_id: str, window: UtcRange, column: str, limit: int,
                  include_bots: bool = False, keep_empty: bool = True) -> list[tuple[str, int, int, int]]:
        """(value, pageviews, visitors, events) rows, most visitors first. `keep_empty=False` leaves
        out events without a value (e.g. internal navigations have no traffic source)."""
        sql = BREAKDOWNS.get(column)
        if sql is None:
            raise ValueError(f"not a breakdown column of the events log: {column!r}")
        rows = self._store.query(sql, {"site_id": site_id, "limit": limit, "max_bot": int(include_bots),
                                       "keep_empty": int(keep_empty), **window.params()})
        return [(str(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]
