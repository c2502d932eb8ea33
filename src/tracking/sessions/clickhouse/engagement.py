"""Engagement per page: time on page and scroll depth, from `engagement` events.

A ReplacingMergeTree keyed by event id; queries take each event once (inner GROUP BY event_id)
so averages stay exact while a redelivered batch waits to be merged away.
"""

CREATE_ENGAGEMENT = """
CREATE TABLE IF NOT EXISTS sessions_engagement (
    site_id String,
    day Date,
    ts DateTime('UTC'),
    event_id UUID,
    visitor_id UInt64,
    pathname String,
    engaged_ms UInt32,
    scroll_depth UInt8
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, pathname, event_id)
"""
DDL = (CREATE_ENGAGEMENT,)
COLUMNS = ("site_id", "day", "ts", "event_id", "visitor_id", "pathname", "engaged_ms", "scroll_depth")

BY_PAGE = """
SELECT pathname, count() AS samples, uniqExact(visitor) AS visitors, avg(engaged) AS avg_ms, avg(depth) AS avg_depth,
    countIf(depth >= 25) AS d25, countIf(depth >= 50) AS d50, countIf(depth >= 75) AS d75, countIf(depth >= 100) AS d100
FROM (
    SELECT pathname, event_id, any(visitor_id) AS visitor, any(engaged_ms) AS engaged, any(scroll_depth) AS depth
    FROM sessions_engagement
    WHERE site_id = %(site_id)s AND day BETWEEN %(day_from)s AND %(day_to)s AND ts >= %(start)s AND ts < %(end)s
    GROUP BY pathname, event_id
)
GROUP BY pathname ORDER BY samples DESC, pathname LIMIT %(limit)s
"""
