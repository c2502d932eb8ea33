"""Counts and times every HTTP request by route template, as plain ASGI middleware.

Plain ASGI (not BaseHTTPMiddleware) so streaming responses such as SSE pass straight through
and the hot collect path pays no extra task per request. For a stream, the time measured is
until the response starts.
"""

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.metrics import Metrics


class RequestMetrics:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                path = getattr(scope.get("route"), "path", "unmatched")
                self.metrics.requests.labels(path, str(message["status"])).inc()
                self.metrics.request_seconds.labels(path).observe(time.perf_counter() - started)
            await send(message)

        await self.app(scope, receive, timed_send)
