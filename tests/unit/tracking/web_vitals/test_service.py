"""Ratings at Google's exact boundaries, and the Core Web Vitals assessment with missing metrics."""

import pytest

from tracking.web_vitals.clickhouse import MetricRow
from tracking.web_vitals.schemas import THRESHOLDS
from tracking.web_vitals.service import WebVitalsService


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


class FakeStore:
    def __init__(self, rows: list[MetricRow]) -> None:
        self.rows = rows

    def metrics(self, *, site_id, window, by) -> list[MetricRow]:
        return self.rows


def row(group: str, name: str, p75: float, count: int = 4, good: int = 2, poor: int = 1) -> MetricRow:
    return MetricRow(group, name, count, good, poor, (p75 / 2, p75, p75 * 2))


class Site:
    id = "site_x"


def report(rows: list[MetricRow], limit: int = 100):
    return WebVitalsService(store=FakeStore(rows)).report(site=Site(), window=None, by="page", limit=limit)


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
