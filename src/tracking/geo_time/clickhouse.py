"""All ClickHouse SQL of geo_time: the local-time heatmap over the core events log.

The local hour and weekday are computed at the edge (ClickHouse wants a constant zone in toHour),
and fall back to the site's zone, a constant of the query, when the visitor's zone is unknown.
"""

from core.analytics.port import AnalyticsStore

HEATMAP = """
SELECT if(timezone = '', toDayOfWeek(toDate(ts, %(site_tz)s)), local_weekday) AS weekday,
       if(timezone = '', toHour(ts, %(site_tz)s), local_hour) AS hour,
       uniqExact(event_id) AS pageviews,
       uniqExact(visitor_id) AS visitors
FROM events
WHERE site_id = %(site_id)s AND day BETWEEN %(day_from)s AND %(day_to)s
  AND ts >= %(start)s AND ts < %(end)s AND type = 'pageview' AND is_bot <= %(max_bot)s
GROUP BY weekday, hour
ORDER BY weekday, hour
"""


class HeatmapStore:
    def __init__(self, *, analytics: AnalyticsStore) -> None:
        self._ch = analytics

    def cells(self, params: dict) -> list[tuple[int, int, int, int]]:
        return [(int(w), int(h), int(pv), int(v)) for w, h, pv, v in self._ch.query(HEATMAP, params)]
