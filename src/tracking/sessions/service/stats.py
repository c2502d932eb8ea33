"""Session stats: headline numbers, entry/exit page breakdowns and the timeseries.

Definitions (also in the README): a *visit* is a session with at least one pageview, counted in
the bucket or range where it *started* (sessions never cross local midnight, so a day's visits
are exactly that day's). A visit *bounces* when it has exactly one pageview and no engagement
(an `engagement` event with `engaged_ms` >= UT_SESSION_ENGAGED_MS). Duration is last event time
minus first event time; the engagement event sent when the last page is left counts, so a
one-page visit has a duration too. Sessions with a bot's event are left out unless asked for.
"""

from datetime import date, timedelta

from core.analytics.time_range import UtcRange
from core.query import buckets as query_buckets
from core.tenancy.service import SiteInfo
from tracking.sessions.clickhouse.stores import SessionNumbers, SessionStore
from tracking.sessions.schemas import Timeseries, TimeseriesPoint
from tracking.sessions.service.clock import window_params, zone_of

INTERVALS = ("hour", "day", "week", "month")
METRICS = ("pageviews", "visitors", "visits", "bounce_rate", "visit_duration", "views_per_visit")
MAX_HOURLY_DAYS = query_buckets.MAX_HOURLY_DAYS  # 2,232 buckets: a quarter, not a decade of empty hours


class InvalidQuery(ValueError):
    pass


def session_metrics(numbers: SessionNumbers) -> dict[str, int | float]:
    visits, pageviews, bounces, duration_ms = numbers
    if not visits:
        return {"visits": 0, "bounce_rate": 0.0, "visit_duration": 0.0, "views_per_visit": 0.0}
    return {"visits": visits, "bounce_rate": round(100 * bounces / visits, 1),
            "visit_duration": round(duration_ms / visits / 1000, 1), "views_per_visit": round(pageviews / visits, 2)}


class SessionStatsService:
    def __init__(self, *, store: SessionStore, engaged_ms: int) -> None:
        self._store = store
        self._engaged_ms = engaged_ms

    def _params(self, site: SiteInfo, window: UtcRange, include_bots: bool) -> dict:
        return {**window_params(window, site), "engaged_ms": self._engaged_ms, "max_bot": int(include_bots)}

    def aggregate(self, *, site: SiteInfo, window: UtcRange, include_bots: bool = False) -> dict[str, int | float]:
        return session_metrics(self._store.aggregate(self._params(site, window, include_bots)))

    def breakdown(self, *, site: SiteInfo, window: UtcRange, prop: str, limit: int,
                  include_bots: bool = False) -> list[dict]:
        rows = self._store.breakdown(prop, {**self._params(site, window, include_bots), "limit": limit})
        return [{prop: page, "visitors": visitors, **session_metrics(numbers)} for page, visitors, numbers in rows]

    def timeseries(self, *, site: SiteInfo, window: UtcRange, interval: str, metrics: list[str],
                   include_bots: bool = False) -> Timeseries:
        if interval not in INTERVALS:
            raise InvalidQuery(f"interval: one of {', '.join(INTERVALS)}")
        unknown = sorted(set(metrics) - set(METRICS))
        if unknown or not metrics:
            raise InvalidQuery(f"metrics: unknown {unknown[0]!r}; one of {', '.join(METRICS)}" if unknown
                               else "metrics: name at least one")
        if interval == "hour" and window.end - window.start > timedelta(days=MAX_HOURLY_DAYS + 1):
            raise InvalidQuery(f"interval=hour covers at most {MAX_HOURLY_DAYS} days")
        params = self._params(site, window, include_bots)
        visits = self._store.timeseries(interval, params) if set(metrics) - {"pageviews", "visitors"} else {}
        views = self._store.pageview_timeseries(interval, params) if {"pageviews", "visitors"} & set(metrics) else {}
        points = []
        for key, label in buckets(window, site, interval):
            pageviews, visitors = views.get(key, (0, 0))
            values = {"pageviews": pageviews, "visitors": visitors,
                      **session_metrics(visits.get(key, (0, 0, 0, 0)))}
            points.append(TimeseriesPoint(bucket=label, **{m: values[m] for m in metrics}))
        return Timeseries(interval=interval, timezone=zone_of(site).key, metrics=metrics, results=points)


def buckets(window: UtcRange, site: SiteInfo, interval: str) -> list[tuple[int | date, str]]:
    """Every bucket of the window, as (the key ClickHouse returns, its label), empty ones included:
    the query engine's buckets (core.query.buckets), so both report paths bucket alike."""
    zone = zone_of(site)
    keys = query_buckets.every_bucket(window, zone, interval)
    return [(key, query_buckets.label(interval, key, zone)) for key in keys]
