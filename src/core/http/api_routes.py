"""Which requests are the read and admin APIs: rate-limited per key and load-shed.

Decided on the path, before routing, so that a flood is turned away before any dependency runs
(the key lookup included) and so that every module's routes are covered without each of them
opting in. The same test documents the 429/503 answers in OpenAPI (core.http.limits_openapi), so
what is documented is what is enforced. Collect and server ingest are limited where their
identities are known (core.http.rate_limit); pages, the tracker script and operations are not
limited at all.
"""

_API_PREFIXES = ("/api/", "/presence", "/events/", "/export/")
_NOT_API = ("/api/v1/events",)  # server ingest: limited per site, in events (core.http.server_api)
_STREAMS = ("/presence/stream", "/events/stream", "/events/ws")  # long-lived: limited when opened, not shed


def _under(path: str, prefix: str) -> bool:
    """`/events/` covers what is below it; `/presence` itself and what is below it."""
    if prefix.endswith("/"):
        return path.startswith(prefix)
    return path == prefix or path.startswith(prefix + "/")


def is_api(path: str) -> bool:
    """A read or admin API path: per-key rate limit (UT_RATE_LIMIT_API)."""
    if any(path == p for p in _NOT_API):
        return False
    return any(_under(path, p) for p in _API_PREFIXES)


def is_shed(path: str) -> bool:
    """An API request that runs under the stats concurrency limit and timeout (UT_STATS_*)."""
    return is_api(path) and path not in _STREAMS
