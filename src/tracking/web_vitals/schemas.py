"""Web Vitals shapes: the metrics and their thresholds, the collected payload, the report.

Thresholds are Google's published ones (web.dev/vitals): a value is good when it is at most the
first threshold, poor when it is above the second, needs improvement in between. Times are in
milliseconds, as the web-vitals library reports them; CLS has no unit.
"""

from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


@dataclass(frozen=True, slots=True)
class Threshold:
    good: float  # good when value <= good
    poor: float  # poor when value > poor

    def rating(self, value: float) -> str:
        if value <= self.good:
            return "good"
        return "poor" if value > self.poor else "needs-improvement"


THRESHOLDS: dict[str, Threshold] = {
    "LCP": Threshold(2500.0, 4000.0),
    "INP": Threshold(200.0, 500.0),
    "CLS": Threshold(0.1, 0.25),
    "FCP": Threshold(1800.0, 3000.0),
    "TTFB": Threshold(800.0, 1800.0),
}
METRICS = tuple(THRESHOLDS)
NavigationType = Literal["navigate", "reload", "back-forward", "back-forward-cache", "prerender", "restore"]
NAVIGATION_TYPES = get_args(NavigationType)
PERCENTILES = (50, 75, 95)
Rating = Literal["good", "needs-improvement", "poor"]
GroupBy = Literal["page", "device", "country"]


class VitalPayload(BaseModel):
    """The fields a `vitals` event carries beyond the common ones (`name` is the metric)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    value: float = Field(ge=0, allow_inf_nan=False)
    metric_id: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    navigation_type: NavigationType | None = None


class MetricSummary(BaseModel):
    count: int = Field(description="Metric instances measured (the latest value of each `metric_id`).")
    p50: float
    p75: float = Field(description="The 75th percentile: what Google rates a page by.")
    p95: float
    good: float = Field(description="Share of instances rated good (0..1).")
    needs_improvement: float = Field(description="Share rated needs improvement (0..1).")
    poor: float = Field(description="Share rated poor (0..1).")
    rating: Rating = Field(description="The rating of the p75.")


class GroupReport(BaseModel):
    group: str = Field(description="The pathname, device type or country code; empty when unknown.")
    count: int = Field(description="Metric instances of every metric in the group.")
    assessment: Literal["passed", "failed"] | None = Field(
        description="Core Web Vitals assessment: passed when the p75 of LCP, INP and CLS are all good "
                    "(without INP data, LCP and CLS decide); null when LCP or CLS has no data.")
    metrics: dict[str, MetricSummary]


class VitalsReport(BaseModel):
    by: GroupBy
    percentile_method: str = Field(description="How percentiles are interpolated.")
    thresholds: dict[str, tuple[float, float]] = Field(description="Good / poor thresholds per metric.")
    groups: list[GroupReport]
