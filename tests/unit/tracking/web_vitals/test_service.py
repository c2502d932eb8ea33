"""Ratings at Google's exact boundaries, and the Core Web Vitals assessment with missing metrics."""

from datetime import date

import pytest

from core.query.schemas import ResultRow
from core.tenancy.service import SiteInfo
from tracking.web_vitals.schemas import THRESHOLDS
from tracking.web_vitals.service import STATS, VitalStat, WebVitalsService, vital_metrics


@pytest.mark.parametrize(("metric", "value", "rating"), [
    ("LCP", 2500, "good"), ("LCP", 2500.001, "needs-improvement"), ("LCP", 4000, "needs-improvement"),
    ("LCP", 4000.001, "poor"),
    ("INP", 200, "good"), ("INP", 201, "needs-improvement"), ("INP", 500, "needs-improvement"), ("INP", 501, "poor"),
    ("CLS", 0.1, "good"), ("CLS", 0.10001, "needs-improvement"), ("CLS", 0.25, "needs-improvement"),
    ("CLS", 0.25001, "poor"), ("CLS", 0, "good"),
    ("FCP", 1800, "good"), ("FCP", 1801, "needs-improvement"), ("FCP", 3000, "needs-improvement"),
    ("FCP", 3001, "poor"),
    ("TTFB", 800, "good"), ("TTFB", 801, "needs-improvement"), ("TTFB", 1800, "needs-improvement"),
    ("TTFB", 1801, "poor"),
])
def test_good_is_at_most_the_first_threshold_and_poor_above_the_second(metric, value, rating):
    assert THRESHOLDS[metric].rating(value) == rating


Row = tuple[str, str, dict[str, float]]  # (group, metric, its numbers by statistic)


class FakeEngine:
    """The query engine's answer: one row per group, the asked metrics in the asked order."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows

    def every_row(self, *, site, request):
        numbers: dict[str, dict[str, float]] = {}
        for group, metric, stats in self.rows:
            numbers.setdefault(group, {}).update({f"{metric.lower()}_{k}": v for k, v in stats.items()})
        return [ResultRow(dimensions=[g], metrics=[n.get(m, 0) for m in request.metrics])
                for g, n in numbers.items()], {}


def row(group: str, name: str, p75: float, count: int = 4, good: int = 2, poor: int = 1) -> Row:
    return group, name, {"count": count, "good": good, "poor": poor, "p50": p75 / 2, "p75": p75, "p95": p75 * 2}


def report(rows: list[Row], limit: int = 100):
    return WebVitalsService(engine=FakeEngine(rows)).report(
        site=SiteInfo("site_x", "example.com", (), "UTC"), date_from=date(2026, 3, 1), date_to=date(2026, 3, 1),
        by="page", limit=limit)


def test_the_assessment_needs_lcp_inp_and_cls_good_and_judges_without_inp_when_nobody_interacted():
    got = report([
        row("/all-good", "LCP", 2500), row("/all-good", "INP", 200), row("/all-good", "CLS", 0.1),
        row("/all-good", "TTFB", 5000),  # TTFB and FCP are diagnostics, not part of the assessment
        row("/slow-inp", "LCP", 1000), row("/slow-inp", "INP", 201), row("/slow-inp", "CLS", 0.0),
        row("/no-inp", "LCP", 1000), row("/no-inp", "CLS", 0.05),
        row("/no-inp-bad-cls", "LCP", 1000), row("/no-inp-bad-cls", "CLS", 0.3),
        row("/no-cls", "LCP", 1000), row("/no-cls", "INP", 100),
        row("/no-lcp", "CLS", 0.0), row("/no-lcp", "INP", 100), row("/fcp-only", "FCP", 100),
    ])
    verdicts = {g.group: g.assessment for g in got.groups}
    assert verdicts == {"/all-good": "passed", "/slow-inp": "failed", "/no-inp": "passed",
                        "/no-inp-bad-cls": "failed", "/no-cls": None, "/no-lcp": None, "/fcp-only": None}


def test_shares_ratings_order_and_limit():
    got = report([row("/b", "LCP", 4001, count=8, good=5, poor=1), row("/b", "CLS", 0.25, count=8, good=8, poor=0),
                  row("/a", "INP", 100, count=16, good=4, poor=4), row("/c", "INP", 100, count=16)], limit=2)
    assert [(g.group, g.count) for g in got.groups] == [("/a", 16), ("/b", 16)]  # largest first, ties by name
    lcp = got.groups[1].metrics["LCP"]
    assert (lcp.count, lcp.good, lcp.needs_improvement, lcp.poor) == (8, 0.625, 0.25, 0.125)
    assert (lcp.p50, lcp.p75, lcp.p95, lcp.rating) == (2000.5, 4001, 8002, "poor")
    assert got.groups[1].metrics["CLS"].rating == "needs-improvement"
    assert list(got.groups[1].metrics) == ["LCP", "CLS"]  # metrics in the fixed LCP, INP, CLS, FCP, TTFB order
    assert got.thresholds["CLS"] == (0.1, 0.25) and got.by == "page" and "linear" in got.percentile_method


def test_each_metric_contributes_every_statistic_from_one_sorted_array():
    metrics = vital_metrics()
    assert [m.name for m in metrics[:6]] == [f"lcp_{s}" for s in STATS] and len(metrics) == 5 * len(STATS)
    assert len({n for m in metrics for n in m.numbers}) == 5  # one array per Web Vitals metric, shared
    values = {"wv_LCP": [1000.0, 2500.0, 2600.0, 4000.0, 4000.1]}
    got = {m.stat: m.value(values) for m in metrics if m.metric == "LCP"}
    assert got == {"count": 5, "good": 2, "poor": 1, "p50": 2600.0, "p75": 4000.0, "p95": 4000.08}
    assert all(m.value({}) == 0 for m in metrics)
    with pytest.raises(ValueError, match="unknown Web Vitals statistic 'p99'"):
        VitalStat("LCP", "p99")
