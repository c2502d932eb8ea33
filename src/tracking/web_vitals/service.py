"""web_vitals: what a `vitals` event must carry, and the report built from the measurements.

The event type is validated at the edge, before the 202 (an unknown metric name, a negative value
or a relative page URL is refused with the field named). The report turns the store's per-group,
per-metric rows into shares of good / needs-improvement / poor, the rating of each p75, and the
Core Web Vitals assessment of each group, the way PageSpeed Insights judges a page.
"""

from pydantic import ValidationError

from core.analytics.time_range import UtcRange
from core.bus.events import VitalMeasured
from core.ingest.schemas import BrowserEvent, describe
from core.tenancy.service import SiteInfo
from tracking.web_vitals.clickhouse import MetricRow, VitalsStore
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
