"""Fault tolerance of the real service (`utrack serve`, `utrack worker`) on server stores, under a
steady stream of events whose ids are recorded: the events table must hold exactly the events
answered 202, once each (issue 11).

The Redis of these tests is their own redis-server (no persistence: a restart comes back empty),
so the shared one is never stopped. Figures are printed (`-s`) for the README's reliability table.
"""

import os
import signal
import subprocess
import threading
import time
import uuid

import httpx
import pytest

from core.analytics.driver_store import DriverStore
from core.config.settings import Settings
from tests.e2e.harness import UTRACK, Service, wait_for
from tests.faults import Proxy
from tests.servers import free_port

ORIGIN = {"Origin": "https://shop.example"}
PER_REQUEST = 5


class Stream:
    """Posts batches of PER_REQUEST pageviews with recorded event ids, ~`rate` requests/s.
    `gate` pauses it (the test holds it while it checks the buffer)."""

    def __init__(self, url: str, site_id: str, rate: float = 40) -> None:
        self.url, self.site_id, self.interval = url, site_id, 1 / rate
        self.acked: list[str] = []
        self.refused: dict[int, int] = {}
        self.gate = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Stream":
        self._thread.start()
        return self

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=5) as client:
            while not self._stop.is_set():
                ids = [str(uuid.uuid4()) for _ in range(PER_REQUEST)]
                events = [{"site_id": self.site_id, "type": "pageview", "event_id": i,
                           "url": f"https://shop.example/p/{i[:6]}"} for i in ids]
                with self.gate:
                    try:
                        status = client.post("/collect/batch", json={"events": events}, headers=ORIGIN).status_code
                    except httpx.HTTPError:
                        status = 0
                if status == 202:
                    self.acked.extend(ids)
                else:
                    self.refused[status] = self.refused.get(status, 0) + 1
                time.sleep(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)


class ReadyPoller:
    """GET /ready every 100 ms: (monotonic time, status code, worker field)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.samples: list[tuple[float, int, str | None]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=5) as client:
            while not self._stop.is_set():
                try:
                    r = client.get("/ready")
                    self.samples.append((time.monotonic(), r.status_code, r.json().get("worker")))
                except httpx.HTTPError:
                    self.samples.append((time.monotonic(), 0, None))
                time.sleep(0.1)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)


@pytest.fixture
def settings(tmp_path, postgres_url, clickhouse_url, own_redis, unique) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=postgres_url, redis_url=own_redis.url,
                    clickhouse_url=clickhouse_url, buffer_stream=f"ut:faults:{unique}",
                    buffer_claim_idle_ms=60_000)  # long: fast recovery must come from the worker's own name


def _service(settings: Settings, tmp_path, **env: str) -> Service:
    svc = Service(settings, tmp_path / "service.log")
    svc.env.update({"UT_WORKER_STALL_S": "1", **env})
    svc.utrack("migrate")
    svc.site = svc.create_site(domain="shop.example")
    return svc


def _logged(clickhouse_url: str, site_id: str) -> dict[str, int]:
    store = DriverStore(clickhouse_url)
    try:
        rows = store.query("SELECT toString(event_id), count() FROM events WHERE site_id = %(s)s "
                           "GROUP BY event_id", {"s": site_id})
    finally:
        store.close()
    return dict(rows)


def _assert_exactly_the_acked(clickhouse_url: str, stream: Stream) -> dict[str, int]:
    acked = set(stream.acked)
    assert len(acked) == len(stream.acked)
    logged = wait_for(lambda: (got := _logged(clickhouse_url, stream.site_id)) and set(got) >= acked and got,
                      timeout=30) or _logged(clickhouse_url, stream.site_id)
    lost = acked - set(logged)
    assert not lost, (f"{len(lost)} of {len(acked)} acked events never counted, at positions "
                      f"{sorted(i for i, e in enumerate(stream.acked) if e in lost)}")
    assert set(logged) == acked, "only acked events are in the log"
    duplicates = sum(n - 1 for n in logged.values())
    assert duplicates == 0
    return logged


def _running_queries(clickhouse_url: str) -> list[tuple]:
    """For a failure message: what the ClickHouse server is busy with (an insert stuck on a lock?)."""
    store = DriverStore(clickhouse_url)
    try:
        return store.query("SELECT elapsed, substring(query, 1, 150) FROM system.processes")
    finally:
        store.close()


def _wait_all_delivered(client, stream_name: str, timeout: float = 5.0) -> None:
    """Every entry in the stream has been handed to a worker (it may still be processing it)."""
    def delivered() -> bool:
        info = client.xinfo_stream(stream_name)
        groups = client.xinfo_groups(stream_name)
        return bool(groups) and groups[0]["last-delivered-id"] == info["last-generated-id"]

    assert wait_for(delivered, timeout=timeout, interval=0.005)


def test_redis_restarting_empty_mid_stream_loses_no_acked_event_and_ready_recovers(settings, own_redis, tmp_path):
    svc = _service(settings, tmp_path).start()
    stream = Stream(svc.url, svc.site["site_id"]).start()
    poller = ReadyPoller(svc.url)
    try:
        time.sleep(2)
        with stream.gate:
            # An entry not yet delivered when a Redis without persistence dies is gone with it
            # (that is what appendonly is for, see test_the_redis_buffer_...): kill it when the
            # worker holds everything accepted so far, mid-batch or not.
            _wait_all_delivered(own_redis.client(), settings.buffer_stream)
            own_redis.kill()
        killed_at = time.monotonic()
        acked_before = len(stream.acked)
        time.sleep(3)  # the stream goes on: 503s
        own_redis.start()  # empty: no stream, no group
        restarted_at = time.monotonic()
        green = wait_for(lambda: any(t > restarted_at and s == 200 for t, s, _ in poller.samples), timeout=15)
        time.sleep(2)
    finally:
        stream.stop()
        poller.stop()
    try:
        logged = _assert_exactly_the_acked(settings.clickhouse_url, stream)
    finally:
        svc.stop()
    outage = [(t, s, w) for t, s, w in poller.samples if killed_at < t < restarted_at]
    assert any(s == 503 and w and w.startswith("stalled") for _, s, w in outage), "ready is red, naming the worker"
    assert green, "ready turns green after Redis returns, with no restart by hand"
    first_green = min(t for t, s, _ in poller.samples if t > restarted_at and s == 200) - restarted_at
    assert poller.samples[-1][1] == 200
    assert set(stream.refused) <= {503}, stream.refused
    assert "Traceback" not in svc.logs()
    print(f"\nredis restarted empty: acked {len(stream.acked)} ({acked_before} before the crash), "
          f"counted {len(logged)}, duplicates 0, refused {stream.refused}, /ready green "
          f"{first_green:.2f}s after Redis returned")


def test_a_sigkilled_worker_restarted_drains_its_own_unacked_entries_within_5_s(settings, own_redis, tmp_path,
                                                                                clickhouse_url):
    ch_port = int(clickhouse_url.rsplit(":", 1)[1].split("/")[0])
    proxy = Proxy(ch_port).start()
    svc = _service(settings, tmp_path, UT_WORKER_ENABLED="false").start()
    worker_env = {**svc.env, "UT_CLICKHOUSE_URL": f"clickhouse://127.0.0.1:{proxy.port}/default"}
    worker_log = open(tmp_path / "worker.log", "ab")  # noqa: SIM115 - handed to the child processes

    def start_worker() -> subprocess.Popen:
        return subprocess.Popen([UTRACK, "worker"], env=worker_env, stdout=worker_log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    redis_client = own_redis.client()

    def held() -> dict[str, int]:
        consumers = redis_client.xinfo_consumers(settings.buffer_stream, "workers")
        return {c["name"].decode(): c["pending"] for c in consumers}

    def pending_ids(consumer: str) -> set[bytes]:
        return {p["message_id"] for p in redis_client.xpending_range(
            settings.buffer_stream, "workers", min="-", max="+", count=10_000, consumername=consumer)}

    stream = Stream(svc.url, svc.site["site_id"]).start()
    worker = start_worker()
    try:
        assert wait_for(lambda: len(stream.acked) > 50 and _logged(clickhouse_url, stream.site_id), timeout=20)
        proxy.cut()  # ClickHouse is gone for the worker: it holds its batch, unacked, and retries
        name = wait_for(lambda: next((n for n, p in held().items() if p > 0), None), timeout=10)
        assert name, "the worker holds unacked entries"
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        holding = pending_ids(name)
        proxy.restore()
        restarted_at = time.monotonic()
        worker = start_worker()
        # The restarted worker keeps taking new entries; the ones its predecessor held must go.
        assert wait_for(lambda: not holding & pending_ids(name), timeout=20, interval=0.02), _running_queries(
            clickhouse_url)
        drained_after = time.monotonic() - restarted_at
        assert set(held()) == {name}, "the restarted worker took the same name"
        time.sleep(1)
    finally:
        stream.stop()
        try:
            logged = _assert_exactly_the_acked(clickhouse_url, stream)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(20)
            worker_log.close()
            svc.stop()
            proxy.stop()
    assert drained_after < 5, drained_after
    print(f"\nworker SIGKILLed holding {len(holding)} entries: its own entries drained {drained_after:.2f}s after "
          f"the restart (claim idle 60 s), acked {len(stream.acked)}, counted {len(logged)}, duplicates 0")


def test_serve_refuses_a_redis_buffer_without_appendonly_when_required(settings, tmp_path):
    svc = Service(settings, tmp_path / "refused.log")
    svc.env["UT_BUFFER_REQUIRE_AOF"] = "true"
    svc.utrack("migrate")
    proc = subprocess.run([UTRACK, "serve", "--port", str(free_port())], env=svc.env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode != 0
    assert "UT_BUFFER_REQUIRE_AOF=true but appendonly=no" in proc.stdout + proc.stderr


def test_serve_starts_with_clickhouse_down_accepts_events_and_drains_when_it_returns(
        postgres_url, clickhouse_url, own_redis, tmp_path, unique):
    """Issue 11 (3): a crash during a ClickHouse outage must not stop ingestion. The analytics
    database is brand new, so its tables exist only once the deferred migrations have run."""
    ch_port = int(clickhouse_url.rsplit(":", 1)[1].split("/")[0])
    database = f"ut_down_{unique}"
    admin = DriverStore(clickhouse_url)
    admin.execute(f"CREATE DATABASE {database}")
    admin.close()
    proxy = Proxy(ch_port).start()
    proxy.cut()
    url = f"clickhouse://127.0.0.1:{proxy.port}/{database}"
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url, redis_url=own_redis.url,
                        clickhouse_url=url, buffer_stream=f"ut:down:{unique}")
    svc = Service(settings, tmp_path / "service.log")
    svc.env["UT_WORKER_STALL_S"] = "1"
    try:
        svc.start()  # migrates the transactional store, defers the analytics one
        svc.site = svc.create_site(domain="shop.example")
        with svc.client() as c:
            ready = c.get("/ready")
            assert ready.status_code == 503
            assert ready.json()["analytics_migrations"].startswith("pending: "), ready.json()
        stream = Stream(svc.url, svc.site["site_id"]).start()
        time.sleep(2)
        accepted_while_down = len(stream.acked)
        proxy.restore()
        back_at = time.monotonic()
        with svc.client() as c:
            green = wait_for(lambda: c.get("/ready").status_code == 200, timeout=15)
        green_after = time.monotonic() - back_at
        time.sleep(1)
        stream.stop()
        direct = clickhouse_url.rsplit("/", 1)[0] + f"/{database}"
        logged = _assert_exactly_the_acked(direct, stream)
        assert green, svc.logs()[-2000:]
        # accepted while ClickHouse was down; a refusal can only be a client timeout on a loaded machine
        assert accepted_while_down > 0 and set(stream.refused) <= {0}, stream.refused
        assert "Traceback" not in svc.logs()
        assert "ClickHouse is unreachable" in svc.logs()
        print(f"\nclickhouse down at start-up: {accepted_while_down} events accepted while down, "
              f"{len(logged)} counted, duplicates 0, /ready green {green_after:.2f}s after it returned")
    finally:
        svc.stop()
        proxy.stop()
