"""Closed-loop HTTP load generator: N keep-alive connections, each sends its next request as soon
as the previous answer is in, for a fixed time (and, optionally, at most a fixed number of requests).

Two clients: `raw` (default) writes pre-encoded HTTP/1.1 requests on asyncio protocols and parses
only the status line, Content-Length and body, so one core of client can push well past what a
Python server answers; `httpx` uses httpx.AsyncClient (simpler, but it costs ~10x more client CPU
per request, so on a 2-core machine it measures the client as much as the server).
"""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import orjson


@dataclass
class LoadResult:
    requests: int = 0
    accepted_events: int = 0  # sum of "accepted" over 202 answers
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)  # first few non-202 answers, for the report
    latencies: list[float] = field(default_factory=list)  # seconds
    elapsed: float = 0.0
    client_cpu: float = 0.0

    def pct(self, q: float) -> float:
        """Latency percentile in ms (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def note(self, status: int, body: bytes) -> None:
        self.statuses[status] += 1
        if status == 202:
            self.accepted_events += orjson.loads(body)["accepted"]
        elif len(self.samples) < 5:
            self.samples.append(f"{status}: {body[:200]!r}")


class _Conn(asyncio.Protocol):
    def __init__(self) -> None:
        self.buf = bytearray()
        self.waiter: asyncio.Future | None = None
        self.transport: asyncio.Transport | None = None
        self.closed = False

    def connection_made(self, transport) -> None:
        self.transport = transport

    def connection_lost(self, exc) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(f"connection lost: {exc}"))

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if self.waiter is None or self.waiter.done():
            return
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buf[:end]).lower()
        start = head.find(b"\r\ncontent-length:")
        if start < 0:
            self.waiter.set_exception(ConnectionError("answer without Content-Length"))
            return
        stop = head.find(b"\r\n", start + 2)
        size = int(head[start + 17:stop if stop > 0 else None])
        if len(self.buf) < end + 4 + size:
            return
        body = bytes(self.buf[end + 4:end + 4 + size])
        del self.buf[:end + 4 + size]
        self.waiter.set_result((int(head[9:12]), body))

    async def request(self, data: bytes) -> tuple[int, bytes]:
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return await self.waiter


def encode_request(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _raw_worker(host, port, path, body, headers, end, budget, result: LoadResult) -> None:
    loop = asyncio.get_running_loop()
    data = encode_request(host, port, path, body, headers)
    conn = None
    while time.perf_counter() < end and budget[0] > 0:
        budget[0] -= 1
        try:
            if conn is None or conn.closed:
                _, conn = await loop.create_connection(_Conn, host, port)
            started = time.perf_counter()
            status, answer = await conn.request(data)
        except (ConnectionError, OSError) as exc:
            result.errors[type(exc).__name__] += 1
            conn = None
            await asyncio.sleep(0.01)
            continue
        result.latencies.append(time.perf_counter() - started)
        result.requests += 1
        result.note(status, answer)
    if conn is not None and conn.transport is not None:
        conn.transport.close()


async def _httpx_worker(client, path, body, headers, end, budget, result: LoadResult) -> None:
    import httpx

    while time.perf_counter() < end and budget[0] > 0:
        budget[0] -= 1
        started = time.perf_counter()
        try:
            resp = await client.post(path, content=body, headers={"Content-Type": "application/json", **headers})
        except httpx.HTTPError as exc:
            result.errors[type(exc).__name__] += 1
            await asyncio.sleep(0.01)
            continue
        result.latencies.append(time.perf_counter() - started)
        result.requests += 1
        result.note(resp.status_code, resp.content)


async def _run(port, path, bodies, headers, connections, duration, max_requests, client) -> LoadResult:
    host, result, budget = "127.0.0.1", LoadResult(), [max_requests or 1 << 62]
    cpu0, t0 = time.process_time(), time.perf_counter()
    end = t0 + duration

    def hdrs(i: int) -> dict[str, str]:  # one "visitor" per connection
        return {**headers, "User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) UTBench/{i}.0"}

    if client == "httpx":
        import httpx

        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}", limits=limits, timeout=30) as c:
            tasks = [_httpx_worker(c, path, bodies[i % len(bodies)], hdrs(i), end, budget, result)
                     for i in range(connections)]
            await asyncio.wait_for(asyncio.gather(*tasks), duration + 60)
    else:
        tasks = [_raw_worker(host, port, path, bodies[i % len(bodies)], hdrs(i), end, budget, result)
                 for i in range(connections)]
        await asyncio.wait_for(asyncio.gather(*tasks), duration + 60)
    result.elapsed = time.perf_counter() - t0
    result.client_cpu = time.process_time() - cpu0
    return result


def run_load(port: int, path: str, bodies: list[bytes], headers: dict[str, str], *, connections: int,
             duration: float, max_requests: int = 0, client: str = "raw") -> LoadResult:
    """Load 127.0.0.1:port for `duration` seconds (bounded: it gives up 60 s past that)."""
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    return runner(_run(port, path, bodies, headers, connections, duration, max_requests, client))


def proc_cpu_seconds(pid: int) -> float:
    """user + system CPU time of a process, all its threads included (Linux)."""
    import os

    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def system_busy_seconds() -> float:
    """CPU seconds spent by the whole machine (all cores, everything but idle and iowait) since boot."""
    import os

    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
