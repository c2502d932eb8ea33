"""A full pass on the server stores: collect -> Redis stream -> worker -> ClickHouse events, exactly once.

Runs against the ClickHouse server in UTC and against one whose own time zone is behind UTC.
"""

import time
import uuid

import orjson
import pytest
from dependency_injector import providers

from bootstrap.migrate import migrate_all
from core.buffer.redis_stream import RedisStreamBuffer
from core.di.container import CoreContainer, close_core
from core.ingest.context import RequestContext

CLAIM_IDLE_MS = 200


@pytest.fixture(params=["clickhouse_url", "clickhouse_url_new_york"])
def core(request, server_settings, redis_client):
    settings = server_settings.model_copy(update={
        "clickhouse_url": request.getfixturevalue(request.param), "buffer_claim_idle_ms": CLAIM_IDLE_MS})
    migrate_all(settings)
    container = CoreContainer(settings=providers.Object(settings))
    yield container
    close_core(container)
    redis_client.delete(settings.buffer_stream)


@pytest.fixture
def site(core, redis_client):
    created = core.tenancy().create_site(domain="shop.example", timezone="Europe/Berlin")
    yield created
    keys = list(redis_client.scan_iter(match=f"core:dedup:{created.site_id}:*"))
    if keys:
        redis_client.delete(*keys)


def _collect(core, site_id: str, ids: list[str]):
    ctx = RequestContext(ip="203.0.113.7", user_agent="Mozilla/5.0 (X11) Test/1.0", received_ms=int(time.time() * 1000))
    items = [{"site_id": site_id, "type": "pageview", "url": f"https://shop.example/p/{i}?q=1", "event_id": event_id,
              "props": {"ü": "it's"}} for i, event_id in enumerate(ids)]
    return core.ingest().collect_browser(items, ctx, origin="https://shop.example")


def _logged(core, site_id: str) -> dict[str, int]:
    rows = core.analytics().query(
        "SELECT toString(event_id), count() FROM events WHERE site_id = %(s)s GROUP BY event_id", {"s": site_id})
    return dict(rows)


def _crashed_worker_takes_everything(core, redis_client) -> None:
    """Another worker reads the pending records and dies before acking them."""
    settings = core.settings()
    dead = RedisStreamBuffer(redis_client, stream=settings.buffer_stream, claim_idle_ms=CLAIM_IDLE_MS,
                             consumer=f"dead-{uuid.uuid4().hex[:6]}")
    assert dead.read(100, block_ms=0)


def test_accepted_events_land_in_the_log_once(core, site):
    ids = [str(uuid.uuid4()) for _ in range(3)]
    bad = [{"site_id": "site_unknown", "type": "pageview", "url": "https://shop.example/"},
           {"site_id": site.site_id, "type": "pageview", "url": "/relative"}]
    ctx = RequestContext(ip="203.0.113.7", user_agent="UA", received_ms=int(time.time() * 1000))
    result = core.ingest().collect_browser(bad, ctx, origin=None)
    assert result.accepted == 0 and [r["index"] for r in result.rejected] == [0, 1]

    result = _collect(core, site.site_id, ids)
    assert (result.accepted, result.rejected) == (3, [])
    assert core.buffer().backlog() == 1  # one request, one durable append
    assert core.worker().drain() == 3
    assert core.buffer().backlog() == 0
    assert _logged(core, site.site_id) == dict.fromkeys(ids, 1)

    rows = core.analytics().query(
        "SELECT DISTINCT visitor_id, hostname, prop_keys, prop_values FROM events WHERE site_id = %(s)s",
        {"s": site.site_id})
    assert len(rows) == 1 and rows[0][0] > 0 and rows[0][1:] == ("shop.example", ["ü"], ["it's"])

    _collect(core, site.site_id, ids)  # the browser retries: same event ids
    assert core.worker().drain() == 3
    assert _logged(core, site.site_id) == dict.fromkeys(ids, 1)


def test_records_of_a_crashed_worker_are_written_once(core, site, redis_client):
    ids = [str(uuid.uuid4()) for _ in range(2)]
    _collect(core, site.site_id, ids)
    _crashed_worker_takes_everything(core, redis_client)  # died before writing anything

    assert core.worker().drain() == 2  # reclaimed after the idle time, as redelivered
    assert _logged(core, site.site_id) == dict.fromkeys(ids, 1)
    assert core.buffer().backlog() == 0


def test_redelivered_records_already_in_the_log_are_not_written_again(core, site, redis_client):
    ids = [str(uuid.uuid4()) for _ in range(2)]
    _collect(core, site.site_id, ids)
    payload = redis_client.xrange(core.settings().buffer_stream)[0][1][b"d"]
    assert sorted(e["event_id"] for e in orjson.loads(payload)) == sorted(ids)
    assert core.worker().drain() == 2

    # A worker wrote this batch and died before acking it: it comes back as redelivered, which
    # the ledger does not vouch for, so only the log itself can tell it is already there.
    core.buffer().append([payload])
    _crashed_worker_takes_everything(core, redis_client)
    assert core.worker().drain() == 2
    assert core.buffer().backlog() == 0
    assert _logged(core, site.site_id) == dict.fromkeys(ids, 1)
