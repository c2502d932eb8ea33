"""Documents the rate limits' 429 and the load shedding's 503 on the operations they apply to.

Added to the built OpenAPI document rather than route by route: the limits are decided on the
path (core.http.api_routes), and one test here keeps the document and the behaviour the same.
"""

from collections.abc import Callable

from fastapi import FastAPI

from core.http.api_routes import is_api, is_shed

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
_INT = {"schema": {"type": "integer"}}
_429 = {
    "description": "Over a rate limit (UT_RATE_LIMIT_*); nothing of the request was recorded. "
                   "Retry after `Retry-After` seconds.",
    "headers": {
        "Retry-After": {"description": "Seconds until the limit's window resets.", **_INT},
        "RateLimit-Limit": {"description": "Requests (or events) the window allows.", **_INT},
        "RateLimit-Remaining": {"description": "What is left in the window (0 here).", **_INT},
        "RateLimit-Reset": {"description": "Seconds until the window resets.", **_INT},
        "RateLimit-Policy": {"description": "`<limit>;w=<window seconds>`.", "schema": {"type": "string"}},
    },
    "content": _ERROR,
}
_503 = {"description": "Too many read requests at once (UT_STATS_CONCURRENCY), one that took longer than "
                       "UT_STATS_TIMEOUT_S, or a store is unavailable; retry after `Retry-After` seconds.",
        "headers": {"Retry-After": {"description": "Seconds to wait before retrying.", **_INT}},
        "content": _ERROR}


def _limited(path: str) -> bool:
    return is_api(path) or path.startswith("/collect/") or path == "/api/v1/events"


def document_limits(app: FastAPI) -> None:
    """Wraps `app.openapi` (whatever builds it) so the built document carries the answers."""
    build: Callable[[], dict] = app.openapi
    documented: list[dict] = []  # the document is built once and cached: add to it once

    def openapi() -> dict:
        schema = build()
        if not documented or documented[0] is not schema:
            add_limit_answers(schema)
            documented[:] = [schema]
        return schema

    app.openapi = openapi


def add_limit_answers(schema: dict) -> None:
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorResponse", {"title": "ErrorResponse", "type": "object", "required": ["detail"],
                          "properties": {"detail": {"title": "Detail", "type": "string"}}})
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            if _limited(path):
                responses["429"] = _429
            if is_shed(path):
                responses["503"] = _503
