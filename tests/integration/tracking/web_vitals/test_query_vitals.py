"""web_vitals' metrics in the query engine (issue 12): `<metric>_p75` (and the report's other numbers:
`_count`, `_good`, `_poor`, `_p50`, `_p95`) through the engine, by page,
in an aggregate and with a filter, equal numpy's percentile of each instance's latest value (an
instance reported again counts once, with its last value; one whose last report falls after the
window is not in it), and equal the p75 of `GET /api/v1/vitals`'s report. Both ClickHouse engines."""

import random
import uuid
from collections import defaultdict
from datetime import date

import numpy as np
import pytest

from core.analytics.migrations import migrate
from core.query.clickhouse import QueryStore
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo
from tests.integration.core.test_query_engine import write_in_random_order
from tracking.web_vitals.clickhouse import MIGRATIONS, VitalsStore
from tracking.web_vitals.schemas import THRESHOLDS
from tracking.web_vitals.service import WebVitalsService, vital_metrics

from .test_vitals_store import NOON, vital

DAY = "2024-05-06"
END_OF_DAY = NOON + 12 * 3_600_000
PAGES = ("/", "/blog", "/shop")
P75 = [f"{m.lower()}_p75" for m in THRESHOLDS]


@pytest.fixture(scope="module")
def vitals(analytics_store):
    """A site's measurements in web_vitals' table and the events log, and the truth: each instance's
    latest value by (page, metric) when its latest report is on DAY."""
    migrate(analytics_store, "web_vitals", MIGRATIONS)
    site = SiteInfo(id=f"site_v_{uuid.uuid4().hex[:10]}", domain="shop.example", allowed_origins=(), timezone="UTC")
    rng, events, latest = random.Random(11), [], {}
    for i in range(400):
        name, page = rng.choice(list(THRESHOLDS)), rng.choice(PAGES)
        reports = rng.choice((1, 1, 2, 3))  # CLS and INP grow, LCP moves: the same instance again
        at = NOON + rng.randrange(-11 * 3_600_000, 11 * 3_600_000)
        if i % 50 == 0:
            at = END_OF_DAY - 500  # reported again just after midnight: tomorrow's, not today's
            reports = 2
        for k in range(reports):
            value = round(rng.uniform(0, 0.6), 4) if name == "CLS" else round(rng.lognormvariate(7, 0.8), 1)
            event = vital(site.id, name, value, f"m{i}", at + k * 1_000, page)
            events.append(event)
            latest[f"m{i}"] = (event.ts_ms, name, page, value)
    VitalsStore(analytics=analytics_store).add(events)
    write_in_random_order(analytics_store, [e.to_record() for e in events], seed=11)
    truth = defaultdict(list)
    for ts, name, page, value in latest.values():
        if ts < END_OF_DAY:
            truth[(page, name)].append(value)
    engine = QueryService(store=QueryStore(store=analytics_store), metrics=vital_metrics())
    return site, truth, engine, analytics_store


def _p75(values: list[float]) -> float:
    return float(np.percentile(values, 75)) if values else 0.0


def _run(engine, site, **body) -> dict[tuple, list]:
    answer = engine.run(site=site, request=QueryRequest(site_id=site.id, date_range=[DAY, DAY], **body))
    return {tuple(r.dimensions): r.metrics for r in answer.results}


def test_p75_by_page_equals_numpys_percentile_of_each_instances_latest_value(vitals):
    site, truth, engine, _ = vitals
    got = _run(engine, site, metrics=P75, dimensions=["event:page"])
    assert got == {(page,): [_p75(truth[(page, m)]) for m in THRESHOLDS] for page in PAGES}
    assert all(len(truth[(page, m)]) >= 10 for page in PAGES for m in THRESHOLDS)


def test_the_aggregate_and_a_filter_equal_the_truth_and_the_vitals_report(vitals):
    site, truth, engine, store = vitals
    every = {m: [v for (_, name), vs in truth.items() if name == m for v in vs] for m in THRESHOLDS}
    assert _run(engine, site, metrics=P75) == {(): [_p75(every[m]) for m in THRESHOLDS]}
    blog = _run(engine, site, metrics=["lcp_p75", "cls_p75"], filters=[["is", "event:page", ["/blog"]]])
    assert blog == {(): [_p75(truth[("/blog", "LCP")]), _p75(truth[("/blog", "CLS")])]}
    report = WebVitalsService(engine=engine).report(site=site, date_from=date(2024, 5, 6), date_to=date(2024, 5, 6),
                                                    by="page", limit=100)
    by_page = _run(engine, site, metrics=P75, dimensions=["event:page"])
    assert {(g.group, m): s.p75 for g in report.groups for m, s in g.metrics.items()} == {
        (page, m): by_page[(page,)][i] for page in PAGES for i, m in enumerate(THRESHOLDS)}


def test_counts_ratings_and_other_percentiles_by_page(vitals):
    site, truth, engine, _ = vitals
    stats = ["count", "good", "poor", "p50", "p95"]
    names = [f"{m.lower()}_{s}" for m in THRESHOLDS for s in stats]
    got = _run(engine, site, metrics=names, dimensions=["event:page"])
    expected = {}
    for page in PAGES:
        row = []
        for m, t in THRESHOLDS.items():
            vs = truth[(page, m)]
            row += [len(vs), sum(v <= t.good for v in vs), sum(v > t.poor for v in vs),
                    float(np.percentile(vs, 50)), float(np.percentile(vs, 95))]
        expected[(page,)] = row
    assert got == expected
