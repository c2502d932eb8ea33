"""The request and answer of `POST /api/v2/query` (Plausible's Stats API v2 shape)."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Include(BaseModel):
    model_config = ConfigDict(extra="forbid")
    time_labels: bool = Field(False, description="List every time bucket in `meta.time_labels`; with only a "
                              "time dimension, empty buckets are answered as rows of zeros.")
    total_rows: bool = Field(False, description="Count the rows before pagination in `meta.total_rows`.")
    comparison: str | None = Field(None, description="`previous_period`: the same number of days just before.")


class Pagination(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(10000, description="1 to 10000 rows.")
    offset: int = Field(0, description="Rows to skip (>= 0).")


class QueryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    site_id: str
    metrics: list[str] = Field(description="visitors, visits, pageviews, views_per_visit, bounce_rate, "
                               "visit_duration, events, percentage, conversion_rate (with an event:goal "
                               "dimension or filter), and the installed modules' metrics: time_on_page, "
                               "scroll_depth (sessions), orders, total_revenue, average_revenue, refunds "
                               "(ecommerce; meta.currency names the currency), lcp_p75, inp_p75, cls_p75, "
                               "fcp_p75, ttfb_p75 and each one's _p50, _p95, _count, _good, _poor (web_vitals). "
                               "An unknown name is a 400 listing the valid ones.")
    date_range: str | list[str] = Field(description="day, 7d, 28d, 30d, month, 6mo, 12mo, year, all, or "
                                        "[from, to] as dates in the site's time zone (both inclusive), or "
                                        "as ISO 8601 datetimes (both inclusive to the second).")
    dimensions: list[str] = Field(default_factory=list, description="event:page, event:hostname, event:name, "
                                  "event:goal, event:props:<key>; visit:source, visit:referrer, "
                                  "visit:referrer_domain, visit:channel, visit:utm_*, visit:entry_page, "
                                  "visit:exit_page, visit:country, visit:region, visit:city, visit:browser, "
                                  "visit:browser_version, visit:os, visit:os_version, visit:device; "
                                  "time:hour|day|week|month. visit:* and event:* combine.")
    filters: list[Any] = Field(default_factory=list, description='Each `[op, dimension, [values]]` or '
                               '`["and"|"or", [filters]]` or `["not", filter]`; the list is and-ed.')
    order_by: list[list[str]] | None = Field(None, description='`[[metric or dimension, "asc"|"desc"]]`.')
    include: Include = Field(default_factory=Include)
    pagination: Pagination = Field(default_factory=Pagination)
    include_bots: bool = Field(False, description="Count bots' events and visits too.")


class Comparison(BaseModel):
    dimensions: list[str]
    metrics: list[int | float]
    change: list[float | None] = Field(description="% change per metric (bounce_rate: difference in points); "
                                       "null when the previous value is 0.")


class ResultRow(BaseModel):
    dimensions: list[str]
    metrics: list[int | float]
    comparison: Comparison | None = None


class QueryResponse(BaseModel):
    results: list[ResultRow]
    meta: dict[str, Any]
    query: dict[str, Any] = Field(description="The query as run: relative dates resolved, defaults filled in.")


EXAMPLE = {
    "site_id": "site_…", "metrics": ["visitors", "visits", "pageviews", "bounce_rate"], "date_range": "7d",
    "dimensions": ["visit:channel"], "filters": [["contains", "event:page", ["/blog"]]],
    "order_by": [["visitors", "desc"]], "include": {"total_rows": True, "comparison": "previous_period"},
    "pagination": {"limit": 100, "offset": 0},
}
EXAMPLES = {
    "channels": {"summary": "Visits by channel, blog readers only", "value": EXAMPLE},
    "timeseries": {"summary": "Daily visitors, empty days as zeros", "value": {
        "site_id": "site_…", "metrics": ["visitors", "pageviews"], "date_range": ["2026-03-01", "2026-03-31"],
        "dimensions": ["time:day"], "include": {"time_labels": True}}},
    "goals": {"summary": "Conversions and conversion rate per goal", "value": {
        "site_id": "site_…", "metrics": ["visitors", "events", "conversion_rate"], "date_range": "30d",
        "dimensions": ["event:goal"]}},
    "props": {"summary": "A custom event broken down by one of its props", "value": {
        "site_id": "site_…", "metrics": ["events", "visitors"], "date_range": "30d",
        "dimensions": ["event:props:plan"], "filters": [["is", "event:name", ["signup"]]]}},
}


class GoalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_name: str | None = Field(None, description="A custom event's name: the goal is every such event.")
    page_path: str | None = Field(None, description="A path pattern: the goal is every pageview whose whole path "
                                  "matches; `*` matches any characters, `/` included (`/blog/*`).")
    display_name: str | None = Field(None, description="The goal's name in `event:goal` (default: the event "
                                     "name, or `Visit <path>`); unique per site.")


class GoalOut(BaseModel):
    id: int
    goal_type: str = Field(description="`event` or `page`.")
    event_name: str | None
    page_path: str | None
    display_name: str


GOAL_EXAMPLES = {
    "event": {"summary": "A custom event", "value": {"event_name": "signup", "display_name": "Signed up"}},
    "page": {"summary": "Pageviews of a section", "value": {"page_path": "/blog/*"}},
}
