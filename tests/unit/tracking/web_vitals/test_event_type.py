"""The `vitals` event type at the edge: what is accepted, what is refused, and with which error."""

from datetime import date

import orjson
import pytest

from core.ingest.context import RequestContext
from core.ingest.edge import Edge
from core.ingest.service import IngestService
from core.metrics import Metrics
from core.tenancy.salts import DailySalts
from core.tenancy.service import TenancyService
from tests.unit.core.ingest.test_service import RecordingBuffer
from tracking.web_vitals.service import VitalsEventType

CTX = RequestContext("203.0.113.5", "Mozilla/5.0", 1_710_000_000_000)
URL = "https://example.com/pricing?plan=pro"


@pytest.fixture
def setup(uow):
    tenancy, buffer = TenancyService(uow=uow), RecordingBuffer()
    site = tenancy.create_site(domain="example.com")
    edge = Edge(salts=DailySalts(uow=uow, today=lambda: date(2024, 3, 9)))
    ingest = IngestService(edge=edge, buffer=buffer, tenancy=tenancy, metrics=Metrics(),
                           event_types=[VitalsEventType()])
    return ingest, buffer, site.site_id


def test_a_measurement_keeps_its_payload_as_data_and_id_is_an_alias_of_metric_id(setup):
    ingest, buffer, sid = setup
    result = ingest.collect_browser([
        {"site_id": sid, "url": URL, "name": "LCP", "value": 2143.5, "id": "v4-1", "navigation_type": "reload"},
        {"site_id": sid, "url": URL, "name": "CLS", "value": 0, "metric_id": "v4-2"},
        {"site_id": sid, "url": URL, "name": "INP", "value": 80, "id": "v4-3", "metric_id": "v4-3"},
        {"site_id": sid, "url": URL, "name": "TTFB", "value": 310},  # no id: its event id stands for it
    ], CTX, None, forced_type="vitals")
    assert result.accepted == 4 and result.rejected == []
    records = buffer.records()
    assert [(r["type"], r["name"], r["pathname"]) for r in records] == [
        ("vitals", "LCP", "/pricing"), ("vitals", "CLS", "/pricing"), ("vitals", "INP", "/pricing"),
        ("vitals", "TTFB", "/pricing")]
    assert [orjson.loads(r["data"]) for r in records] == [
        {"value": 2143.5, "metric_id": "v4-1", "navigation_type": "reload"},
        {"value": 0.0, "metric_id": "v4-2", "navigation_type": ""},
        {"value": 80.0, "metric_id": "v4-3", "navigation_type": ""},
        {"value": 310.0, "metric_id": "", "navigation_type": ""},
    ]


def test_batches_carry_vitals_next_to_other_types(setup):
    ingest, buffer, sid = setup
    result = ingest.collect_browser([
        {"site_id": sid, "type": "pageview", "url": URL},
        {"site_id": sid, "type": "vitals", "url": URL, "name": "FCP", "value": 900, "id": "a"},
        {"site_id": sid, "type": "event", "name": "LCP", "value": 1},  # `value` is not a field of plain events
    ], CTX, None)
    assert result.accepted == 2
    assert result.rejected == [{"index": 2, "error": "value: Extra inputs are not permitted"}]
    assert [r["type"] for r in buffer.records()] == ["pageview", "vitals"]


@pytest.mark.parametrize(("event", "error"), [
    ({"name": "FID", "value": 12}, "name: a vitals event is one of LCP, INP, CLS, FCP, TTFB, not 'FID'"),
    ({"name": "lcp", "value": 12}, "name: a vitals event is one of LCP, INP, CLS, FCP, TTFB, not 'lcp'"),
    ({"name": "", "value": 12}, "name: a vitals event is one of LCP, INP, CLS, FCP, TTFB, not ''"),
    ({"name": "LCP"}, "value: Field required"),
    ({"name": "LCP", "value": -0.5}, "value: Input should be greater than or equal to 0"),
    ({"name": "LCP", "value": "12"}, "value: Input should be a valid number"),
    ({"name": "LCP", "value": True}, "value: Input should be a valid number"),
    ({"name": "LCP", "value": None}, "value: Input should be a valid number"),
    ({"name": "LCP", "value": 1, "navigation_type": "teleport"},
     "navigation_type: Input should be 'navigate', 'reload', 'back-forward', 'back-forward-cache', "
     "'prerender' or 'restore'"),
    ({"name": "LCP", "value": 1, "metric_id": ""}, "metric_id: String should have at least 1 character"),
    ({"name": "LCP", "value": 1, "metric_id": 7}, "metric_id: Input should be a valid string"),
    ({"name": "LCP", "value": 1, "id": "a", "metric_id": "b"}, "id: differs from metric_id (send one of them)"),
    ({"name": "LCP", "value": 1, "rating": "good"}, "rating: Extra inputs are not permitted"),
    ({"name": "LCP", "value": 1, "url": "/pricing"}, "url: a vitals event needs the page's absolute http(s) URL"),
    ({"name": "LCP", "value": 1, "url": ""}, "url: a vitals event needs the page's absolute http(s) URL"),
])
def test_bad_measurements_are_refused_with_the_field_named(setup, event, error):
    ingest, buffer, sid = setup
    result = ingest.collect_browser([{"site_id": sid, "url": URL, **event}], CTX, None, forced_type="vitals")
    assert result.accepted == 0 and buffer.records() == []
    assert result.rejected == [{"index": 0, "error": error}]
