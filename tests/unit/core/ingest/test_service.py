"""The collect use case: each event accepted or rejected by index; accepted ones in one append."""

from datetime import date

import orjson
import pytest

from core.ingest.context import RequestContext
from core.ingest.edge import Edge
from core.ingest.service import IngestService, OriginNotAllowed
from core.metrics import Metrics
from core.tenancy.salts import DailySalts
from core.tenancy.service import TenancyService

CTX = RequestContext("203.0.113.5", "Mozilla/5.0", 1_710_000_000_000)


class RecordingBuffer:
    kind = "fake"

    def __init__(self) -> None:
        self.appends: list[list[bytes]] = []

    def append(self, payloads) -> None:
        self.appends.append(list(payloads))

    def records(self) -> list[dict]:
        return [r for call in self.appends for payload in call for r in orjson.loads(payload)]


@pytest.fixture
def buffer() -> RecordingBuffer:
    return RecordingBuffer()


@pytest.fixture
def tenancy(uow) -> TenancyService:
    return TenancyService(uow=uow)


@pytest.fixture
def site(tenancy):
    return tenancy.create_site(domain="example.com")


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
def ingest(uow, buffer, tenancy, metrics) -> IngestService:
    edge = Edge(salts=DailySalts(uow=uow, today=lambda: date(2024, 3, 9)))
    return IngestService(edge=edge, buffer=buffer, tenancy=tenancy, metrics=metrics)


def test_good_events_are_accepted_in_one_append_and_bad_ones_rejected_by_index(ingest, buffer, site, metrics):
    items = [
        {"site_id": site.site_id, "type": "pageview", "url": "https://example.com/a"},
        {"site_id": site.site_id, "type": "teleport"},  # invalid type
        {"site_id": site.site_id, "name": "signup", "props": {"plan": "pro"}},
        "not an object",
        {"site_id": site.site_id, "name": "x", "unexpected": 1},  # extra fields are forbidden
        {"site_id": site.site_id, "type": "pageview", "url": "https://example.com/b"},
    ]
    result = ingest.collect_browser(items, CTX, origin="https://www.example.com")

    assert result.accepted == 3
    assert [r["index"] for r in result.rejected] == [1, 3, 4]
    assert "type" in result.rejected[0]["error"]
    assert "unexpected" in result.rejected[2]["error"]
    assert len(buffer.appends) == 1 and len(buffer.appends[0]) == 1
    assert [r["pathname"] or r["name"] for r in buffer.records()] == ["/a", "signup", "/b"]
    assert metrics.accepted._value.get() == 3
    assert metrics.rejected.labels("invalid")._value.get() == 3


def test_unknown_site_is_rejected_and_nothing_is_buffered(ingest, buffer):
    result = ingest.collect_browser([{"site_id": "site_nope", "name": "x"}], CTX, origin=None)
    assert result.accepted == 0
    assert result.rejected == [{"index": 0, "error": "site_id: unknown site 'site_nope'"}]
    assert buffer.appends == []


def test_disallowed_origin_raises_and_nothing_is_buffered(ingest, buffer, site):
    items = [{"site_id": site.site_id, "type": "pageview", "url": "https://example.com/"}]
    with pytest.raises(OriginNotAllowed):
        ingest.collect_browser(items, CTX, origin="https://evil-example.com")
    assert buffer.appends == []


def test_missing_origin_is_not_checked(ingest, buffer, site):
    # Server-to-browser relays and the pixel may send no Origin: the site id alone decides.
    result = ingest.collect_browser([{"site_id": site.site_id, "name": "x"}], CTX, origin=None)
    assert result.accepted == 1


@pytest.mark.parametrize("url", ["", "/relative/path", "example.com/a", "javascript:alert(1)", "ftp://example.com/"])
def test_pageview_without_an_absolute_http_url_is_rejected(ingest, buffer, site, url):
    result = ingest.collect_browser([{"site_id": site.site_id, "type": "pageview", "url": url}], CTX, None)
    assert result.accepted == 0
    assert result.rejected[0]["index"] == 0 and "absolute" in result.rejected[0]["error"]
    assert buffer.appends == []


def test_forced_type_overrides_the_item(ingest, buffer, site):
    items = [{"site_id": site.site_id, "type": "event", "url": "https://example.com/x"}]
    result = ingest.collect_browser(items, CTX, None, forced_type="pageview")
    assert result.accepted == 1
    assert buffer.records()[0]["type"] == "pageview"


def test_server_events_are_validated_per_item(ingest, buffer, site):
    items = [{"userId": "u1", "eventName": "purchase"}, {"eventName": "no user"}, {"userId": "u2", "eventName": "x"}]
    result = ingest.collect_server(items, site.site_id, CTX)
    assert result.accepted == 2
    assert [r["index"] for r in result.rejected] == [1]
    assert "userId" in result.rejected[0]["error"]
    ids = [r["user_id"] for r in buffer.records()]  # pseudonyms (core.tenancy.pseudonyms), never the raw ids
    assert len(set(ids)) == 2 and all(len(i) == 32 and i not in ("u1", "u2") for i in ids)
    assert {r["site_id"] for r in buffer.records()} == {site.site_id}


def test_an_all_bad_batch_appends_nothing(ingest, buffer, site):
    result = ingest.collect_server([{}, {"userId": "u"}], site.site_id, CTX)
    assert result.accepted == 0 and len(result.rejected) == 2
    assert buffer.appends == []


def test_an_unparsable_referrer_does_not_cost_the_other_events(ingest, buffer, site):
    items = [{"site_id": site.site_id, "type": "pageview", "url": "https://example.com/a"},
             {"site_id": site.site_id, "type": "pageview", "url": "https://example.com/b", "referrer": "http://[::1"}]
    result = ingest.collect_browser(items, CTX, origin=None)
    assert result.accepted == 2
    assert [r["referrer_domain"] for r in buffer.records()] == ["", ""]


def test_nothing_is_buffered_once_the_callers_deadline_has_passed(ingest, buffer, site):
    """The HTTP layer answers 503 at its deadline and leaves the call running: the call must then
    not buffer, or an event answered 503 would be counted (and counted again on the retry)."""
    import dataclasses
    import time

    from core.ingest.service import IngestTooLate

    event = {"site_id": site.site_id, "type": "pageview", "url": "https://www.example.com/"}
    late = dataclasses.replace(CTX, commit_by=time.monotonic() - 0.001)
    with pytest.raises(IngestTooLate):
        ingest.collect_browser([event], late, origin="https://www.example.com")
    assert buffer.records() == []
    in_time = dataclasses.replace(CTX, commit_by=time.monotonic() + 60)
    assert ingest.collect_browser([event], in_time, origin="https://www.example.com").accepted == 1
    assert len(buffer.records()) == 1
