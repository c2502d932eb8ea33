"""Real-time benchmark: latency from `POST /collect/pageview` to the presence update on SSE.

Starts the real service (`utrack serve`) on 127.0.0.1, connects N concurrent SSE clients to
`/presence/stream` (200 by default, at most 1,000), then sends pageviews from new visitors one at
a time and timestamps, in every client, the first `presence` message that counts the new visitor.
Prints p50/p95/max over all (client, pageview) pairs, and of the time until the last client had it.
The worker runs with UT_WORKER_POLL_MS at its default (200 ms) unless --poll-ms says otherwise.

    .venv/bin/python bench/realtime.py                      # embedded and servers, 200 clients
    .venv/bin/python bench/realtime.py --targets servers --clients 50 --pageviews 20
"""

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from targets import DOMAIN, Target, service_target  # noqa: E402

MAX_CLIENTS = 1000


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=200, help=f"concurrent SSE clients (at most {MAX_CLIENTS})")
    p.add_argument("--pageviews", type=int, default=40, help="measured pageviews, each from a new visitor")
    p.add_argument("--interval", type=float, default=0.25, help="seconds between pageviews")
    p.add_argument("--poll-ms", type=int, default=200, help="UT_WORKER_POLL_MS of the service (default: its default)")
    p.add_argument("--targets", default="embedded,servers", help="comma-separated: embedded, servers")
    args = p.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS:
        p.error(f"--clients must be 1..{MAX_CLIENTS}")
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    if set(args.targets) - {"embedded", "servers"}:
        p.error("targets: embedded, servers")
    return args


class SseClient:
    """A minimal SSE reader on a raw asyncio connection (200 httpx streams would cost the 2-core
    machine more CPU than the server under test). Keeps when each visitor count was first seen."""

    def __init__(self) -> None:
        self.first_seen: dict[int, float] = {}  # visitors -> time.time() it was first seen
        self.snapshot_ts: dict[int, float] = {}  # visitors -> when the server took that snapshot
        self.connected = asyncio.Event()
        self._writer: asyncio.StreamWriter | None = None

    async def run(self, port: int, site: dict) -> None:
        reader, self._writer = await asyncio.open_connection("127.0.0.1", port)
        self._writer.write(f"GET /presence/stream?site_id={site['site_id']} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           f"X-API-Key: {site['secret_key']}\r\nAccept: text/event-stream\r\n\r\n".encode())
        await self._writer.drain()
        try:
            while line := await reader.readline():
                if line.startswith(b"data: "):
                    snap, now = orjson.loads(line[6:]), time.time()
                    # A slow reader's queue keeps only the newest snapshot: seeing n+1 means n was seen.
                    for count in range(len(self.first_seen), snap["visitors"] + 1):
                        self.first_seen[count], self.snapshot_ts[count] = now, snap["ts"] / 1000
                    self.connected.set()
        except (ConnectionError, asyncio.CancelledError):
            pass

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


async def measure(target: Target, args) -> dict:
    site = target.site
    clients = [SseClient() for _ in range(args.clients)]
    tasks = [asyncio.create_task(c.run(target.port, site)) for c in clients]
    await asyncio.wait_for(asyncio.gather(*(c.connected.wait() for c in clients)), 60)
    sent: dict[int, float] = {}
    async with httpx.AsyncClient(base_url=target.url, timeout=30) as http:
        async def pageview(n: int, path: str) -> None:
            sent[n] = time.time()
            resp = await http.post("/collect/pageview", json={"site_id": site["site_id"],
                                                                "url": f"https://{DOMAIN}{path}"},
                                   headers={"User-Agent": f"bench-visitor-{n}", "Origin": f"https://{DOMAIN}"})
            assert resp.status_code == 202, resp.text

        # Warm-up (not measured): the first events after a start load the lazy parts (GeoIP, UA parser).
        for n in (1, 2, 3):
            await pageview(n, "/warm-up")
            await _until(lambda n=n: all(n in c.first_seen for c in clients), 30)
        measured = range(4, 4 + args.pageviews)
        for n in measured:
            await pageview(n, f"/p/{n}")
            await asyncio.sleep(args.interval)
        await _until(lambda: all(n in c.first_seen for c in clients for n in measured), 30)
    for c in clients:
        c.close()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    every = [c.first_seen[n] - sent[n] for c in clients for n in measured if n in c.first_seen]
    last_client = [max(c.first_seen[n] for c in clients) - sent[n] for n in measured]
    missing = sum(1 for c in clients for n in measured if n not in c.first_seen)
    # Where the time goes: POST -> the worker's handler took the snapshot -> the client had it.
    pipeline = [clients[0].snapshot_ts[n] - sent[n] for n in measured if n in clients[0].snapshot_ts]
    fan_out = [c.first_seen[n] - c.snapshot_ts[n] for c in clients for n in measured if n in c.first_seen]
    return {"samples": len(every), "missing": missing, "p50": pct(every, 0.5), "p95": pct(every, 0.95),
            "max": max(every) * 1000, "all_p50": pct(last_client, 0.5), "all_p95": pct(last_client, 0.95),
            "pipe_p50": pct(pipeline, 0.5), "fan_p50": pct(fan_out, 0.5), "fan_p95": pct(fan_out, 0.95)}


async def _until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("SSE clients did not see the update")
        await asyncio.sleep(0.005)


def main() -> None:
    args = parse_args()
    print(f"# realtime: {args.clients} SSE clients, {args.pageviews} pageviews every {args.interval}s, "
          f"UT_WORKER_POLL_MS={args.poll_ms}; Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    rows = []
    for kind in args.targets:
        with tempfile.TemporaryDirectory(prefix=f"ut-rt-{kind}-") as tmp:
            env = {"UT_WORKER_POLL_MS": str(args.poll_ms), "UT_LOG_LEVEL": "warning"}
            with service_target(kind, Path(tmp), env=env) as target:
                try:
                    rows.append((kind, asyncio.run(measure(target, args))))
                finally:
                    _forget(target)
    print(f"{'target':10} {'samples':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'all-clients p50':>16} "
          f"{'all-clients p95':>16} {'to handler p50':>15} {'fan-out p50':>12} {'fan-out p95':>12}")
    for kind, r in rows:
        print(f"{kind:10} {r['samples']:8d} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} {r['all_p50']:16.1f} "
              f"{r['all_p95']:16.1f} {r['pipe_p50']:15.1f} {r['fan_p50']:12.1f} {r['fan_p95']:12.1f}"
              + (f"  ({r['missing']} missing)" if r["missing"] else ""))
    print("p50/p95/max: POST /collect/pageview sent -> a client has the update, over every (client, pageview);"
          " all-clients: until the last client had it; to handler: until the worker's handler took the"
          " snapshot; fan-out: from then to the client.")


def _forget(target: Target) -> None:
    """This site's presence keys, when the service used the shared Redis."""
    url = target.service.env.get("UT_REDIS_URL") if target.service else ""
    if not url:
        return
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"active_users:{target.site['site_id']}:*"))
    if keys:
        client.delete(*keys)
    client.close()


if __name__ == "__main__":
    main()
