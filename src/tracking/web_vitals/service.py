"""web_vitals: what a `vitals` event must carry, its numbers in the query engine, and the report.

The event type is validated at the edge, before the 202 (an unknown metric name, a negative value
or a relative page URL is refused with the field named). The module's numbers are query engine
metrics (`VitalStat`: count, good, poor, p50, p75, p95 of each metric), so they slice like any
other; the report asks the engine for them by page, device or country and turns them into shares
of good / needs-improvement / poor, the rating of each p75, and the Core Web Vitals assessment of
each group, the way PageSpeed Insights judges a page.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from math import floor

from pydantic import ValidationError

from core.bus.events import VitalMeasured
from core.ingest.schemas import BrowserEvent, describe
from core.query.contributions import MetricContext
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo
from tracking.web_vitals.clickhouse import VITAL_ENTRIES, vital_values
from tracking.web_vitals.schemas import (
    METRICS,
    THRESHOLDS,
    GroupReport,
    MetricSummary,
    VitalPayload,
    VitalsReport,
)

PERCENTILE_METHOD = "linear interpolation between closest ranks, numpy's default (method='linear')"
CORE_METRICS = ("LCP", "INP", "CLS")


class VitalsEventType:
    """The `vitals` event type: `name` is the metric, plus `value`, `metric_id` (alias `id`, as the
    web-vitals library calls it) and `navigation_type`."""

    type = "vitals"
    event_class = VitalMeasured
    fields = frozenset({"value", "metric_id", "id", "navigation_type"})

    def validate(self, event: BrowserEvent, extra: dict) -> dict:
        if event.name not in THRESHOLDS:
            raise ValueError(f"name: a vitals event is one of {', '.join(METRICS)}, not {event.name!r}")
        if not event.url.startswith(("http://", "https://")):
            raise ValueError("url: a vitals event needs the page's absolute http(s) URL")
        extra = dict(extra)
        if "id" in extra:
            alias = extra.pop("id")
            if extra.setdefault("metric_id", alias) != alias:
                raise ValueError("id: differs from metric_id (send one of them)")
        try:
            payload = VitalPayload.model_validate(extra)
        except ValidationError as exc:
            raise ValueError(describe(exc)) from None
        return {"value": payload.value, "metric_id": payload.metric_id or "",
                "navigation_type": payload.navigation_type or ""}


# The report's numbers per metric, each a query engine metric (`lcp_p75`, `lcp_count`…): the
# report asks them all, by `event:page`, `visit:device` or `visit:country`.
STATS = ("count", "good", "poor", "p50", "p75", "p95")
GROUPS = {"page": "event:page", "device": "visit:device", "country": "visit:country"}


def metric_name(metric: str, stat: str) -> str:
    return f"{metric.lower()}_{stat}"


class WebVitalsService:
    """`GET /api/v1/vitals`: the query engine's Web Vitals metrics (VitalStat) in the report's shape.
    A group is a page (`event:page`: the page each instance was last reported on) or the device or
    country of the visit the instance was measured in (`visit:device`, `visit:country`, as every
    report reads them); bots' measurements are left out unless `include_bots`."""

    def __init__(self, *, engine: QueryService) -> None:
        self._engine = engine

    def report(self, *, site: SiteInfo, date_from: date, date_to: date, by: str, limit: int,
               include_bots: bool = False) -> VitalsReport:
        """A bad range raises core.query.plan.QueryError."""
        names = [metric_name(m, stat) for m in METRICS for stat in STATS]
        rows, _ = self._engine.every_row(site=site, request=QueryRequest(
            site_id=site.id, metrics=names, date_range=[date_from.isoformat(), date_to.isoformat()],
            dimensions=[GROUPS[by]], include_bots=include_bots))
        groups = []
        for row in rows:
            values = dict(zip(names, row.metrics, strict=True))
            metrics = {m: _summary(m, values) for m in METRICS if values[metric_name(m, "count")]}
            if metrics:
                groups.append(GroupReport(group=row.dimensions[0], count=sum(s.count for s in metrics.values()),
                                          assessment=assessment(metrics), metrics=metrics))
        groups.sort(key=lambda g: (-g.count, g.group))  # largest groups first, ties by name
        return VitalsReport(by=by, percentile_method=PERCENTILE_METHOD, groups=groups[:limit],
                            thresholds={m: (t.good, t.poor) for m, t in THRESHOLDS.items()})


def assessment(metrics: dict[str, MetricSummary]) -> str | None:
    """Passed when the p75 of LCP, INP and CLS are all good. A page without INP (nobody interacted)
    is judged on LCP and CLS; without LCP or CLS it cannot be assessed (None), as in PageSpeed Insights."""
    if "LCP" not in metrics or "CLS" not in metrics:
        return None
    present = [metrics[m] for m in CORE_METRICS if m in metrics]
    return "passed" if all(s.rating == "good" for s in present) else "failed"


def _summary(metric: str, values: Mapping[str, int | float]) -> MetricSummary:
    count, good, poor = (int(values[metric_name(metric, s)]) for s in ("count", "good", "poor"))
    p50, p75, p95 = (float(values[metric_name(metric, s)]) for s in ("p50", "p75", "p95"))
    return MetricSummary(count=count, p50=p50, p75=p75, p95=p95, good=good / count,
                         needs_improvement=(count - good - poor) / count, poor=poor / count,
                         rating=THRESHOLDS[metric].rating(p75))


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """numpy's default percentile ("linear") of sorted values, with numpy's own interpolation
    formula, so the engine's p75 is the report's to the last bit."""
    h = (len(sorted_values) - 1) * q
    lo = floor(h)
    a, b, t = sorted_values[lo], sorted_values[min(lo + 1, len(sorted_values) - 1)], h - lo
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


@dataclass(frozen=True, slots=True)
class VitalStat:
    """One number of one Web Vitals metric in the query engine (core.query.contributions), over
    the metric's instances whose latest report matches the query (its page and time; by `visit:*`,
    under the visit's attributes), each by that report's value: `<metric>_count` instances,
    `<metric>_good` / `_poor` of them rated good / poor by Google's thresholds, `<metric>_p50`,
    `_p75`, `_p95` (numpy's linear method; 0 when none was measured). Milliseconds, CLS unitless.
    All of a metric's numbers come from the same sorted values, read once per query."""

    metric: str  # LCP, INP, CLS, FCP or TTFB
    stat: str = "p75"  # one of STATS
    event_type: str = "vitals"
    entries: str | None = VITAL_ENTRIES
    split: str | None = None
    visit_of: str | None = None  # each under its own visit
    meta: Mapping[str, object] = field(default_factory=dict)
    name: str = field(init=False)
    description: str = field(init=False)
    numbers: Mapping[str, str] = field(init=False)

    def __post_init__(self) -> None:
        if self.stat not in STATS:
            raise ValueError(f"unknown Web Vitals statistic {self.stat!r}; one of {', '.join(STATS)}")
        object.__setattr__(self, "name", metric_name(self.metric, self.stat))
        object.__setattr__(self, "description", _DESCRIPTIONS[self.stat].format(metric=self.metric))
        object.__setattr__(self, "numbers", {f"wv_{self.metric}": vital_values(self.metric)})

    def over(self, context: MetricContext) -> "VitalStat":
        return self  # nothing of the window is needed

    def value(self, numbers: Mapping[str, object]) -> int | float:
        values: Sequence[float] = numbers.get(f"wv_{self.metric}") or ()  # type: ignore[assignment]
        threshold = THRESHOLDS[self.metric]
        if self.stat == "count":
            return len(values)
        if self.stat == "good":
            return sum(1 for v in values if v <= threshold.good)
        if self.stat == "poor":
            return sum(1 for v in values if v > threshold.poor)
        return percentile(values, int(self.stat[1:]) / 100) if values else 0.0


_DESCRIPTIONS = {
    "count": "{metric} instances measured (each by its latest report).",
    "good": "{metric} instances rated good (at most Google's first threshold).",
    "poor": "{metric} instances rated poor (above Google's second threshold).",
    "p50": "Median of {metric} (numpy's linear method).",
    "p75": "75th percentile of {metric} (numpy's linear method).",
    "p95": "95th percentile of {metric} (numpy's linear method).",
}


def vital_metrics() -> tuple[VitalStat, ...]:
    """Every metric's every number: `lcp_count`, `lcp_good`, … `ttfb_p95`."""
    return tuple(VitalStat(m, stat) for m in METRICS for stat in STATS)
