"""Request and answer shapes of insights: funnels, retention, journeys, paths, event metrics."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_NAME = 200
MAX_PATTERN = 1000
MIN_WINDOW_S, MAX_WINDOW_S, DEFAULT_WINDOW_S = 60, 90 * 86_400, 86_400

ANONYMOUS_NOTE = ("Visitors are daily hashes (no cookie): with unit=visitors a funnel, path or retention "
                  "only links a visitor's events within one UTC day. Identified users (userId, "
                  "ut.identify) link across days.")


class Step(BaseModel):
    """One funnel step: a custom event by name, or pageviews whose whole path matches a pattern
    (`*` = any characters, `/` included), each optionally with props that must match exactly."""

    model_config = ConfigDict(extra="forbid")
    event: str | None = Field(None, min_length=1, max_length=MAX_NAME, description="An event name (not a pageview).")
    page: str | None = Field(None, min_length=1, max_length=MAX_PATTERN, description="A path pattern, `/blog/*`.")
    props: dict[str, str] = Field(default_factory=dict, max_length=10,
                                  description="Props the event must carry, with these exact values.")
    label: str | None = Field(None, max_length=MAX_NAME, description="Shown in the answer (default: the target).")

    @model_validator(mode="after")
    def _one_target(self) -> "Step":
        if (self.event is None) == (self.page is None):
            raise ValueError("a step names exactly one of `event` or `page`")
        return self

    @property
    def name(self) -> str:
        return self.label or (f"event:{self.event}" if self.event is not None else f"page:{self.page}")


class FunnelSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    steps: list[Step] = Field(min_length=2, max_length=10)
    window_s: int = Field(DEFAULT_WINDOW_S, ge=MIN_WINDOW_S, le=MAX_WINDOW_S,
                          description="Conversion window from the first step: 60 s to 90 days (default 1 day).")
    order: Literal["ordered", "strict", "any"] = Field(
        "ordered", description="`ordered`: each step after the previous, other events in between allowed; "
        "`strict`: no other event in between; `any`: the steps in any order.")


class FunnelCreate(FunnelSpec):
    name: str = Field(min_length=1, max_length=MAX_NAME)


class FunnelOut(FunnelCreate):
    id: int


class FunnelQuery(FunnelSpec):
    """An ad-hoc funnel: the definition inline, with the options of GET …/funnels/{id}/analytics."""

    date_range: str | list[str] = Field("30d", description="As in /api/v2/query, in the site's time zone.")
    unit: Literal["visitors", "users"] = "visitors"
    entry: Literal["first", "every"] = "first"
    breakdown: str | None = Field(None, description="One dimension of the query engine (`visit:country`, "
                                  "`event:props:plan`…), read from each attempt's entry.")
    filters: list[Any] = Field(default_factory=list, description="Query-engine filters: which events the "
                               "funnel sees, e.g. `[[\"is\", \"visit:country\", [\"DE\"]]]`.")
    include_bots: bool = False


class FunnelStepOut(BaseModel):
    step: int
    label: str
    count: int = Field(description="Attempts (units, with entry=first) that reached this step.")
    conversion_from_first: float = Field(description="% of the first step's count.")
    conversion_from_previous: float = Field(description="% of the previous step's count.")
    dropoff: int = Field(description="Previous step's count minus this one's.")
    dropoff_rate: float
    median_s_from_previous: float | None = Field(description="Seconds from the previous step; null if none.")
    average_s_from_previous: float | None
    median_s_from_first: float | None
    average_s_from_first: float | None


class FunnelGroup(BaseModel):
    value: str | None = Field(description="The breakdown value (null without a breakdown).")
    steps: list[FunnelStepOut]


class FunnelAnswer(BaseModel):
    funnel: dict[str, Any] = Field(description="The definition and options as run (relative dates resolved).")
    results: list[FunnelGroup]
    note: str = ANONYMOUS_NOTE


class RetentionCohort(BaseModel):
    cohort: str = Field(description="First day of the cohort's period (site time zone; weeks start Monday).")
    size: int = Field(description="Units in the cohort: small cohorts are visible here.")
    returned: list[int | None] = Field(description="Units back in period 1, 2, … after; null = not over yet.")
    share: list[float | None] = Field(description="% of `size`, per period.")


class RetentionAnswer(BaseModel):
    query: dict[str, Any]
    cohorts: list[RetentionCohort]
    note: str = ANONYMOUS_NOTE


class JourneyEvent(BaseModel):
    event_id: str
    ts_ms: int
    type: str
    name: str
    pathname: str
    url: str
    props: dict[str, str]
    session_id: str = Field(description="The visit (a 64-bit id, as a string: JavaScript numbers lose digits).")
    device_type: str
    browser: str
    os: str
    country: str


class JourneyVisit(BaseModel):
    session_id: str = Field(description="For GET …/visits/{session_id}/timeline.")
    started_ms: int
    ended_ms: int
    events: list[JourneyEvent]


class JourneyAnswer(BaseModel):
    date_range: list[str]
    events: int
    visits: list[JourneyVisit]
    note: str = ("A user's journey lists the events sent with their user id (server userId, or after "
                 "ut.identify on the page); events before identification stay anonymous.")


class PathNode(BaseModel):
    steps: list[str] = Field(description="The steps after (before) the anchor, nearest first: `page:/x`, `event:y`.")
    count: int = Field(description="Visits whose path starts this way.")


class PathsAnswer(BaseModel):
    query: dict[str, Any]
    anchors: int = Field(description="Visits with the anchor (its first occurrence in each visit counts).")
    levels: list[list[PathNode]] = Field(description="Per depth 1..N, the most common paths of that length.")
    note: str = ("Paths follow one visit (visitor and session), so they work on anonymous traffic.")


class MetricPoint(BaseModel):
    date: str
    events: int
    visitors: int


class MetricsAnswer(BaseModel):
    event: str
    interval: str
    results: list[MetricPoint]


FUNNEL_EXAMPLES = {
    "signup": {"summary": "Pricing to sign-up", "value": {
        "name": "Signup", "steps": [{"page": "/pricing"}, {"event": "signup_started"},
                                    {"event": "signup", "props": {"plan": "pro"}}],
        "window_s": 3600, "order": "ordered"}},
}
