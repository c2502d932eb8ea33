"""Load shedding of the read and admin APIs: a concurrency limit and a timeout per process.

Issue 17 measured 2,000 stats requests in 10 s: 1,431 timed out, the service took ~15 s to
recover, and collect's p99 went from 14 ms to 257 ms. The sync routes run in Starlette's pool of
40 threads, so a flood queued there grows without bound, and every queued query still runs
(and takes CPU from collect) long after its client gave up.

So at most `UT_STATS_CONCURRENCY` API requests (core.http.api_routes) run at once. One that
finds no free slot waits at most `UT_STATS_QUEUE_S` on the event loop (holding no thread), then
answers 503 + Retry-After: the work refused is never started. At most `UT_STATS_QUEUE_LENGTH`
wait: past that a request is refused at once. So a dashboard's burst of a dozen queries waits its
turn (long enough for slow queries), and a flood is turned away in microseconds. One that has a slot but has not
started its answer within `UT_STATS_TIMEOUT_S` answers 503 too. Its query engine read is stopped by
ClickHouse at the same age (core.query.clickhouse.QueryStore); anything else its thread does
cannot be (Python threads cannot be cancelled), so it runs to its end in a task of its own and
keeps its slot until then: the limit bounds the work really running, not only the clients waiting.

Collect shares none of this: its routes are async and its store calls have their own threads
(core.http.store_calls), so a full stats pool never delays them.
"""

import asyncio
import logging

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.http.api_routes import is_shed
from core.http.responses import json_response
from core.metrics import Metrics

log = logging.getLogger(__name__)


class StatsShedding:
    def __init__(self, app: ASGIApp, *, concurrency: int, queue_length: int, queue_s: float, timeout_s: float,
                 metrics: Metrics) -> None:
        self.app = app
        self._slots = anyio.Semaphore(concurrency)  # usable before the loop runs (anyio 4)
        self._queue_length, self._queue_s, self._timeout_s = queue_length, queue_s, timeout_s
        self._waiting = 0  # on one event loop: a plain counter is exact
        self._metrics = metrics
        self._tasks: set[asyncio.Task] = set()  # requests running, answered or past their timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_shed(scope["path"]):
            await self.app(scope, receive, send)
            return
        if not await self._acquire():
            await self._refuse(scope, receive, send, "busy", "too many read requests in progress; retry")
            return
        await self._serve(scope, receive, send)

    async def _acquire(self) -> bool:
        try:
            self._slots.acquire_nowait()
            return True
        except anyio.WouldBlock:
            pass
        if self._waiting >= self._queue_length:
            return False  # a flood: refused at once, not after a wait that helps nobody
        self._waiting += 1
        try:
            with anyio.move_on_after(self._queue_s):
                await self._slots.acquire()
                return True
            return False
        finally:
            self._waiting -= 1

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        first = asyncio.Event()  # the answer started, or the request ended without one
        timed_out = False

        async def guarded_send(message: Message) -> None:
            if timed_out:
                return  # the client already has its 503
            if message["type"] == "http.response.start":
                first.set()
            await send(message)

        async def run() -> None:
            try:
                await self.app(scope, receive, guarded_send)
            finally:
                self._slots.release()
                first.set()

        task = asyncio.ensure_future(run())
        self._tasks.add(task)  # a strong reference until it ends, whoever still waits for it
        task.add_done_callback(self._tasks.discard)
        with anyio.move_on_after(self._timeout_s):
            await first.wait()
        if first.is_set():
            await task  # streams the rest of the answer; an error propagates as usual
            return
        timed_out = True
        task.add_done_callback(_log_late_failure)
        await self._refuse(scope, receive, send, "timeout",
                           f"the request took longer than {self._timeout_s:g}s (UT_STATS_TIMEOUT_S); retry later")

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, reason: str, detail: str) -> None:
        self._metrics.shed.labels(reason).inc()
        response = json_response({"detail": detail}, 503)
        response.headers["Retry-After"] = "1" if reason == "busy" else "5"
        await response(scope, receive, send)


def _log_late_failure(task: asyncio.Task) -> None:
    """Nobody awaits a request past its timeout: its error is said here (its type only: the
    message could hold request data)."""
    if not task.cancelled() and task.exception() is not None:
        log.error("a read request that had timed out failed later: %s", type(task.exception()).__name__)
