"""From the collect request to Meta's fake Graph API: consent gating, dedup ids, payload, batching."""

import hashlib
import time
import uuid

import orjson
import pytest
from sqlalchemy import text

from core.ingest.context import RequestContext
from core.ingest.edge import Edge
from core.ingest.service import IngestService
from core.metrics import Metrics
from core.tenancy.salts import DailySalts
from core.tenancy.service import TenancyService
from tests.integration.tracking.meta_capi.conftest import TOKEN
from tests.unit.core.ingest.test_service import RecordingBuffer

IP, UA = "198.51.100.23", "Mozilla/5.0 (X11; Linux x86_64) Shop/1"
EMAIL = "Jane.Doe+shop@Example.com"


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def ingest(capi, buffer=None) -> IngestService:
    return IngestService(edge=Edge(salts=DailySalts(uow=capi.uow)), buffer=buffer or RecordingBuffer(),
                         tenancy=TenancyService(uow=capi.uow), metrics=Metrics(), sinks=[capi.sink])


def ctx() -> RequestContext:
    return RequestContext(IP, UA, int(time.time() * 1000))


def outbox(capi) -> list[dict]:
    with capi.uow() as s:
        # PostgreSQL is shared with the e2e tests (their rows are committed): read this test's site only.
        return [dict(r._mapping) for r in s.execute(
            text("SELECT * FROM meta_capi_outbox WHERE site_id = :s ORDER BY id"), {"s": capi.site_id})]


def test_consented_mapped_events_reach_meta_once_with_the_browser_event_id(capi, graph):
    capi.settings.set(capi.site_id, pixel_id="123456789", access_token=TOKEN, test_event_code="TEST42",
                      event_mapping={"pageview": "PageView", "sign_up": "CompleteRegistration",
                                     "wishlist": "AddToWishlist"})
    buffer = RecordingBuffer()
    shared_id = str(uuid.uuid4())
    items = [
        {"site_id": capi.site_id, "type": "pageview", "url": "https://shop.example/a", "event_id": shared_id,
         "consent": {"marketing": True}},
        {"site_id": capi.site_id, "name": "sign_up", "consent": {"analytics": True, "marketing": False}},
        {"site_id": capi.site_id, "name": "wishlist", "consent": {"marketing": True}},
        {"site_id": capi.site_id, "name": "unmapped", "consent": {"marketing": True}},
        {"site_id": capi.site_id, "name": "sign_up"},  # no consent given: no marketing
    ]
    ingest(capi, buffer).collect_browser(items, ctx(), origin=None)
    ingest(capi, buffer).collect_browser(items[:1], ctx(), origin=None)  # a retry of the same event
    assert [r["event_name"] for r in outbox(capi)] == ["PageView", "AddToWishlist"]

    assert capi.sender.drain_once() == 2
    assert len(graph.requests) == 1
    request = graph.requests[0]
    assert request["path"] == "/v21.0/123456789/events"
    assert request["body"]["access_token"] == TOKEN and request["body"]["test_event_code"] == "TEST42"
    page, wish = request["body"]["data"]
    assert page["event_id"] == shared_id and page["event_name"] == "PageView"
    assert page["action_source"] == "website" and page["event_source_url"] == "https://shop.example/a"
    assert page["user_data"] == {"client_ip_address": IP, "client_user_agent": UA}
    assert abs(page["event_time"] - time.time()) < 60 and page["opt_out"] is False
    assert "data_processing_options" not in page
    assert wish["event_name"] == "AddToWishlist"
    assert {r["status"] for r in outbox(capi)} == {"delivered"}
    assert all(r["pii_enc"] is None for r in outbox(capi))  # ip/UA wiped once delivered
    assert capi.sender.drain_once() == 0 and len(graph.requests) == 1


def test_server_event_user_data_is_normalised_hashed_and_never_stored_in_clear(capi, graph):
    capi.settings.set(capi.site_id, pixel_id="123456789", access_token=TOKEN, ldu=True, ldu_country=1,
                      ldu_state=1000)
    buffer = RecordingBuffer()
    user = {"email": EMAIL, "phone": "+1 (650) 555-1212", "zip": "94035-1234", "state": "California",
            "country": "United States", "fbp": "fb.1.1558571054389.1098115397"}
    items = [{"userId": "cust-1", "eventName": "sign_up", "user": user, "ip": IP, "userAgent": UA,
              "url": "https://shop.example/welcome"},
             {"userId": "cust-2", "eventName": "sign_up", "user": user, "consent": {"marketing": False}}]
    ingest(capi, buffer).collect_server(items, capi.site_id, ctx())

    dump = orjson.dumps(outbox(capi), default=str)
    # Probes long enough never to occur by chance in a uuid or a base64 ciphertext.
    for secret in (EMAIL.encode(), b"555-1212", b"94035-1234", IP.encode(), UA.encode(), b"1558571054389",
                   TOKEN.encode()):
        assert secret not in dump  # encrypted at rest
    raw_buffer = b"".join(p for call in buffer.appends for p in call)
    for secret in (EMAIL.encode(), b"555-1212", IP.encode(), UA.encode(), b"1558571054389"):
        assert secret not in raw_buffer  # never on the way to ClickHouse
    with capi.uow() as s:
        pixels = orjson.dumps([dict(r._mapping) for r in s.execute(
            text("SELECT * FROM meta_capi_pixels WHERE site_id = :s"), {"s": capi.site_id})],
                              default=str)
    assert TOKEN.encode() not in pixels and TOKEN[-4:].encode() in pixels

    capi.sender.drain_once()
    (event,) = graph.events()
    assert event["user_data"] == {
        "em": [sha("jane.doe+shop@example.com")], "ph": [sha("16505551212")], "zp": [sha("94035")],
        "st": [sha("ca")], "country": [sha("us")], "fbp": "fb.1.1558571054389.1098115397",
        "client_ip_address": IP, "client_user_agent": UA}
    assert event["data_processing_options"] == ["LDU"]
    assert (event["data_processing_options_country"], event["data_processing_options_state"]) == (1, 1000)
    assert event["action_source"] == "website"


def test_purchase_custom_data_comes_from_the_ecommerce_payload(capi, graph):
    capi.settings.set(capi.site_id, pixel_id="123456789", access_token=TOKEN)
    record = {"site_id": capi.site_id, "event_id": str(uuid.uuid4()), "name": "purchase", "type": "ecommerce",
              "ts_ms": int(time.time() * 1000), "url": "https://shop.example/thanks", "props": {},
              "consent_marketing": 1, "data": orjson.dumps({
                  "order_id": "A-1001", "currency": "EUR", "value": "59.8000",
                  "items": [{"item_id": "SKU-1", "price": "19.9000", "quantity": 2},
                            {"item_id": "SKU-2", "price": "20.0000", "quantity": 1}]}).decode()}
    capi.sink.accept([record], [None], ctx())
    capi.sender.drain_once()
    (event,) = graph.events()
    assert event["event_name"] == "Purchase"
    assert event["custom_data"] == {
        "value": 59.8, "currency": "eur", "order_id": "A-1001", "content_type": "product",
        "content_ids": ["SKU-1", "SKU-2"], "num_items": 3,
        "contents": [{"id": "SKU-1", "quantity": 2, "item_price": 19.9},
                     {"id": "SKU-2", "quantity": 1, "item_price": 20.0}]}


def test_more_than_1000_events_go_in_two_requests(capi, graph):
    capi.settings.set(capi.site_id, pixel_id="123456789", access_token=TOKEN)
    now = int(time.time() * 1000)
    records = [{"site_id": capi.site_id, "event_id": str(uuid.uuid4()), "name": "sign_up", "ts_ms": now,
                "url": "", "props": {}, "consent_marketing": 1} for _ in range(1500)]
    capi.sink.accept(records, [None] * len(records), ctx())
    while capi.sender.drain_once():  # one pass claims up to concurrency x 1000 events
        pass
    assert sorted(len(r["body"]["data"]) for r in graph.requests) == [500, 1000]
    assert sorted(e["event_id"] for e in graph.events()) == sorted(r["event_id"] for r in records)
    assert capi.report.status(capi.site_id)["counts"] == {"delivered": 1500}
    assert capi.metrics.events.labels("sent")._value.get() == 1500


def test_disabled_or_absent_pixel_forwards_nothing(capi, graph):
    record = {"site_id": capi.site_id, "event_id": str(uuid.uuid4()), "name": "sign_up",
              "ts_ms": int(time.time() * 1000), "url": "", "props": {}, "consent_marketing": 1}
    capi.sink.accept([record], [None], ctx())
    capi.settings.set(capi.site_id, pixel_id="123456789", access_token=TOKEN, enabled=False)
    capi.sink.accept([record], [None], ctx())
    assert outbox(capi) == []


@pytest.mark.parametrize("version", ["v21.0", "v23.0"])
def test_graph_version_is_per_pixel(capi, graph, version):
    capi.settings.set(capi.site_id, pixel_id="99999", access_token=TOKEN, graph_version=version)
    capi.sink.accept([{"site_id": capi.site_id, "event_id": str(uuid.uuid4()), "name": "purchase",
                       "ts_ms": int(time.time() * 1000), "url": "", "props": {}, "consent_marketing": 1}],
                     [None], ctx())
    capi.sender.drain_once()
    assert graph.requests[0]["path"] == f"/{version}/99999/events"
