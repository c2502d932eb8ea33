"""All ClickHouse SQL of page_analytics: its retired pageviews projection.

Pageviews and top pages are the query engine's (core.query, over the events log), so nothing
writes or reads `page_analytics_pageviews` any more. The table's migration stays, so existing
installs keep a consistent schema history, and the module's eraser still removes a site's or a
subject's old rows from it.
"""

from core.analytics.migrations import Migration

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
