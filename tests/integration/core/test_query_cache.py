"""The Stats API v2 answer cache on the real-time store (in-process fakeredis and a real Redis),
over both ClickHouse engines: a repeated query is a hit with the same answer, new events of an open
range show once its TTL has passed, closed ranges keep the long TTL, and the cache never decides
whether a query is valid or answered."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import fakeredis
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from core.metrics import Metrics
from core.query.cache import PAUSE_S, PREFIX, QueryCache
from core.query.clickhouse import QueryStore
from core.query.goals import Goal
from core.query.plan import QueryError
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo
from tests.integration.core.test_query_engine import write_in_random_order


@pytest.fixture(params=["fakeredis", "redis"])
def client(request):
    if request.param == "fakeredis":
        return fakeredis.FakeRedis(server=fakeredis.FakeServer())
    return request.getfixturevalue("redis_client")


@pytest.fixture
def site(client):
    site = SiteInfo(id=f"site_c_{uuid.uuid4().hex[:10]}", domain="shop.example", allowed_origins=(),
                    timezone="Europe/Berlin")
    yield site
    for key in client.scan_iter(f"{PREFIX}{site.id}:*"):
        client.delete(key)


def _pageview(site: SiteInfo, visitor: int, ts: datetime) -> dict:
    ms = int(ts.timestamp() * 1000)
    return {"site_id": site.id, "event_id": str(uuid.uuid4()), "type": "pageview", "name": "pageview",
            "ts_ms": ms, "received_ms": ms, "visitor_id": visitor, "session_id": visitor, "pathname": "/"}


def _engine(analytics_store, client, metrics, open_ttl_s=1, closed_ttl_s=600, goals=(), clock=time.monotonic):
    cache = QueryCache(client=client, open_ttl_s=open_ttl_s, closed_ttl_s=closed_ttl_s,
                       counter=metrics.query_cache_counter(), clock=clock)
    return QueryService(store=QueryStore(store=analytics_store), cache=cache, goals=lambda site_id: goals)


def _count(metrics: Metrics, result: str) -> float:
    return metrics.registry.get_sample_value("ut_query_cache_lookups_total", {"result": result})


def test_an_open_range_is_served_from_cache_until_its_ttl_then_shows_new_events(analytics_store, client, site):
    metrics = Metrics()
    engine = _engine(analytics_store, client, metrics)
    now = datetime.now(UTC)
    write_in_random_order(analytics_store, [_pageview(site, 1, now)], seed=0, batches=1)
    request = QueryRequest(site_id=site.id, metrics=["visitors", "pageviews"], date_range="day")
    first = engine.run(site=site, request=request)
    assert first.results[0].metrics == [1, 1] and (_count(metrics, "miss"), _count(metrics, "hit")) == (1, 0)
    same = QueryRequest(site_id=site.id, metrics=["visitors", "pageviews"], date_range="day",
                        pagination={"limit": 10000, "offset": 0}, include={"comparison": None})  # defaults spelled out
    assert engine.run(site=site, request=same) == first and _count(metrics, "hit") == 1
    write_in_random_order(analytics_store, [_pageview(site, 2, now)], seed=0, batches=1)
    assert engine.run(site=site, request=request) == first and _count(metrics, "hit") == 2  # within the TTL
    time.sleep(1.2)
    assert engine.run(site=site, request=request).results[0].metrics == [2, 2]
    assert _count(metrics, "miss") == 2


def test_closed_ranges_keep_the_long_ttl_and_goals_are_part_of_the_key(analytics_store, client, site):
    metrics = Metrics()
    yesterday = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    engine = _engine(analytics_store, client, metrics)
    engine.run(site=site, request=QueryRequest(site_id=site.id, metrics=["visits"], date_range=[yesterday, yesterday]))
    engine.run(site=site, request=QueryRequest(site_id=site.id, metrics=["visits"], date_range="day"))
    ttls = sorted(client.ttl(k) for k in client.scan_iter(f"{PREFIX}{site.id}:*"))
    assert ttls[0] <= 1 and 590 <= ttls[1] <= 600
    body = {"site_id": site.id, "metrics": ["visitors"], "date_range": "day", "dimensions": ["event:goal"]}
    _engine(analytics_store, client, metrics, goals=(Goal(1, "page", "/", "Home"),)).run(
        site=site, request=QueryRequest(**body))
    misses = _count(metrics, "miss")
    _engine(analytics_store, client, metrics, goals=(Goal(1, "page", "/*", "Home"),)).run(
        site=site, request=QueryRequest(**body))
    assert _count(metrics, "miss") == misses + 1  # a changed goal is another answer


def test_bad_queries_a_zero_ttl_and_a_store_outage_bypass_the_cache(analytics_store, client, site):
    metrics = Metrics()
    engine = _engine(analytics_store, client, metrics)
    for _ in range(2):
        with pytest.raises(QueryError, match="unknown 'revenue'"):
            engine.run(site=site, request=QueryRequest(site_id=site.id, metrics=["revenue"], date_range="day"))
    assert _count(metrics, "miss") == 0
    off = _engine(analytics_store, client, metrics, open_ttl_s=0)
    off.run(site=site, request=QueryRequest(site_id=site.id, metrics=["visits"], date_range="day"))
    assert _count(metrics, "miss") == 0 and not list(client.scan_iter(f"{PREFIX}{site.id}:*"))
    calls, now = [], [0.0]

    class Away(redis.Redis):
        def execute_command(self, *args, **options):
            calls.append(args[0])
            return super().execute_command(*args, **options)

    away = _engine(analytics_store, Away(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0)), metrics,
                   clock=lambda: now[0])
    answer = away.run(site=site, request=QueryRequest(site_id=site.id, metrics=["visits"], date_range="day"))
    assert answer.query["metrics"] == ["visits"] and _count(metrics, "miss") == 1  # answered, uncached
    assert calls == ["GET"]  # the failed GET pauses the cache: no SET, no GET on the next query
    away.run(site=site, request=QueryRequest(site_id=site.id, metrics=["visits"], date_range="day"))
    assert calls == ["GET"] and _count(metrics, "miss") == 2
    now[0] = PAUSE_S
    away.run(site=site, request=QueryRequest(site_id=site.id, metrics=["visits"], date_range="day"))
    assert calls == ["GET", "GET"]  # tried again after the pause
