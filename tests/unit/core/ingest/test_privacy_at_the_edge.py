"""Privacy at the edge: PII redaction, DNT/GPC site policies, consent, and what enrichers see."""

from datetime import date

import pytest

from core.ingest.context import RequestContext
from core.ingest.edge import Edge
from core.ingest.schemas import ServerEvent
from core.ingest.service import IngestService
from core.metrics import Metrics
from core.tenancy.salts import DailySalts
from core.tenancy.service import TenancyError, TenancyService
from tests.unit.core.ingest.test_service import RecordingBuffer

IP, UA = "203.0.113.5", "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0"


def ctx(**headers) -> RequestContext:
    return RequestContext(IP, UA, 1_710_000_000_000, headers)


class GeoSpy:
    """An enricher that writes precise geo and remembers what it was shown."""

    def __init__(self) -> None:
        self.seen: list[RequestContext] = []

    def enrich(self, record: dict, context: RequestContext) -> None:
        self.seen.append(context)
        record.update(country="DE", region="DE-BY", city="Munich", timezone="Europe/Berlin", local_hour=9,
                      local_weekday=2)


@pytest.fixture
def spy() -> GeoSpy:
    return GeoSpy()


@pytest.fixture
def tenancy(uow) -> TenancyService:
    return TenancyService(uow=uow)


@pytest.fixture
def buffer() -> RecordingBuffer:
    return RecordingBuffer()


@pytest.fixture
def ingest(uow, buffer, tenancy, spy) -> IngestService:
    edge = Edge(salts=DailySalts(uow=uow, today=lambda: date(2024, 3, 9)), enrichers=[spy])
    return IngestService(edge=edge, buffer=buffer, tenancy=tenancy, metrics=Metrics())


def _post(ingest, site_id, context, **fields):
    event = {"site_id": site_id, "type": "pageview", "url": "https://example.com/a", **fields}
    return ingest.collect_browser([event, event], context, None)


def test_dnt_with_count_anonymously_keeps_the_event_without_identity_or_precise_geo(ingest, tenancy, buffer, spy):
    site = tenancy.create_site(domain="example.com")
    assert site.dnt_policy == "count_anonymously"
    result = _post(ingest, site.site_id, ctx(dnt="1"), consent={"analytics": True, "marketing": True})
    assert result.accepted == 2
    a, b = buffer.records()
    assert a["visitor_id"] != b["visitor_id"] and 0 not in (a["visitor_id"], b["visitor_id"])
    assert (a["country"], a["region"], a["city"], a["timezone"], a["local_hour"]) == ("DE", "", "", "", 0)
    assert a["consent_marketing"] == 0  # DNT vetoes marketing consent
    assert all(seen.anonymous for seen in spy.seen)


def test_without_signals_the_daily_hash_and_full_geo_are_kept(ingest, tenancy, buffer, spy):
    site = tenancy.create_site(domain="example.com")
    _post(ingest, site.site_id, ctx(), consent={"analytics": True, "marketing": True})
    a, b = buffer.records()
    assert a["visitor_id"] == b["visitor_id"] and (a["region"], a["city"]) == ("DE-BY", "Munich")
    assert a["consent_marketing"] == 1 and not spy.seen[0].anonymous


def test_drop_policy_answers_accepted_and_stores_nothing(ingest, tenancy, buffer):
    site = tenancy.create_site(domain="example.com", dnt_policy="drop")
    result = _post(ingest, site.site_id, ctx(**{"sec-gpc": "1"}))
    assert (result.accepted, result.rejected, result.dropped) == (2, [], 2)
    assert buffer.records() == []
    _post(ingest, site.site_id, ctx())
    assert len(buffer.records()) == 2


def test_ignore_policy_and_analytics_consent_refused(ingest, tenancy, buffer):
    site = tenancy.create_site(domain="example.com", dnt_policy="ignore")
    _post(ingest, site.site_id, ctx(dnt="1"))
    _post(ingest, site.site_id, ctx(), consent={"analytics": False})
    ignored_a, ignored_b, refused_a, refused_b = buffer.records()
    assert ignored_a["visitor_id"] == ignored_b["visitor_id"] and ignored_a["city"] == "Munich"
    assert refused_a["visitor_id"] != refused_b["visitor_id"] and refused_a["city"] == ""


def test_bad_consent_and_bad_policies_are_refused(ingest, tenancy):
    site = tenancy.create_site(domain="example.com")
    result = _post(ingest, site.site_id, ctx(), consent={"analytics": "maybe"})
    assert result.accepted == 0 and "consent.analytics" in result.rejected[0]["error"]
    with pytest.raises(TenancyError, match="DNT policy"):
        tenancy.create_site(domain="example.com", dnt_policy="sometimes")


def test_pii_is_redacted_before_the_buffer(ingest, tenancy, buffer):
    site = tenancy.create_site(domain="example.com")
    ingest.collect_browser([{"site_id": site.site_id, "type": "pageview",
                             "url": "https://example.com/u/jane@doe.org?email=jane%40doe.org&q=shoes",
                             "referrer": "https://mail.example.net/?to=+49%2030%201234567",
                             "props": {"password": "hunter2", "note": "card 4111 1111 1111 1111", "plan": "pro"}}],
                           ctx(), None)
    (record,) = buffer.records()
    assert record["url"] == "https://example.com/u/[redacted]?email=[redacted]&q=shoes"
    assert record["pathname"] == "/u/[redacted]"
    assert record["referrer"] == "https://mail.example.net/?to=[redacted]"
    assert record["props"] == {"password": "[redacted]", "note": "card [redacted]", "plan": "pro"}


def test_server_events_give_enrichers_the_visitor_or_nothing(uow, spy):
    edge = Edge(salts=DailySalts(uow=uow, today=lambda: date(2024, 3, 9)), enrichers=[spy])
    server_ctx = RequestContext("198.51.100.1", "python-requests/2.32", 1_710_000_000_000)
    own = edge.from_server(ServerEvent.model_validate({"userId": "jane@doe.org", "eventName": "signup"}), "s1",
                           server_ctx)
    forwarded = edge.from_server(ServerEvent.model_validate(
        {"userId": "u1", "eventName": "signup", "ip": IP, "userAgent": UA}), "s1", server_ctx)
    assert (spy.seen[0].ip, spy.seen[0].user_agent) == ("", "")  # the calling server is not the visitor
    assert (spy.seen[1].ip, spy.seen[1].user_agent) == (IP, UA)
    assert len(own["user_id"]) == 32 and "jane" not in own["user_id"]  # pseudonymised like any id
    assert len(forwarded["user_id"]) == 32 and forwarded["user_id"] != own["user_id"]
