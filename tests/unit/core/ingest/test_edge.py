"""The edge: wire events become privacy-safe records (visitor hash, parsed URL, corrected time)."""

import uuid
from datetime import date

import orjson
import pytest

from core.ingest.context import RequestContext
from core.ingest.edge import Edge
from core.ingest.schemas import BrowserEvent, ServerEvent
from core.tenancy.salts import DailySalts

NOW = 1_710_000_000_000
IP, UA = "203.0.113.77", "Mozilla/5.0 (X11; Linux x86_64) SecretBrowser/123.4"
CTX = RequestContext(IP, UA, NOW, {"x-forwarded-for": IP, "user-agent": UA})
DAY_MS = 86_400_000


@pytest.fixture
def edge(uow) -> Edge:
    return Edge(salts=DailySalts(uow=uow, today=lambda: date(2024, 3, 9)))


def browser(edge: Edge, ctx: RequestContext = CTX, **fields) -> dict:
    return edge.from_browser(BrowserEvent.model_validate({"site_id": "s1", "type": "pageview", **fields}), ctx)


def server(edge: Edge, site_id: str = "s1", ctx: RequestContext = CTX, **fields) -> dict:
    body = {"userId": "user-42", "eventName": "purchase", **fields}
    return edge.from_server(ServerEvent.model_validate(body), site_id, ctx)


def test_event_id_is_assigned_when_absent_and_kept_when_given(edge):
    a, b = browser(edge, url="https://example.com/"), browser(edge, url="https://example.com/")
    assert uuid.UUID(a["event_id"]) and a["event_id"] != b["event_id"]
    given = "0b5e3c1e-8a5c-4d7e-9f43-1234567890ab"
    assert browser(edge, url="https://example.com/", event_id=given)["event_id"] == given


def test_url_and_referrer_are_parsed(edge):
    record = browser(edge, url="https://shop.example.com/cart/step-2?x=1#top",
                     referrer="https://www.google.com/search?q=x")
    assert record["hostname"] == "shop.example.com"
    assert record["pathname"] == "/cart/step-2"
    assert record["referrer_domain"] == "google.com"
    assert record["url"] == "https://shop.example.com/cart/step-2?x=1#top"
    assert record["type"] == "pageview" and record["name"] == "pageview"


def test_empty_path_is_root_and_missing_parts_are_empty(edge):
    assert browser(edge, url="https://example.com")["pathname"] == "/"
    custom = edge.from_browser(BrowserEvent.model_validate({"site_id": "s1", "name": "click"}), CTX)
    assert (custom["hostname"], custom["pathname"], custom["referrer_domain"]) == ("", "", "")
    assert (custom["type"], custom["name"]) == ("event", "click")


def test_only_a_leading_www_is_stripped_from_the_referrer(edge):
    assert browser(edge, url="https://a.io/", referrer="https://news.www.example.org/")["referrer_domain"] \
        == "news.www.example.org"


def test_props_are_stringified_and_nulls_dropped(edge):
    record = browser(edge, url="https://a.io/", props={"plan": "pro", "n": 3, "ok": True, "gone": None})
    assert record["props"] == {"plan": "pro", "n": "3", "ok": "true"}


def test_missing_timestamp_uses_the_receive_time(edge):
    assert browser(edge, url="https://a.io/")["ts_ms"] == NOW
    assert browser(edge, url="https://a.io/")["received_ms"] == NOW


def test_client_clock_skew_is_corrected_with_sent_at(edge):
    # The client's clock is an hour fast, but the event happened 5 s before it was sent.
    skew = 3_600_000
    record = browser(edge, url="https://a.io/", ts=NOW + skew - 5_000, sent_at=NOW + skew)
    assert record["ts_ms"] == NOW - 5_000


def test_future_timestamps_are_clamped_to_the_receive_time(edge):
    assert browser(edge, url="https://a.io/", ts=NOW + 60_000)["ts_ms"] == NOW
    # sent_at before ts (nonsense): no negative delay, the event is taken as just sent.
    assert browser(edge, url="https://a.io/", ts=NOW + 60_000, sent_at=NOW)["ts_ms"] == NOW


def test_timestamps_beyond_the_skew_limit_fall_back_to_the_receive_time(edge):
    assert browser(edge, url="https://a.io/", ts=NOW - 2 * DAY_MS)["ts_ms"] == NOW
    assert browser(edge, url="https://a.io/", ts=NOW - 60_000)["ts_ms"] == NOW - 60_000


def test_raw_ip_and_user_agent_never_reach_the_record(edge):
    records = [browser(edge, url="https://a.io/", referrer="https://b.io/", props={"k": "v"}),
               server(edge, ip=IP, userAgent=UA, properties={"pageUrl": "https://a.io/x"})]
    for record in records:
        blob = orjson.dumps(record)
        for secret in (IP, UA, "SecretBrowser", "203.0.113"):
            assert secret.encode() not in blob


def test_visitor_id_is_the_same_for_the_same_visitor_and_site_and_differs_per_site(edge):
    a = browser(edge, url="https://a.io/")["visitor_id"]
    assert browser(edge, url="https://a.io/other")["visitor_id"] == a
    assert browser(edge, url="https://a.io/", site_id="s2")["visitor_id"] != a
    other_ip = RequestContext("198.51.100.1", UA, NOW)
    assert browser(edge, other_ip, url="https://a.io/")["visitor_id"] != a


def test_server_event_pulls_page_url_and_referrer_out_of_properties(edge):
    record = server(edge, eventName="pageview",
                    properties={"pageUrl": "https://example.com/p?q=1", "referrer": "https://www.bing.com/",
                                "plan": "pro"})
    assert record["url"] == "https://example.com/p?q=1"
    assert record["pathname"] == "/p"
    assert record["referrer_domain"] == "bing.com"
    assert record["props"] == {"plan": "pro"}
    assert (record["type"], record["name"]) == ("pageview", "pageview")


def test_explicit_server_url_wins_over_properties(edge):
    record = server(edge, url="https://example.com/explicit", properties={"pageUrl": "https://example.com/prop"})
    assert record["pathname"] == "/explicit"


def test_server_event_keeps_a_user_pseudonym_and_names_custom_events(edge):
    record = server(edge, eventName="Purchase")
    assert len(record["user_id"]) == 32 and "user-42" not in record["user_id"]  # see test_pseudonyms.py
    assert (record["type"], record["name"]) == ("event", "Purchase")
    assert server(edge, eventName="Page_View")["type"] == "pageview"


def test_server_visitor_hash_is_not_the_raw_user_id_and_is_per_site(edge):
    record = server(edge)
    assert isinstance(record["visitor_id"], int)
    assert str(record["visitor_id"]) != "user-42"
    assert server(edge)["visitor_id"] == record["visitor_id"]
    assert server(edge, site_id="s2")["visitor_id"] != record["visitor_id"]
    assert server(edge, userId="user-43")["visitor_id"] != record["visitor_id"]


def test_server_event_with_forwarded_ip_and_ua_joins_the_browser_visitor(edge):
    from_browser = browser(edge, url="https://a.io/")["visitor_id"]
    forwarded = server(edge, ctx=RequestContext("10.0.0.1", "server-sdk/1.0", NOW), ip=IP, userAgent=UA)
    assert forwarded["visitor_id"] == from_browser


@pytest.mark.parametrize(("timestamp", "expected"), [
    ("2024-03-09T12:00:00Z", 1_709_985_600_000),
    ("2024-03-09T13:00:00+01:00", 1_709_985_600_000),
    ("2024-03-09T12:00:00", 1_709_985_600_000),  # naive: taken as UTC
    (1_709_985_600_000, 1_709_985_600_000),
])
def test_server_timestamps_are_parsed(edge, timestamp, expected):
    assert server(edge, timestamp=timestamp)["ts_ms"] == expected


def test_server_timestamps_may_backfill_but_never_be_in_the_future(edge):
    assert server(edge, timestamp=NOW - 30 * DAY_MS)["ts_ms"] == NOW - 30 * DAY_MS
    assert server(edge, timestamp=NOW + DAY_MS)["ts_ms"] == NOW
    assert server(edge)["ts_ms"] == NOW


def test_enrichers_see_the_request_but_only_write_what_they_choose(uow):
    seen = []

    class Device:
        def enrich(self, record: dict, ctx: RequestContext) -> None:
            seen.append(ctx.user_agent)
            record["browser"] = "SecretBrowser" if "SecretBrowser" in ctx.user_agent else "other"

    edge = Edge(salts=DailySalts(uow=uow, today=lambda: date(2024, 3, 9)), enrichers=[Device()])
    record = browser(edge, url="https://a.io/")
    assert seen == [UA]
    assert record["browser"] == "SecretBrowser"


def test_unparsable_urls_leave_host_and_path_empty_instead_of_raising(edge):
    record = browser(edge, url="http://[::1/page", referrer="http://[broken")
    assert (record["hostname"], record["pathname"], record["referrer_domain"]) == ("", "", "")
    assert record["url"] == "http://[::1/page"  # kept as sent
    assert server(edge, url="https://[x", referrer="http://a]b/")["referrer_domain"] == ""
