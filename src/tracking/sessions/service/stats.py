"""The v1 timeseries' vocabulary (`/api/v1/stats/timeseries`, answered by the query engine).

Definitions (also in the README): a *visit* is a session with at least one pageview, counted in
the bucket or range where it *started* (sessions never cross local midnight, so a day's visits
are exactly that day's). A visit *bounces* when it has exactly one pageview and no engagement
(an `engagement` event with `engaged_ms` >= UT_SESSION_ENGAGED_MS). Duration is last event time
minus first event time; the engagement event sent when the last page is left counts, so a
one-page visit has a duration too. Sessions with a bot's event are left out unless asked for.
"""

INTERVALS = ("hour", "day", "week", "month")
METRICS = ("pageviews", "visitors", "visits", "bounce_rate", "visit_duration", "views_per_visit")
