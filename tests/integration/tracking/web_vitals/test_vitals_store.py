"""web_vitals' ClickHouse store on both engines: percentiles equal numpy's, the latest value of a
metric instance wins (within a batch, across batches, on redelivery, before and after merges),
ratings at the exact thresholds, and each instance counted in one window only."""

import random
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime

import numpy as np
import orjson
import pytest

from core.analytics.migrations import migrate
from core.analytics.time_range import local_days_to_utc
from core.bus.events import VitalMeasured
from tracking.web_vitals.clickhouse import MIGRATIONS, VitalsStore
from tracking.web_vitals.schemas import THRESHOLDS
from tracking.web_vitals.service import WebVitalsService

NOON = int(datetime(2024, 5, 6, 12, tzinfo=UTC).timestamp() * 1000)
MAY_6 = local_days_to_utc(date(2024, 5, 6), date(2024, 5, 6), "UTC")


@pytest.fixture(scope="module")
def store(analytics_store):
    migrate(analytics_store, "web_vitals", MIGRATIONS)
    return VitalsStore(analytics=analytics_store)


def vital(site: str, name: str, value: float, metric_id: str = "", at_ms: int = NOON, page: str = "/",
          device: str = "desktop", country: str = "DE") -> VitalMeasured:
    data = {"value": float(value), "metric_id": metric_id, "navigation_type": "navigate"}
    return VitalMeasured(site_id=site, event_id=str(uuid.uuid4()), type="vitals", name=name, ts_ms=at_ms,
                         received_ms=at_ms, visitor_id=1, url=f"https://shop.example{page}", pathname=page,
                         device_type=device, country=country, data=orjson.dumps(data).decode())


def by_key(rows) -> dict:
    return {(r.group, r.name): r for r in rows}


def test_percentiles_equal_numpys_default_on_the_same_values(store, unique):
    site, rng = f"site_{unique}", random.Random(20241106)
    values: dict[str, dict[tuple[str, str], list[float]]] = {"page": defaultdict(list), "device": defaultdict(list),
                                                             "country": defaultdict(list)}
    events = []
    for i in range(1500):
        name = rng.choice(list(THRESHOLDS))
        value = round(rng.uniform(0, 0.6), 4) if name == "CLS" else rng.lognormvariate(7, 0.8)
        if i % 97 == 0:
            value = THRESHOLDS[name].good  # ties and exact boundaries mixed in
        page, device, country = f"/p{rng.randrange(5)}", rng.choice(["mobile", "desktop", "tablet"]), \
            rng.choice(["DE", "FR", "US", ""])
        events.append(vital(site, name, value, f"m{i}", NOON + i, page, device, country))
        for by, group in (("page", page), ("device", device), ("country", country)):
            values[by][(group, name)].append(value)
    events.append(vital(site, "LCP", 1.0, "single", NOON, "/single"))  # one value: every percentile is it
    for by, group in (("page", "/single"), ("device", "desktop"), ("country", "DE")):
        values[by][(group, "LCP")].append(1.0)
    for chunk in range(0, len(events), 400):
        store.add(events[chunk:chunk + 400])

    for by, expected in values.items():
        got = by_key(store.metrics(site_id=site, window=MAY_6, by=by))
        assert set(got) == set(expected)
        for key, vals in expected.items():
            threshold = THRESHOLDS[key[1]]
            assert got[key].percentiles == tuple(np.percentile(vals, [50, 75, 95]).tolist()), (by, key)
            assert got[key].count == len(vals)
            assert got[key].good == sum(v <= threshold.good for v in vals)
            assert got[key].poor == sum(v > threshold.poor for v in vals)


def test_the_latest_value_of_a_metric_instance_replaces_earlier_ones(store, analytics_store, unique):
    site = f"site_{unique}"
    first = [vital(site, "CLS", 0.30, "cls-1", NOON + 10), vital(site, "CLS", 0.05, "cls-1", NOON + 20),
             vital(site, "CLS", 0.20, "cls-1", NOON + 5),  # arrives last but was measured first
             vital(site, "INP", 600, "inp-1", NOON), vital(site, "INP", 40, "inp-2", NOON)]
    store.add(first)
    later = [vital(site, "INP", 90, "inp-1", NOON + 1000), vital(site, "CLS", 0.02, "cls-2", NOON)]
    store.add(later)

    def summary():
        return {k: (r.count, r.percentiles[0], r.good) for k, r in
                by_key(store.metrics(site_id=site, window=MAY_6, by="page")).items()}

    expected = {("/", "CLS"): (2, 0.035, 2), ("/", "INP"): (2, 65.0, 2)}
    assert summary() == expected
    store.add(first)  # the bus redelivers both batches after a crash
    store.add(later)
    assert summary() == expected
    analytics_store.execute("OPTIMIZE TABLE web_vitals_measurements FINAL")
    assert summary() == expected
    rows = analytics_store.query(
        "SELECT name, metric_id, value FROM web_vitals_measurements WHERE site_id = %(s)s ORDER BY metric_id",
        {"s": site})
    assert rows == [("CLS", "cls-1", 0.05), ("CLS", "cls-2", 0.02), ("INP", "inp-1", 90.0), ("INP", "inp-2", 40.0)]


def test_values_exactly_at_the_thresholds_are_rated_like_google_does(store, unique):
    site, events = f"site_{unique}", []
    for name, t in THRESHOLDS.items():
        events += [vital(site, name, v, f"{name}-{i}") for i, v in enumerate((0, t.good, t.poor, t.poor * 1.0001))]
    store.add(events)
    got = by_key(store.metrics(site_id=site, window=MAY_6, by="page"))
    for name in THRESHOLDS:  # 0 and the first threshold are good; the second is still needs-improvement
        assert (got[("/", name)].count, got[("/", name)].good, got[("/", name)].poor) == (4, 2, 1), name


def test_an_instance_counts_once_in_the_window_of_its_last_report_and_sites_stay_apart(store, unique):
    site = f"site_{unique}"
    before_midnight = int(datetime(2024, 5, 6, 23, 59, 59, tzinfo=UTC).timestamp() * 1000)
    store.add([vital(site, "LCP", 3000, "late", before_midnight),
               vital(site, "LCP", 3500, "late", before_midnight + 2000),  # reported again after midnight
               vital(site, "LCP", 1000, "early", NOON), vital(f"other_{unique}", "LCP", 9, "x", NOON)])
    may_6 = by_key(store.metrics(site_id=site, window=MAY_6, by="page"))
    may_7 = by_key(store.metrics(site_id=site, window=local_days_to_utc(date(2024, 5, 7), date(2024, 5, 7), "UTC"),
                                 by="page"))
    assert (may_6[("/", "LCP")].count, may_6[("/", "LCP")].percentiles[0]) == (1, 1000.0)
    assert (may_7[("/", "LCP")].count, may_7[("/", "LCP")].percentiles[0]) == (1, 3500.0)
    both = store.metrics(site_id=site, window=local_days_to_utc(date(2024, 5, 6), date(2024, 5, 7), "UTC"), by="page")
    assert [(r.count, r.percentiles) for r in both] == [(2, (2250.0, 2875.0, 3375.0))]


def test_the_report_assesses_each_page_from_the_real_store(store, unique):
    site = f"site_{unique}"
    fast = [vital(site, m, v, f"f{m}{i}", page="/fast", device="mobile") for i in range(4)
            for m, v in (("LCP", 1200 + i), ("INP", 80), ("CLS", 0.01))]
    slow = [vital(site, "LCP", 2000 + 1000 * i, f"s{i}", page="/slow") for i in range(4)] + \
        [vital(site, "CLS", 0.0, f"sc{i}", page="/slow") for i in range(4)]
    store.add(fast + slow)

    class Site:
        id = site

    report = WebVitalsService(store=store).report(site=Site(), window=MAY_6, by="page", limit=10)
    assert [(g.group, g.count, g.assessment) for g in report.groups] == [
        ("/fast", 12, "passed"), ("/slow", 8, "failed")]
    lcp = report.groups[1].metrics["LCP"]  # 2000, 3000, 4000, 5000 ms
    assert (lcp.p50, lcp.p75, lcp.p95, lcp.rating) == (3500.0, 4250.0, 4850.0, "poor")
    assert (lcp.good, lcp.needs_improvement, lcp.poor) == (0.25, 0.5, 0.25)
    by_device = WebVitalsService(store=store).report(site=Site(), window=MAY_6, by="device", limit=10)
    assert [(g.group, g.count) for g in by_device.groups] == [("mobile", 12), ("desktop", 8)]
