"""Edge sinks: see the accepted events of a request with their private part, before the buffer."""

from datetime import date

import orjson
import pytest

from core.ingest.context import RequestContext
from core.ingest.edge import Edge
from core.ingest.service import IngestService, IngestUnavailable
from core.metrics import Metrics
from core.tenancy.salts import DailySalts
from core.tenancy.service import TenancyService
from tests.unit.core.ingest.test_service import RecordingBuffer

CTX = RequestContext("203.0.113.5", "Mozilla/5.0", 1_710_000_000_000)
USER = {"email": " Jane.Doe@Example.com ", "phone": "+49 (30) 1234-567"}


class RecordingSink:
    def __init__(self, buffer: RecordingBuffer | None = None, fail: bool = False) -> None:
        self.calls: list[tuple[list[dict], list, RequestContext]] = []
        self._buffer, self._fail = buffer, fail

    def accept(self, records, private, ctx) -> None:
        # The buffer must still be empty: the sink runs first.
        self.calls.append(([dict(r) for r in records], list(private), ctx,
                           len(self._buffer.appends) if self._buffer else None))
        if self._fail:
            raise ConnectionError("outbox down")


@pytest.fixture
def site(uow):
    return TenancyService(uow=uow).create_site(domain="example.com")


def _ingest(uow, buffer, *sinks) -> IngestService:
    edge = Edge(salts=DailySalts(uow=uow, today=lambda: date(2024, 3, 9)))
    return IngestService(edge=edge, buffer=buffer, tenancy=TenancyService(uow=uow), metrics=Metrics(),
                         sinks=sinks)


def test_server_event_user_reaches_the_sink_only(uow, site):
    buffer = RecordingBuffer()
    sink = RecordingSink(buffer)
    items = [{"userId": "u1", "eventName": "purchase", "user": USER, "ip": "198.51.100.7", "userAgent": "UA/1"},
             {"userId": "u2", "eventName": "sign_up", "consent": {"marketing": False}},
             {"eventName": "no user id"},
             {"userId": "u3", "eventName": "lead", "consent": {"analytics": False}}]
    result = _ingest(uow, buffer, sink).collect_server(items, site.site_id, CTX)

    assert result.accepted == 3 and [r["index"] for r in result.rejected] == [2]
    records, private, ctx, buffered_before = sink.calls[0]
    assert buffered_before == 0
    assert [r["name"] for r in records] == ["purchase", "sign_up", "lead"]
    stripped = {k: v.strip() for k, v in USER.items()}
    assert private[0] == {"user": stripped, "ip": "198.51.100.7", "user_agent": "UA/1", "marketing": True}
    assert private[1]["user"] == {} and private[1]["marketing"] is False
    assert private[2]["marketing"] is True  # consent sent without a marketing choice: not a refusal
    assert ctx is CTX
    raw = b"".join(p for call in buffer.appends for p in call)
    for secret in (b"Jane", b"Example.com", b"1234-567", b"198.51.100.7", b"UA/1"):
        assert secret not in raw
    assert all("user" not in r for r in buffer.records())


def test_browser_events_reach_the_sink_with_their_consent_flag_and_no_private_part(uow, site):
    buffer = RecordingBuffer()
    sink = RecordingSink(buffer)
    items = [{"site_id": site.site_id, "name": "sign_up", "consent": {"marketing": True}},
             {"site_id": site.site_id, "name": "lead"}]
    _ingest(uow, buffer, sink).collect_browser(items, CTX, origin=None)
    records, private, ctx, _ = sink.calls[0]
    assert [r["consent_marketing"] for r in records] == [1, 0]
    assert private == [None, None] and ctx.ip == "203.0.113.5"
    assert [r["event_id"] for r in records] == [r["event_id"] for r in buffer.records()]


def test_a_failing_sink_buffers_nothing_and_raises_unavailable(uow, site):
    buffer = RecordingBuffer()
    ingest = _ingest(uow, buffer, RecordingSink(), RecordingSink(fail=True))
    with pytest.raises(IngestUnavailable):
        ingest.collect_server([{"userId": "u1", "eventName": "x"}], site.site_id, CTX)
    assert buffer.appends == []


def test_sinks_are_not_called_without_accepted_events(uow, site):
    sink = RecordingSink()
    _ingest(uow, RecordingBuffer(), sink).collect_server([{"eventName": "bad"}], site.site_id, CTX)
    assert sink.calls == []


def test_user_object_is_bounded_and_string_only(uow, site):
    ingest = _ingest(uow, RecordingBuffer())
    too_many = {f"k{i}": "v" for i in range(21)}
    result = ingest.collect_server([{"userId": "u", "eventName": "x", "user": too_many},
                                    {"userId": "u", "eventName": "x", "user": {"email": {"nested": 1}}}],
                                   site.site_id, CTX)
    assert [r["index"] for r in result.rejected] == [0, 1]
    assert orjson.dumps(result.rejected).find(b"user") >= 0
