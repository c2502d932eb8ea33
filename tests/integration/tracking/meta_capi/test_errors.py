"""Each Graph API error class against the fake server: retry, blame one event, disable, fail, drop."""

import time
import uuid

import pytest
from sqlalchemy import text

from core.ingest.context import RequestContext
from tests.integration.tracking.meta_capi.conftest import TOKEN
from tests.integration.tracking.meta_capi.fake_graph import error

CTX = RequestContext("198.51.100.23", "UA/1", 0)


def send(capi, n: int = 3, age_s: int = 0) -> list[str]:
    capi.settings.set(capi.site_id, pixel_id="123456789", access_token=TOKEN)
    ids = [str(uuid.uuid4()) for _ in range(n)]
    ts = int((time.time() - age_s) * 1000)
    capi.sink.accept([{"site_id": capi.site_id, "event_id": i, "name": "purchase", "ts_ms": ts, "url": "",
                       "props": {}, "consent_marketing": 1} for i in ids], [None] * n, CTX)
    return ids


def rows(capi) -> dict[str, dict]:
    with capi.uow() as s:
        # PostgreSQL is shared with the e2e tests (their rows are committed): read this test's site only.
        return {r.event_id: dict(r._mapping) for r in s.execute(
            text("SELECT * FROM meta_capi_outbox WHERE site_id = :s"), {"s": capi.site_id})}


def drain(capi) -> None:
    capi.sender.drain_once()
    time.sleep(0.01)  # past the (tiny) backoff


@pytest.mark.parametrize("answer", [
    (500, {}), (503, error(2, "Service temporarily unavailable")), (400, error(1)), (400, error(4)),
    (400, error(17)), (400, error(32)), (400, error(341)), (400, error(368)), (400, error(613)),
    (400, error(80004, "too many calls")), (400, error(100, "odd", is_transient=True)),
])
def test_retryable_errors_are_retried_then_delivered(capi, graph, answer):
    ids = send(capi)
    graph.script = [answer]
    drain(capi)
    state = rows(capi)
    assert {r["status"] for r in state.values()} == {"pending"}
    assert {r["attempts"] for r in state.values()} == {1}
    assert all(r["pii_enc"] for r in state.values())  # still needed for the retry
    drain(capi)
    assert {r["status"] for r in rows(capi).values()} == {"delivered"}
    assert [e["event_id"] for e in graph.requests[1]["body"]["data"]] == ids  # same ids: Meta dedups
    assert capi.metrics.events.labels("retried")._value.get() == 3


def test_a_timeout_is_retried(capi, graph):
    send(capi, 1)
    graph.script = [1.5]  # longer than the client's 1 s timeout
    drain(capi)
    (row,) = rows(capi).values()
    assert row["status"] == "pending" and row["attempts"] == 1 and "Timeout" in row["last_error"]


def test_retries_are_bounded_then_failed_and_wiped(capi, graph):
    send(capi, 2)
    graph.script = [(500, {})] * 3
    for _ in range(3):
        drain(capi)
    state = list(rows(capi).values())
    assert {r["status"] for r in state} == {"failed"} and {r["attempts"] for r in state} == {3}
    assert all(r["pii_enc"] is None for r in state)
    assert capi.sender.drain_once() == 0 and len(graph.requests) == 3


def test_code_100_with_an_index_fails_that_event_and_resends_the_rest(capi, graph):
    ids = send(capi, 3)
    graph.script = [(400, error(100, "Invalid parameter", error_user_msg="Invalid data[1]: bad event_time",
                                fbtrace_id="TRACE-100"))]
    drain(capi)
    state = rows(capi)
    assert state[ids[1]]["status"] == "failed" and state[ids[1]]["fbtrace_id"] == "TRACE-100"
    assert "bad event_time" in state[ids[1]]["last_error"] and state[ids[1]]["pii_enc"] is None
    assert state[ids[0]]["status"] == state[ids[2]]["status"] == "delivered"
    assert [e["event_id"] for e in graph.requests[1]["body"]["data"]] == [ids[0], ids[2]]
    failures = capi.report.status(capi.site_id)["recent_failures"]
    assert [(f["event_id"], f["fbtrace_id"]) for f in failures] == [(ids[1], "TRACE-100")]


def test_token_errors_disable_the_pixel_until_a_new_token_is_set(capi, graph):
    send(capi, 2)
    graph.script = [(400, error(190, "Error validating access token: Session has expired"))]
    drain(capi)
    config = capi.settings.show(capi.site_id)
    assert not config.active and "Session has expired" in config.disabled_reason
    assert capi.metrics.disabled.collect()[0].samples[0].value == 1
    assert {r["status"] for r in rows(capi).values()} == {"pending"}  # kept for when the token is fixed
    assert capi.settings.enabled_pixel(capi.site_id) is None  # the edge stops queueing new events
    capi.settings.set(capi.site_id, pixel_id="123456789", access_token=TOKEN + "-new")
    with capi.uow() as s:  # skip the 5-minute pause
        s.execute(text("UPDATE meta_capi_outbox SET next_attempt_at = :t WHERE site_id = :s"),
                  {"t": "2000-01-01 00:00:00", "s": capi.site_id})
    drain(capi)
    assert {r["status"] for r in rows(capi).values()} == {"delivered"}
    assert graph.requests[-1]["body"]["access_token"] == TOKEN + "-new"


def test_other_client_errors_fail_the_batch_with_metas_message(capi, graph):
    send(capi, 2)
    graph.script = [(400, error(803, "Some of the aliases you requested do not exist"))]
    drain(capi)
    state = list(rows(capi).values())
    assert {r["status"] for r in state} == {"failed"} and {r["fbtrace_id"] for r in state} == {"TRACE1"}
    assert capi.report.replay(capi.site_id) == 2
    drain(capi)
    assert {r["status"] for r in rows(capi).values()} == {"delivered"}
    assert all(e["user_data"] == {} for e in graph.requests[-1]["body"]["data"])  # wiped at failure


def test_events_older_than_7_days_are_dropped_with_a_reason(capi, graph):
    old = send(capi, 1, age_s=7 * 86_400 + 60)
    fresh = send(capi, 1)
    drain(capi)
    state = rows(capi)
    assert state[old[0]]["status"] == "dropped" and "7 days" in state[old[0]]["last_error"]
    assert state[old[0]]["pii_enc"] is None and state[fresh[0]]["status"] == "delivered"
    assert [e["event_id"] for e in graph.events()] == fresh


def test_values_sealed_under_another_secret_key_pause_the_pixel_and_never_stop_the_drain(capi, graph):
    """After UT_SECRET_KEY changed: a token that cannot be read disables its pixel (reason says what
    to do) with the events kept; an outbox row that cannot be read fails alone, the others go."""
    from tracking.meta_capi.service.cipher import Cipher

    other = Cipher("another-server-secret-9876543210")
    ids = send(capi, 3)
    with capi.uow() as s:  # one event sealed under the other key
        s.execute(text("UPDATE meta_capi_outbox SET payload_enc = :p WHERE event_id = :e"),
                  {"p": other.encrypt(b'{"event_name": "Purchase"}'), "e": ids[0]})
    drain(capi)
    got = rows(capi)
    assert got[ids[0]]["status"] == "failed" and "another UT_SECRET_KEY" in got[ids[0]]["last_error"]
    assert {got[i]["status"] for i in ids[1:]} == {"delivered"} and len(graph.requests) == 1

    more = send(capi, 2)
    with capi.uow() as s:  # the pixel's token sealed under the other key
        s.execute(text("UPDATE meta_capi_pixels SET token_enc = :t WHERE site_id = :s"),
                  {"t": other.encrypt(TOKEN.encode()), "s": capi.site_id})
    drain(capi)
    config = capi.settings.show(capi.site_id)
    assert not config.active and "set the token again" in config.disabled_reason
    assert {rows(capi)[i]["status"] for i in more} == {"pending"} and len(graph.requests) == 1
