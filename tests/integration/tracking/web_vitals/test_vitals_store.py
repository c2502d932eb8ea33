"""web_vitals' report on both engines, through the query engine: percentiles equal numpy's, the
latest value of a metric instance wins (within a batch, across batches, on redelivery, before and
after merges), ratings at the exact thresholds, each instance counted in one window only, and the
device and country groups are those of the visit the instance was measured in."""

import itertools
import random
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime

import numpy as np
import orjson
import pytest

from core.analytics.migrations import migrate
from core.bus.events import VitalMeasured
from core.ingest.event_log import EventLog
from core.ingest.visits import VisitLog
from core.query.clickhouse import QueryStore
from core.query.service import QueryService
from core.tenancy.service import SiteInfo
from tracking.web_vitals.clickhouse import MIGRATIONS, VitalsStore
from tracking.web_vitals.schemas import THRESHOLDS
from tracking.web_vitals.service import WebVitalsService, vital_metrics

NOON = int(datetime(2024, 5, 6, 12, tzinfo=UTC).timestamp() * 1000)
MAY_6 = date(2024, 5, 6)
_SESSIONS = itertools.count(1)


class Vitals:
    """The module's store, the events log and its visits as the worker writes them, and the report."""

    def __init__(self, ch) -> None:
        self.ch, self.store = ch, VitalsStore(analytics=ch)
        self.service = WebVitalsService(engine=QueryService(store=QueryStore(store=ch), metrics=vital_metrics()))

    def add(self, events: list[VitalMeasured], *, logged: bool = True) -> None:
        """The module's handler; `logged`: also the worker's log write (once per event, its dedup
        drops a redelivered one) with each session's entry pageview carrying the device and place."""
        self.store.add(events)
        if logged:
            entries = {e.session_id: {"site_id": e.site_id, "event_id": str(uuid.uuid4()), "type": "pageview",
                                      "name": "pageview", "ts_ms": NOON - 3_600_000, "received_ms": NOON,
                                      "visitor_id": e.visitor_id, "session_id": e.session_id,
                                      "device_type": e.device_type, "country": e.country} for e in events}
            records = [*entries.values(), *(e.to_record() for e in events)]
            EventLog(store=self.ch).write(records)
            VisitLog(store=self.ch).refresh(records)

    def report(self, site: str, by: str = "page", first: date = MAY_6, last: date = MAY_6):
        return self.service.report(site=SiteInfo(site, "shop.example", (), "UTC"), date_from=first, date_to=last,
                                   by=by, limit=100)


@pytest.fixture(scope="module")
def vitals(analytics_store):
    migrate(analytics_store, "web_vitals", MIGRATIONS)
    return Vitals(analytics_store)


def vital(site: str, name: str, value: float, metric_id: str = "", at_ms: int = NOON, page: str = "/",
          device: str = "desktop", country: str = "DE", session: int = 0) -> VitalMeasured:
    """`session` 0: one of its own (a visit of its own, entered on the same device and place)."""
    data = {"value": float(value), "metric_id": metric_id, "navigation_type": "navigate"}
    session = session or next(_SESSIONS)
    return VitalMeasured(site_id=site, event_id=str(uuid.uuid4()), type="vitals", name=name, ts_ms=at_ms,
                         received_ms=at_ms, visitor_id=session, session_id=session,
                         url=f"https://shop.example{page}", pathname=page, device_type=device, country=country,
                         data=orjson.dumps(data).decode())


def by_key(report) -> dict:
    return {(g.group, name): m for g in report.groups for name, m in g.metrics.items()}


def test_percentiles_equal_numpys_default_on_the_same_values(vitals, unique):
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
        vitals.add(events[chunk:chunk + 400])

    for by, expected in values.items():
        got = by_key(vitals.report(site, by))
        assert set(got) == set(expected)
        for key, vals in expected.items():
            threshold = THRESHOLDS[key[1]]
            assert (got[key].p50, got[key].p75, got[key].p95) == tuple(np.percentile(vals, [50, 75, 95]).tolist()), \
                (by, key)
            assert got[key].count == len(vals)
            assert got[key].good == sum(v <= threshold.good for v in vals) / len(vals)
            assert got[key].poor == sum(v > threshold.poor for v in vals) / len(vals)


def test_the_latest_value_of_a_metric_instance_replaces_earlier_ones(vitals, analytics_store, unique):
    site = f"site_{unique}"
    first = [vital(site, "CLS", 0.30, "cls-1", NOON + 10), vital(site, "CLS", 0.05, "cls-1", NOON + 20),
             vital(site, "CLS", 0.20, "cls-1", NOON + 5),  # arrives last but was measured first
             vital(site, "INP", 600, "inp-1", NOON), vital(site, "INP", 40, "inp-2", NOON)]
    vitals.add(first)
    later = [vital(site, "INP", 90, "inp-1", NOON + 1000), vital(site, "CLS", 0.02, "cls-2", NOON)]
    vitals.add(later)

    def summary():
        return {k: (m.count, m.p50, m.good) for k, m in by_key(vitals.report(site)).items()}

    expected = {("/", "CLS"): (2, 0.035, 1.0), ("/", "INP"): (2, 65.0, 1.0)}
    assert summary() == expected
    vitals.add(first, logged=False)  # the bus redelivers both batches to the module after a crash
    vitals.add(later, logged=False)
    assert summary() == expected
    analytics_store.execute("OPTIMIZE TABLE web_vitals_measurements FINAL")
    assert summary() == expected
    rows = analytics_store.query(
        "SELECT name, metric_id, value FROM web_vitals_measurements WHERE site_id = %(s)s ORDER BY metric_id",
        {"s": site})
    assert rows == [("CLS", "cls-1", 0.05), ("CLS", "cls-2", 0.02), ("INP", "inp-1", 90.0), ("INP", "inp-2", 40.0)]


def test_values_exactly_at_the_thresholds_are_rated_like_google_does(vitals, unique):
    site, events = f"site_{unique}", []
    for name, t in THRESHOLDS.items():
        events += [vital(site, name, v, f"{name}-{i}") for i, v in enumerate((0, t.good, t.poor, t.poor * 1.0001))]
    vitals.add(events)
    got = by_key(vitals.report(site))
    for name in THRESHOLDS:  # 0 and the first threshold are good; the second is still needs-improvement
        m = got[("/", name)]
        assert (m.count, m.good, m.needs_improvement, m.poor) == (4, 0.5, 0.25, 0.25), name


def test_an_instance_counts_once_in_the_window_of_its_last_report_and_sites_stay_apart(vitals, unique):
    site = f"site_{unique}"
    before_midnight = int(datetime(2024, 5, 6, 23, 59, 59, tzinfo=UTC).timestamp() * 1000)
    vitals.add([vital(site, "LCP", 3000, "late", before_midnight),
                vital(site, "LCP", 3500, "late", before_midnight + 2000),  # reported again after midnight
                vital(site, "LCP", 1000, "early", NOON), vital(f"other_{unique}", "LCP", 9, "x", NOON)])
    may_6 = by_key(vitals.report(site))
    may_7 = by_key(vitals.report(site, first=date(2024, 5, 7), last=date(2024, 5, 7)))
    assert (may_6[("/", "LCP")].count, may_6[("/", "LCP")].p50) == (1, 1000.0)
    assert (may_7[("/", "LCP")].count, may_7[("/", "LCP")].p50) == (1, 3500.0)
    both = by_key(vitals.report(site, last=date(2024, 5, 7)))
    assert [(m.count, m.p50, m.p75, m.p95) for m in both.values()] == [(2, 2250.0, 2875.0, 3375.0)]


def test_the_report_assesses_each_page_and_groups_by_the_visits_device(vitals, unique):
    site = f"site_{unique}"
    fast = [vital(site, m, v, f"f{m}{i}", page="/fast", device="mobile") for i in range(4)
            for m, v in (("LCP", 1200 + i), ("INP", 80), ("CLS", 0.01))]
    slow = [vital(site, "LCP", 2000 + 1000 * i, f"s{i}", page="/slow") for i in range(4)] + \
        [vital(site, "CLS", 0.0, f"sc{i}", page="/slow") for i in range(4)]
    vitals.add(fast + slow)
    report = vitals.report(site)
    assert [(g.group, g.count, g.assessment) for g in report.groups] == [
        ("/fast", 12, "passed"), ("/slow", 8, "failed")]
    lcp = report.groups[1].metrics["LCP"]  # 2000, 3000, 4000, 5000 ms
    assert (lcp.p50, lcp.p75, lcp.p95, lcp.rating) == (3500.0, 4250.0, 4850.0, "poor")
    assert (lcp.good, lcp.needs_improvement, lcp.poor) == (0.25, 0.5, 0.25)
    assert [(g.group, g.count) for g in vitals.report(site, "device").groups] == [("mobile", 12), ("desktop", 8)]
    # a beacon without a place of its own, in a visit that entered on a tablet in Austria: the visit's
    beacon = vital(site, "LCP", 900, "t1", page="/fast", device="desktop", country="")
    vitals.store.add([beacon])
    entry = {"site_id": site, "event_id": str(uuid.uuid4()), "type": "pageview", "name": "pageview",
             "ts_ms": NOON - 60_000, "received_ms": NOON, "visitor_id": beacon.visitor_id,
             "session_id": beacon.session_id, "device_type": "tablet", "country": "AT"}
    EventLog(store=vitals.ch).write([entry, beacon.to_record()])
    VisitLog(store=vitals.ch).refresh([entry, beacon.to_record()])
    assert [(g.group, g.count) for g in vitals.report(site, "device").groups] == [
        ("mobile", 12), ("desktop", 8), ("tablet", 1)]
    assert [(g.group, g.count) for g in vitals.report(site, "country").groups] == [("DE", 20), ("AT", 1)]
