"""Builds the per-request context (client IP, user agent, receive time) for the edge."""

import time

from fastapi import Request

from core.ingest.context import RequestContext

_FORWARDED_HEADERS = ("dnt", "sec-gpc", "accept-language")


def request_context(request: Request) -> RequestContext:
    return RequestContext(
        ip=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
        received_ms=int(time.time() * 1000),
        headers={h: request.headers[h] for h in _FORWARDED_HEADERS if h in request.headers},
    )
