"""A hung Redis (accepting connections, never answering: SIGSTOP) costs its own requests only
(issue 11). The real `utrack serve` on the test's own redis-server, under a stream of browser and
server events whose ids are recorded and retried with the same ids after a 503, as the tracker
does: `/health` answers within 100 ms throughout, collect answers 503 + Retry-After within
UT_STORE_TIMEOUT_S (2 s) and a little, and after SIGCONT every event answered 202 is counted
exactly once. Figures are printed (`-s`) for the README's reliability table.
"""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

from core.config.settings import Settings
from tests.e2e.harness import Service, wait_for
from tests.e2e.test_ingest_faults import _logged

ORIGIN = {"Origin": "https://shop.example"}
FROZEN_S = 10
HEALTH_BUDGET_S = 0.1
BURST_HEALTH_BUDGET_S = 0.25
COLLECT_BUDGET_S = 2.5  # UT_STORE_TIMEOUT_S (2 s) plus scheduling on a busy 2-core machine


class Sender:
    """Sends events with recorded ids, ~`rate` requests/s; a refused request is sent again with the
    same ids after its Retry-After. `answers` holds (sent at, seconds, status, Retry-After)."""

    def __init__(self, svc: Service, path: str, per_request: int, rate: float = 20) -> None:
        self.svc, self.path, self.per_request, self.interval = svc, path, per_request, 1 / rate
        self.sent: set[str] = set()
        self.acked: list[str] = []
        self.answers: list[tuple[float, float, int, str | None]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _body(self, ids: list[str]) -> tuple[dict, object]:
        site = self.svc.site
        if self.path == "/api/v1/events":
            return {"X-API-Key": site["secret_key"]}, [
                {"userId": "u-1", "eventName": "signup", "eventId": i} for i in ids]
        events = [{"site_id": site["site_id"], "type": "pageview", "event_id": i,
                   "url": f"https://shop.example/p/{i[:6]}"} for i in ids]
        return ORIGIN, (events[0] if self.path == "/collect/pageview" else {"events": events})

    def _run(self) -> None:
        with httpx.Client(base_url=self.svc.url, timeout=10) as client:
            ids: list[str] = []
            while not self._stop.is_set() or ids:  # a refused request is retried before stopping
                ids = ids or [str(uuid.uuid4()) for _ in range(self.per_request)]
                self.sent.update(ids)
                headers, body = self._body(ids)
                started = time.monotonic()
                try:
                    r = client.post(self.path, json=body, headers=headers)
                    status, retry_after = r.status_code, r.headers.get("retry-after")
                except httpx.HTTPError:
                    status, retry_after = 0, None
                self.answers.append((started, time.monotonic() - started, status, retry_after))
                if status == 202:
                    self.acked.extend(ids)
                    ids = []
                    time.sleep(self.interval)
                elif status in (0, 503):
                    time.sleep(float(retry_after or 1))
                else:
                    raise AssertionError(f"{self.path} answered {status}: {r.text}")

    def start(self) -> "Sender":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)
        assert not self._thread.is_alive(), f"{self.path}: retries never accepted"


def burst(svc: Service, n: int) -> tuple[set[str], list[tuple[float, int, str | None]]]:
    """n single pageviews at once, more than UT_STORE_THREADS (64): (ids, [(seconds, status, Retry-After)]).
    One thread (asyncio), so the test's own threads do not slow the health poller's."""
    ids = [str(uuid.uuid4()) for _ in range(n)]

    async def one(client: httpx.AsyncClient, i: str) -> tuple[float, int, str | None]:
        event = {"site_id": svc.site["site_id"], "event_id": i, "url": "https://shop.example/burst"}
        started = time.monotonic()
        try:
            r = await client.post("/collect/pageview", json=event, headers=ORIGIN)
            return time.monotonic() - started, r.status_code, r.headers.get("retry-after")
        except httpx.HTTPError:
            return time.monotonic() - started, 0, None

    async def all_at_once() -> list[tuple[float, int, str | None]]:
        limits = httpx.Limits(max_connections=n)
        async with httpx.AsyncClient(base_url=svc.url, timeout=10, limits=limits) as client:
            return await asyncio.gather(*(one(client, i) for i in ids))

    return set(ids), asyncio.run(all_at_once())


_POLL = """
import sys, time, httpx
url, out = sys.argv[1], open(sys.argv[2], "w", buffering=1)
with httpx.Client(base_url=url, timeout=5) as client:
    while True:
        started = time.monotonic()
        try:
            status = client.get("/health").status_code
        except httpx.HTTPError:
            status = 0
        out.write(f"{started} {time.monotonic() - started} {status}\\n")
        time.sleep(0.02)
"""


class HealthPoller:
    """GET /health every 20 ms from a process of its own (the test's threads share a GIL with it
    otherwise): (sent at, seconds, status); a timeout or error is status 0. Monotonic clocks are
    system-wide on Linux, so its times compare with the test's."""

    def __init__(self, url: str, out: Path) -> None:
        self.out = out
        self._proc = subprocess.Popen([sys.executable, "-c", _POLL, url, str(out)])
        self.samples: list[tuple[float, float, int]] = []

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(10)
        rows = [line.split() for line in self.out.read_text().splitlines() if line.count(" ") == 2]
        self.samples = [(float(t), float(d), int(st)) for t, d, st in rows]


def test_a_hung_redis_costs_its_own_requests_only(tmp_path, postgres_url, clickhouse_url, own_redis, unique):
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url, redis_url=own_redis.url,
                        clickhouse_url=clickhouse_url, buffer_stream=f"ut:hung:{unique}")
    svc = Service(settings, tmp_path / "service.log")
    svc.utrack("migrate")
    svc.site = svc.create_site(domain="shop.example")
    svc.start()
    senders = [Sender(svc, "/collect/batch", 5), Sender(svc, "/collect/batch", 5),
               Sender(svc, "/collect/pageview", 1), Sender(svc, "/api/v1/events", 3)]
    try:
        for s in senders:
            s.start()
        assert wait_for(lambda: all(s.acked for s in senders), timeout=10)
        # Warm first: the worker's first batches load what loads lazily (user-agent and GeoIP data,
        # the modules' first store calls), a one-off stall of the process (up to ~125 ms seen) that
        # is not what this test measures. /health is timed from the first events in ClickHouse on.
        assert wait_for(lambda: _logged(clickhouse_url, svc.site["site_id"]), timeout=30)
        health = HealthPoller(svc.url, tmp_path / "health.txt")
        time.sleep(1)
        os.kill(own_redis.proc.pid, signal.SIGSTOP)
        stopped_at = time.monotonic()
        time.sleep(2)
        burst_at = time.monotonic()
        burst_ids, burst_answers = burst(svc, 100)
        time.sleep(stopped_at + FROZEN_S - time.monotonic())
        os.kill(own_redis.proc.pid, signal.SIGCONT)
        resumed_at = time.monotonic()
        assert wait_for(lambda: all(any(t > resumed_at and st == 202 for t, _, st, _ in s.answers)
                                    for s in senders), timeout=15), "collect accepts again after SIGCONT"
        time.sleep(2)
        for s in senders:
            s.stop()
        health.stop()
        site_id = svc.site["site_id"]
        acked = {i for s in senders for i in s.acked}
        logged = wait_for(lambda: (got := _logged(clickhouse_url, site_id)) and set(got) >= acked and got,
                          timeout=30) or _logged(clickhouse_url, site_id)
    finally:
        svc.stop()

    # /health: always answered, in time, while Redis was frozen too.
    frozen = [(t, d, st) for t, d, st in health.samples if stopped_at < t < resumed_at]
    assert len(frozen) > FROZEN_S * 10, len(frozen)
    # While 100 requests arrive at once, and 2 s later are answered 503 at once, on this shared
    # 2-core machine (the loop accepts them, starts 64 store threads, answers 100): a looser bound.
    def budget(t: float) -> float:
        wave = burst_at - 0.05 < t < burst_at + 0.5 or burst_at + 1.9 < t < burst_at + 2.6
        return BURST_HEALTH_BUDGET_S if wave else HEALTH_BUDGET_S

    slow = [(round(t - stopped_at, 2), round(d, 3), st) for t, d, st in health.samples
            if st != 200 or d > budget(t)]
    assert not slow, f"/health slow or failing (s after SIGSTOP, s, status): {slow[:20]}"

    # Collect and server ingest during the freeze: 503 + Retry-After within the budget, nothing else.
    during = [(s.path, d, st, ra) for s in senders for t, d, st, ra in s.answers
              if stopped_at + 0.1 < t and t + d < resumed_at]
    assert during and all(st == 503 and ra for _, _, st, ra in during), {(p, st) for p, _, st, _ in during}
    assert max(d for _, d, _, _ in during) <= COLLECT_BUDGET_S, max(during, key=lambda a: a[1])
    for s in senders:
        assert any(st == 503 for p, _, st, _ in during if p == s.path), f"{s.path} was not refused"
    assert all(st == 503 and ra for _, st, ra in burst_answers), {st for _, st, _ in burst_answers}
    assert max(d for d, _, _ in burst_answers) <= COLLECT_BUDGET_S, max(burst_answers)

    # After SIGCONT: every 202 counted exactly once; a 503 after a timeout may have landed, but its
    # retry (same ids) was deduplicated, so nothing was counted twice.
    lost = acked - set(logged)
    assert not lost, f"{len(lost)} of {len(acked)} acked events never counted"
    assert set(logged) <= {i for s in senders for i in s.sent} | burst_ids
    duplicates = sum(n - 1 for n in logged.values())
    assert duplicates == 0
    assert "Traceback" not in svc.logs()
    worst_health = max(d for t, d, _ in health.samples if budget(t) == HEALTH_BUDGET_S)
    worst_burst = max((d for t, d, _ in health.samples if budget(t) != HEALTH_BUDGET_S), default=0)
    print(f"\nredis frozen {FROZEN_S}s: /health {len(health.samples)} answers ({len(frozen)} while frozen), "
          f"worst {worst_health * 1000:.0f} ms ({worst_burst * 1000:.0f} ms as the burst arrived); "
          f"{len(during)} ingest requests during the freeze, all 503 + "
          f"Retry-After, slowest {max(d for _, d, _, _ in during):.2f}s; a burst of 100 at once: all 503, slowest "
          f"{max(d for d, _, _ in burst_answers):.2f}s ({len(burst_ids & set(logged))} of them landed after SIGCONT); "
          f"acked {len(acked)}, counted "
          f"{len(logged)}, lost 0, duplicates 0")
