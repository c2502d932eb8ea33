"""All ClickHouse SQL of export: the rows of an interval (by write time), usage counts, erasure.

Rows are chosen by `ingested_ms`, the time the worker wrote them (rows logged before that column
existed fall back to `received_ms`), never by event time, so an event that arrives late is part of
the interval it was written in. An interval is read once, in (write time, event id) order, and
cut into parts: the same rows give the same parts, which is what makes part files deterministic.
"""

from collections.abc import Mapping

from core.analytics.port import AnalyticsStore

# Schema version 1 of an exported row, in order (see README "Export"). `props` is built from
# the log's two parallel arrays; `user_id` is left out (see README).
_SELECT = """
SELECT toString(event_id) AS x_event_id, site_id AS x_site_id, type AS x_type, name AS x_name,
       ts_ms AS x_ts_ms, received_ms AS x_received_ms,
       if(ingested_ms = 0, received_ms, ingested_ms) AS x_ingested_ms,
       visitor_id AS x_visitor_id, session_id AS x_session_id,
       url AS x_url, hostname AS x_hostname, pathname AS x_pathname, referrer AS x_referrer,
       referrer_domain AS x_referrer_domain, prop_keys AS x_prop_keys, prop_values AS x_prop_values,
       browser AS x_browser, browser_version AS x_browser_version, os AS x_os, os_version AS x_os_version,
       device_type AS x_device_type, is_bot AS x_is_bot, country AS x_country, region AS x_region,
       city AS x_city, timezone AS x_timezone, local_hour AS x_local_hour, local_weekday AS x_local_weekday,
       source AS x_source, channel AS x_channel, utm_source AS x_utm_source, utm_medium AS x_utm_medium,
       utm_campaign AS x_utm_campaign, utm_term AS x_utm_term, utm_content AS x_utm_content,
       click_ids AS x_click_ids, consent_marketing AS x_consent_marketing, data AS x_data
FROM events
WHERE site_id = %(site)s
  AND x_ingested_ms >= %(start)s AND x_ingested_ms < %(end)s
ORDER BY x_ingested_ms, event_id
"""

USAGE = """
SELECT toString(day) AS d, count() FROM events
WHERE site_id = %(site)s AND day BETWEEN %(day_from)s AND %(day_to)s
GROUP BY d ORDER BY d
"""
COUNT = "SELECT count() FROM events WHERE site_id = %(site)s AND ts_ms >= %(from_ms)s AND ts_ms < %(to_ms)s"
RECENT = """
SELECT toString(event_id), type, name, ts_ms, pathname, hostname, referrer_domain, country, device_type, browser, os
FROM events WHERE site_id = %(site)s ORDER BY ts_ms DESC LIMIT %(limit)s
"""
USER_EVENTS = """
SELECT toString(event_id), type, name, ts_ms, url, referrer, prop_keys, prop_values, country, device_type,
       browser, os, data
FROM events WHERE site_id = %(site)s AND user_id = %(user)s ORDER BY ts_ms
"""


class ExportRows:
    def __init__(self, *, store: AnalyticsStore) -> None:
        self._store = store

    def interval(self, site_id: str, start_ms: int, end_ms: int, batch_rows: int):
        """The interval's rows as Arrow record batches in (write ms, event id) order, with the
        `x_` column names of `_SELECT`: one sorted read, however many part files it makes."""
        return self._store.stream_arrow(_SELECT, {"site": site_id, "start": start_ms, "end": end_ms},
                                        batch_rows=batch_rows)

    def query(self, sql: str, params: Mapping) -> list[tuple]:
        return self._store.query(sql, params)
