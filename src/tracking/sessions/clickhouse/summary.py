"""The retired sessions summary (its DDL only): visits are the query engine's now, from the core
`visits` table (core.ingest.visits), so nothing feeds or reads these tables any more. The migration
stays so existing installs keep a consistent schema history; the module's eraser still removes old
rows. How it worked, for the record:

Events go into `sessions_feed` (a Null table: nothing stored) and a materialized view folds each
insert into `sessions_summary`, an AggregatingMergeTree keyed by (site, local day, visitor,
session). Every state is idempotent, so a batch the bus delivers twice changes nothing:
min/max/argMin/argMax of the same rows are the same, and counts are uniqExact over event ids.
The arg* functions order by (ts_ms, event_id) so ties resolve the same way on every merge.
Queries merge the states per session (`SESSION_ROWS`), so they are exact before merges happen.
Works unchanged on ClickHouse 18.16 and on chDB.
"""

_KEY = "Tuple(Int64, String)"
_FIRST = ("referrer_domain", "channel", "device_type", "browser", "os", "country")
_CAMPAIGN = ("source", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")

CREATE_SUMMARY = f"""
CREATE TABLE IF NOT EXISTS sessions_summary (
    site_id String,
    day Date,
    visitor_id UInt64,
    session_id UInt64,
    start_ms AggregateFunction(min, Int64),
    end_ms AggregateFunction(max, Int64),
    events AggregateFunction(uniqExact, UUID),
    pageviews AggregateFunction(uniqExactIf, UUID, UInt8),
    engagements AggregateFunction(uniqExactIf, UUID, UInt8),
    engaged_ms AggregateFunction(maxIf, UInt32, UInt8),
    entry_page AggregateFunction(argMinIf, String, {_KEY}, UInt8),
    exit_page AggregateFunction(argMaxIf, String, {_KEY}, UInt8),
    {", ".join(f"{c} AggregateFunction(argMinIf, String, {_KEY}, UInt8)" for c in _CAMPAIGN)},
    {", ".join(f"{c} AggregateFunction(argMin, String, {_KEY})" for c in _FIRST)},
    is_bot AggregateFunction(max, UInt8)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, visitor_id, session_id)
"""

CREATE_FEED = f"""
CREATE TABLE IF NOT EXISTS sessions_feed (
    site_id String, day Date, visitor_id UInt64, session_id UInt64, event_id UUID, type String,
    ts_ms Int64, pathname String, engaged_ms UInt32, has_campaign UInt8, is_bot UInt8,
    {", ".join(f"{c} String" for c in _CAMPAIGN + _FIRST)}
) ENGINE = Null
"""

_ORDER = "tuple(ts_ms, toString(event_id))"
CREATE_VIEW = f"""
CREATE MATERIALIZED VIEW IF NOT EXISTS sessions_summary_mv TO sessions_summary AS
SELECT site_id, day, visitor_id, session_id,
    minState(ts_ms) AS start_ms, maxState(ts_ms) AS end_ms,
    uniqExactState(event_id) AS events,
    uniqExactIfState(event_id, type = 'pageview') AS pageviews,
    uniqExactIfState(event_id, type = 'engagement') AS engagements,
    maxIfState(engaged_ms, type = 'engagement') AS engaged_ms,
    argMinIfState(pathname, {_ORDER}, type = 'pageview') AS entry_page,
    argMaxIfState(pathname, {_ORDER}, type = 'pageview') AS exit_page,
    {", ".join(f"argMinIfState({c}, {_ORDER}, has_campaign = 1) AS {c}" for c in _CAMPAIGN)},
    {", ".join(f"argMinState({c}, {_ORDER}) AS {c}" for c in _FIRST)},
    maxState(is_bot) AS is_bot
FROM sessions_feed
GROUP BY site_id, day, visitor_id, session_id
"""

DDL = (CREATE_SUMMARY, CREATE_FEED, CREATE_VIEW)
