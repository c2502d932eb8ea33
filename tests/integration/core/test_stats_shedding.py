"""Load shedding of the read APIs on the real app: past UT_STATS_CONCURRENCY a read waits
UT_STATS_QUEUE_S then gets 503 + Retry-After (never a 500), at once past UT_STATS_QUEUE_LENGTH
waiting, one slower than UT_STATS_TIMEOUT_S
gets 503 while its query keeps its slot until it ends, and collect answers all the while, even
with every thread of the pool the sync routes run in taken."""

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anyio.to_thread
import pytest
from dependency_injector import providers
from fastapi.testclient import TestClient

from bootstrap.app import create_app
from core.config.settings import Settings
from core.query.clickhouse import QueryStore
from core.query.schemas import QueryResponse
from core.query.service import QueryService
from tests.integration.core.test_query_timeout import SLOW

ORIGIN = {"Origin": "https://shop.example"}


class GatedEngine:
    """A query engine whose answers wait for the test to open the gate."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.running = 0
        self.started = threading.Semaphore(0)

    def run(self, *, site, request) -> QueryResponse:
        self.running += 1
        self.started.release()
        assert self.gate.wait(10), "the test never opened the gate"
        self.running -= 1
        return QueryResponse(results=[], meta={}, query={"site_id": site.id})


@pytest.fixture
def shed_app(tmp_path, migrated_sqlite):
    def make(**settings):
        data = tmp_path / "data"
        data.mkdir()
        shutil.copy(migrated_sqlite, data / "utrack.sqlite3")
        app = create_app(Settings(data_dir=data, worker_enabled=False, **settings))
        engine = GatedEngine()
        app.state.container.core.query.override(providers.Object(engine))
        site = app.state.container.core.tenancy().create_site(domain="shop.example")
        return app, engine, site

    return make


def _query(client: TestClient, site):
    return client.post("/api/v2/query", headers={"X-API-Key": site.secret_key},
                       json={"site_id": site.site_id, "metrics": ["visitors"], "date_range": "7d"})


def _pageview(client: TestClient, site):
    return client.post("/collect/pageview", headers=ORIGIN, json={"site_id": site.site_id, "url": "https://shop.example/"})


def _shed(client: TestClient, reason: str) -> float:
    return client.app.state.core.metrics().registry.get_sample_value("ut_http_stats_shed_total", {"reason": reason})


def test_past_the_concurrency_limit_a_read_waits_briefly_then_gets_503_and_collect_still_answers(shed_app):
    app, engine, site = shed_app(stats_concurrency=2, stats_queue_s=0.3, stats_timeout_s=10)
    with TestClient(app) as client, ThreadPoolExecutor(4) as pool:
        running = [pool.submit(_query, client, site) for _ in range(2)]
        for _ in running:
            assert engine.started.acquire(timeout=5)
        began = time.monotonic()
        refused = _query(client, site)
        waited = time.monotonic() - began
        assert refused.status_code == 503, refused.text
        assert refused.headers["Retry-After"] == "1"
        assert refused.json() == {"detail": "too many read requests in progress; retry"}
        assert 0.3 <= waited < 3  # it waited its queue time, not the running queries' time
        assert engine.running == 2  # the refused one never reached the engine
        assert _pageview(client, site).status_code == 202  # collect answers while reads are full
        engine.gate.set()
        assert [f.result(timeout=10).status_code for f in running] == [200, 200]
        assert _query(client, site).status_code == 200  # the slots are free again
        assert _shed(client, "busy") == 1 and _shed(client, "timeout") == 0


def test_past_the_queue_length_a_read_is_refused_at_once(shed_app):
    app, engine, site = shed_app(stats_concurrency=1, stats_queue_length=1, stats_queue_s=5, stats_timeout_s=10)
    with TestClient(app) as client, ThreadPoolExecutor(2) as pool:
        running = pool.submit(_query, client, site)
        assert engine.started.acquire(timeout=5)
        queued = pool.submit(_query, client, site)
        time.sleep(0.2)  # it waits in the queue's one place
        began = time.monotonic()
        refused = _query(client, site)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "1"
        assert time.monotonic() - began < 1  # not after the 5 s queue time
        engine.gate.set()
        assert [running.result(timeout=10).status_code, queued.result(timeout=10).status_code] == [200, 200]
        assert _shed(client, "busy") == 1


def test_a_queued_read_gets_a_slot_freed_within_its_queue_time(shed_app):
    app, engine, site = shed_app(stats_concurrency=1, stats_queue_s=5, stats_timeout_s=10)
    with TestClient(app) as client, ThreadPoolExecutor(2) as pool:
        first = pool.submit(_query, client, site)
        assert engine.started.acquire(timeout=5)
        queued = pool.submit(_query, client, site)
        time.sleep(0.2)
        assert not queued.done()  # waiting for the slot, on the event loop
        engine.gate.set()
        assert first.result(timeout=10).status_code == 200
        assert queued.result(timeout=10).status_code == 200
        assert _shed(client, "busy") == 0


def test_a_read_past_its_timeout_gets_503_and_keeps_its_slot_until_its_query_ends(shed_app):
    app, engine, site = shed_app(stats_concurrency=1, stats_queue_s=0, stats_timeout_s=0.3)
    with TestClient(app) as client:
        slow = _query(client, site)
        assert slow.status_code == 503
        assert slow.headers["Retry-After"] == "5"
        assert "longer than 0.3s (UT_STATS_TIMEOUT_S)" in slow.json()["detail"]
        assert engine.running == 1  # Python cannot stop its thread: the query goes on ...
        busy = _query(client, site)
        assert busy.status_code == 503 and "too many read requests" in busy.json()["detail"]  # ... in its slot
        engine.gate.set()
        deadline = time.monotonic() + 5
        while engine.running and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)  # the task that ran it releases the slot on the event loop
        assert _query(client, site).status_code == 200
        assert _shed(client, "timeout") == 1 and _shed(client, "busy") == 1


def test_collect_does_not_need_the_thread_pool_the_sync_read_routes_run_in(shed_app):
    app, engine, site = shed_app()
    with TestClient(app) as client:
        holders = [object() for _ in range(1000)]

        def take_every_thread():  # on the app's event loop: what 40 running sync routes hold
            limiter = anyio.to_thread.current_default_thread_limiter()
            taken = [h for h in holders[:int(limiter.total_tokens)] if limiter.acquire_on_behalf_of_nowait(h) is None]
            assert limiter.available_tokens == 0
            return limiter, taken

        limiter, taken = client.portal.call(take_every_thread)
        pool = ThreadPoolExecutor(5)
        answers = [pool.submit(_pageview, client, site) for _ in range(5)]
        try:  # a collect that needed one of those threads would wait for them: TimeoutError here
            statuses = [f.result(timeout=5).status_code for f in answers]
        finally:
            for h in taken:
                client.portal.call(limiter.release_on_behalf_of, h)
            pool.shutdown()
        assert statuses == [202] * 5
        engine.gate.set()
        assert _query(client, site).status_code == 200  # the sync routes have their threads back


class SlowQueryStore(QueryStore):
    """The engine's store, handed a read that only its timeout can end."""

    def rows(self, sql: str, params: dict) -> list[tuple]:
        return super().rows(SLOW, {})


def test_a_stats_query_past_its_timeout_answers_503_with_retry_after(tmp_path, migrated_sqlite):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(migrated_sqlite, data / "utrack.sqlite3")
    app = create_app(Settings(data_dir=data, worker_enabled=False, stats_timeout_s=1))
    core = app.state.container.core
    engine = QueryService(store=SlowQueryStore(store=core.analytics(), timeout_s=1), goals=lambda _site: [])
    core.query.override(providers.Object(engine))
    site = core.tenancy().create_site(domain="shop.example")
    with TestClient(app) as client:
        started = time.monotonic()
        answer = client.post("/api/v2/query", headers={"X-API-Key": site.secret_key},
                             json={"site_id": site.site_id, "metrics": ["visitors"], "date_range": "7d"})
        assert time.monotonic() - started < 5
        assert answer.status_code == 503, answer.text
        assert answer.headers["Retry-After"] == "5"
        assert "UT_STATS_TIMEOUT_S" in answer.json()["detail"]
        # The engine's stop or the shedding's timeout answers first (both at 1 s); either way the
        # query's work is over: the engine (and its lock) serves the next read at once.
        assert (_shed(client, "query_timeout") or 0) + (_shed(client, "timeout") or 0) == 1
        started = time.monotonic()
        assert core.analytics().query("SELECT 40 + 2") == [(42,)]
        assert time.monotonic() - started < 2
