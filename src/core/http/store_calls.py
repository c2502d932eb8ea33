"""Store calls of async routes: off the event loop, bounded in number and in time.

The ingest path's stores (sites and keys in the database, the buffer in Redis) have synchronous
clients. Called from an async route they block the event loop, so one hung Redis (accepting
connections, never answering) froze every request of the process, /health included (issue 11).
An async route therefore hands its store work to a worker thread, one hop per request, under a
limiter of its own (`UT_STORE_THREADS`; not the pool FastAPI runs sync routes and dependencies
in, so those keep their threads), and waits at most `UT_STORE_TIMEOUT_S` in all. Past that the request
answers 503 with Retry-After, and the thread is left to finish on its own; the Redis client's
socket timeout (the same setting) ends it soon after.

A 503 after the timeout does not prove that nothing was buffered: an append already sent to a
hung Redis runs when it wakes. The client's retry carries the same `event_id` (the tracker always
sends one), and the worker drops the second copy.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import anyio
import anyio.to_thread
import redis
from fastapi import HTTPException, Request
from sqlalchemy.exc import OperationalError

from core.buffer.port import BufferUnavailable

T = TypeVar("T")


class StoreTimeout(TimeoutError):
    """The stores did not answer within UT_STORE_TIMEOUT_S: the caller answers 503."""


class StoreCalls:
    def __init__(self, *, timeout_s: float, max_threads: int) -> None:
        self.timeout_s = timeout_s
        self._limiter = anyio.CapacityLimiter(max_threads)  # usable before the loop runs (anyio 4)

    def deadline(self) -> float:
        return anyio.current_time() + self.timeout_s

    async def run(self, deadline: float, call: Callable[..., T], *args: object) -> T:
        """`call(*args)` in a thread; waiting for a free thread counts against the deadline."""
        with anyio.CancelScope(deadline=deadline):
            return await anyio.to_thread.run_sync(call, *args, abandon_on_cancel=True, limiter=self._limiter)
        raise StoreTimeout(f"no answer from the stores within {self.timeout_s:g}s")


def request_deadline(request: Request) -> float | None:
    """The request's one store deadline (anyio's clock, which is time.monotonic() on asyncio), shared
    by its calls (the key lookup and the ingest of `/api/v1/events`). The ingest path also checks it
    before buffering (RequestContext.commit_by), so an abandoned call never buffers after its 503."""
    calls: StoreCalls | None = getattr(request.app.state, "store_calls", None)
    if calls is None:
        return None
    deadline = getattr(request.state, "store_deadline", None)
    if deadline is None:
        deadline = request.state.store_deadline = calls.deadline()
    return deadline


async def store_call(request: Request, call: Callable[..., T], *args: object) -> T:
    """`call(*args)` through the app's StoreCalls; a store outage or timeout answers 503."""
    deadline = request_deadline(request)
    with store_outage_as_503(request):
        return await request.app.state.store_calls.run(deadline, call, *args)


def _store_of(exc: BaseException) -> str:
    if isinstance(exc, BufferUnavailable):
        return "buffer"
    if isinstance(exc, StoreTimeout):
        return "timeout"  # which store hangs is not known here: the thread is still waiting on it
    return "database" if isinstance(exc, OperationalError) else "redis"


# What a store that cannot be reached raises, through whichever client.
STORE_ERRORS = (BufferUnavailable, StoreTimeout, redis.ConnectionError, redis.TimeoutError, OperationalError)


def store_unavailable(request: Request, exc: BaseException) -> HTTPException:
    """The 503 for a store outage (`exc` is one of STORE_ERRORS), counted and logged once per outage."""
    metrics = request.app.state.core.metrics()
    store = _store_of(exc)
    metrics.outage(store).failed(exc)
    metrics.unavailable.labels(store).inc()
    return HTTPException(503, f"{store} temporarily unavailable, retry", headers={"Retry-After": "1"})


@contextmanager
def store_outage_as_503(request: Request) -> Iterator[None]:
    """A store that cannot be reached answers 503 with Retry-After: nothing of the request was
    buffered (after a timeout, see above: the retry is deduplicated), so the client's retry records
    it once. Logged once per outage, not per request. Any other route's outage gets the same answer
    from the app's handler (core.http.app)."""
    try:
        yield
    except STORE_ERRORS as exc:
        raise store_unavailable(request, exc) from None
    request.app.state.core.metrics().outages_over()
