"""Seed 003's `/api/v1/metrics?event=…&interval=daily`: an alias served by the query engine.

It is exactly `POST /api/v2/query` with metrics `events, visitors`, dimensions `time:<grain>`
and `event:name` (so the events are counted, not the visits that had one) and the filter
`["is", "event:name", [event]]` (`pageview` counts pageviews); every bucket of
`meta.time_labels` is answered, empty ones as zeros. Numbers leave the product one way only.
"""

from core.query.plan import QueryError
from core.query.schemas import Include, QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo
from tracking.insights.schemas import MetricPoint, MetricsAnswer
from tracking.insights.service.window import InsightsError

INTERVALS = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month",
             "hour": "hour", "day": "day", "week": "week", "month": "month"}


class EventMetrics:
    def __init__(self, *, query: QueryService) -> None:
        self._query = query

    def series(self, site: SiteInfo, *, event: str, interval: str, date_range) -> MetricsAnswer:
        grain = INTERVALS.get(interval)
        if grain is None:
            raise InsightsError(f"interval: one of {', '.join(INTERVALS)}, got {interval!r}")
        if not event or len(event) > 200:
            raise InsightsError("event: an event name of 1-200 characters (`pageview` for pageviews)")
        request = QueryRequest(site_id=site.id, metrics=["events", "visitors"], date_range=date_range,
                               dimensions=[f"time:{grain}", "event:name"], filters=[["is", "event:name", [event]]],
                               include=Include(time_labels=True))
        try:
            answer = self._query.run(site=site, request=request)
        except QueryError as exc:
            raise InsightsError(str(exc)) from exc
        found = {row.dimensions[0]: row.metrics for row in answer.results}
        return MetricsAnswer(event=event, interval=interval, results=[
            MetricPoint(date=label, events=int(found.get(label, (0, 0))[0]), visitors=int(found.get(label, (0, 0))[1]))
            for label in answer.meta.get("time_labels", [])])
