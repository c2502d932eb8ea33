"""web_vitals: what a `vitals` event must carry, and the report built from the measurements.

The event type is validated at the edge, before the 202 (an unknown metric name, a negative value
or a relative page URL is refused with the field named). The report turns the store's per-group,
per-metric rows into shares of good / needs-improvement / poor, the rating of each p75, and the
Core Web Vitals assessment of each group, the way PageSpeed Insights judges a page.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from math import floor

from pydantic import ValidationError

from core.analytics.time_range import UtcRange
from core.bus.events import VitalMeasured
from core.ingest.schemas import BrowserEvent, describe
from core.query.contributions import MetricContext
from core.tenancy.service import SiteInfo
from tracking.web_vitals.clickhouse import VITAL_ENTRIES, MetricRow, VitalsStore, vital_values
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


class WebVitalsService:
    def __init__(self, *, store: VitalsStore) -> None:
        self._store = store

    def report(self, *, site: SiteInfo, window: UtcRange, by: str, limit: int) -> VitalsReport:
        rows: dict[str, dict[str, MetricRow]] = {}
        for row in self._store.metrics(site_id=site.id, window=window, by=by):
            rows.setdefault(row.group, {})[row.name] = row
        # Largest groups first (ties by name); only the ones returned are summarised.
        largest = sorted(rows, key=lambda g: (-sum(r.count for r in rows[g].values()), g))[:limit]
        groups = []
        for group in largest:
            metrics = {m: _summary(rows[group][m]) for m in METRICS if m in rows[group]}
            groups.append(GroupReport(group=group, count=sum(s.count for s in metrics.values()),
                                      assessment=assessment(metrics), metrics=metrics))
        return VitalsReport(by=by, percentile_method=PERCENTILE_METHOD, groups=groups,
                            thresholds={m: (t.good, t.poor) for m, t in THRESHOLDS.items()})


def assessment(metrics: dict[str, MetricSummary]) -> str | None:
    """Passed when the p75 of LCP, INP and CLS are all good. A page without INP (nobody interacted)
    is judged on LCP and CLS; without LCP or CLS it cannot be assessed (None), as in PageSpeed Insights."""
    if "LCP" not in metrics or "CLS" not in metrics:
        return None
    present = [metrics[m] for m in CORE_METRICS if m in metrics]
    return "passed" if all(s.rating == "good" for s in present) else "failed"


def _summary(row: MetricRow) -> MetricSummary:
    p50, p75, p95 = row.percentiles
    needs = row.count - row.good - row.poor
    return MetricSummary(count=row.count, p50=p50, p75=p75, p95=p95, good=row.good / row.count,
                         needs_improvement=needs / row.count, poor=row.poor / row.count,
                         rating=THRESHOLDS[row.name].rating(p75))


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """numpy's default percentile ("linear") of sorted values, with numpy's own interpolation
    formula, so the engine's p75 is the report's to the last bit."""
    h = (len(sorted_values) - 1) * q
    lo = floor(h)
    a, b, t = sorted_values[lo], sorted_values[min(lo + 1, len(sorted_values) - 1)], h - lo
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


@dataclass(frozen=True, slots=True)
class VitalP75:
    """`lcp_p75`, `inp_p75`, `cls_p75`, `fcp_p75`, `ttfb_p75` in the query engine
    (core.query.contributions): the 75th percentile of the metric's instances whose latest report
    matches the query (its page and time; by `visit:*`, under the visit's attributes), the p75 of
    `GET /api/v1/vitals`; 0 when none was measured. Milliseconds, CLS unitless."""

    metric: str  # LCP, INP, CLS, FCP or TTFB
    event_type: str = "vitals"
    entries: str | None = VITAL_ENTRIES
    split: str | None = None
    meta: Mapping[str, object] = field(default_factory=dict)
    name: str = field(init=False)
    description: str = field(init=False)
    numbers: Mapping[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", f"{self.metric.lower()}_p75")
        object.__setattr__(self, "description", f"75th percentile of {self.metric} (numpy's linear method).")
        object.__setattr__(self, "numbers", {f"wv_{self.metric}": vital_values(self.metric)})

    def over(self, context: MetricContext) -> "VitalP75":
        return self  # a percentile needs nothing of the window

    def value(self, numbers: Mapping[str, object]) -> float:
        values = numbers.get(f"wv_{self.metric}") or ()
        return percentile(values, 0.75) if values else 0.0  # type: ignore[arg-type]
