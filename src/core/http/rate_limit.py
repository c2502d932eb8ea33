"""Rate limits at the HTTP edge: the per-key limit of the read and admin APIs (ASGI middleware),
the collect and ingest checks, and the one 429 answer they share.

Every check happens before anything is buffered, so a 429 never loses an accepted event: the
collect and ingest checks run in the same store thread as the ingest call, just before it (no
extra thread hop on the hot path); the API check runs before routing, so a flooding key is
answered without a key lookup, a dependency or a thread of the pool sync routes run in.

The API caller is the presented key (`X-API-Key` / `Authorization: Bearer`, counted by its hash,
valid or not: a flood of bad keys gets 429 too), or the client IP when no key is sent (the
signed-in dashboard, share links).
"""

from fastapi import HTTPException
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from core.http.api_routes import is_api
from core.http.auth import presented_key
from core.http.context import client_ip
from core.http.responses import json_response
from core.http.store_calls import StoreTimeout
from core.ingest.context import RequestContext
from core.ingest.service import IngestResult, IngestService
from core.metrics import Metrics
from core.realtime.rate_limits import API, SITE_EVENTS, RateLimited, RateLimits
from core.tenancy.keys import hash_key


def too_many(exc: RateLimited, metrics: Metrics) -> HTTPException:
    """The 429 of every limit: `{"detail"}`, Retry-After and the RateLimit-* headers."""
    metrics.rate_limited.labels(exc.name).inc()
    return HTTPException(429, str(exc), headers=exc.headers)


def limited_browser_collect(limits: RateLimits, ingest: IngestService, items: list, ctx: RequestContext,
                            origin: str | None, forced: str | None) -> IngestResult:
    """In the store thread: the client IP's and the sites' limits, then the ingest."""
    limits.collect(ctx.ip, items)
    return ingest.collect_browser(items, ctx, origin, forced)


def limited_server_ingest(limits: RateLimits, ingest: IngestService, items: list, site_id: str,
                          ctx: RequestContext) -> IngestResult:
    """In the store thread: the site's events limit (shared with its browser collect), then the ingest."""
    if limits.enabled(SITE_EVENTS):
        limits.hit(SITE_EVENTS, site_id, len(items))
    return ingest.collect_server(items, site_id, ctx)


class ApiRateLimit:
    """UT_RATE_LIMIT_API on every read/admin API request (core.http.api_routes)."""

    def __init__(self, app: ASGIApp, *, limits, metrics: Metrics) -> None:
        self.app = app
        self._limits = limits  # the container's provider: built on the first request, not here
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not is_api(scope["path"]):
            await self.app(scope, receive, send)
            return
        limits: RateLimits = self._limits()
        if limits.enabled(API):
            request = HTTPConnection(scope)  # a WebSocket's handshake counts like a request
            key = presented_key(request)
            identity = f"key:{hash_key(key)[:32]}" if key else f"ip:{limits.ip_identity(client_ip(request))}"
            try:
                await self._hit(request, limits, identity)
            except RateLimited as exc:
                error = too_many(exc, self._metrics)
                response = json_response({"detail": error.detail}, 429)
                response.headers.update(error.headers or {})
                if scope["type"] == "websocket":
                    await _refuse_handshake(scope, receive, send, response)
                else:
                    await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _hit(self, request: HTTPConnection, limits: RateLimits, identity: str) -> None:
        # Off the event loop even in process: the memory store may start its purge thread, and a
        # thread start waits for the GIL, which busy read threads hold.
        calls = request.app.state.store_calls
        try:
            await calls.run(calls.deadline(), limits.hit, API, identity)
        except StoreTimeout:
            # A hung Redis: let the request through, as a failing one does (core.realtime.rate_limits).
            self._metrics.rate_limit_outage.failed(TimeoutError("no answer within UT_STORE_TIMEOUT_S"))


async def _refuse_handshake(scope: Scope, receive: Receive, send: Send, response: Response) -> None:
    """The 429 as the handshake's answer where the server can send one (ASGI's
    websocket.http.response extension: uvicorn, Starlette's test client); else the handshake is
    closed with 1008 (policy violation), which a browser sees as a refused connection."""
    await receive()  # websocket.connect
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "websocket.http.response.start", "status": response.status_code,
                "headers": response.raw_headers})
    await send({"type": "websocket.http.response.body", "body": response.body})
