"""The one error shape of the API, and the one place routes take their documented error answers from.

Every 4xx and 5xx body is `{"detail": "<one human-readable line>", ...}`: what the dashboard shows,
what Plausible-style clients print, and what FastAPI's own HTTPException answers. A request that
fails validation (422) adds `errors`, one `{loc, msg, type}` item per problem (FastAPI's items), so
a client can point at the field; the collect routes' 400 adds the per-event `rejected` list.

Routes document their errors with `responses=errors(401, 403, 404)`; the 422 of every route is
documented by `use_error_schemas` (FastAPI adds its own 422 to any route with parameters, with an
array `detail` this API never sends).
"""

from typing import Any

from pydantic import BaseModel, Field

from core.http.responses import ErrorResponse, Rejection

_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}}


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where the problem is: `body`, `query`, `path` or `header`, "
                                 "then the field's path.")
    msg: str
    type: str = Field(description="A machine-readable kind, e.g. `missing`, `string_too_long`.")


class ValidationErrorResponse(ErrorResponse):
    errors: list[FieldError] = Field(description="One item per problem, in the order of `detail`.")


class CollectRejected(ErrorResponse):
    """A collect answer that accepted nothing: `detail` says why in one line, `rejected` per event."""

    accepted: int = Field(0, description="Always 0 here (any accepted event makes the answer a 202).")
    rejected: list[Rejection] = Field(default_factory=list, description=(
        "Per event, its index and reason; empty when the body itself was unusable (see `detail`)."))


ERRORS: dict[int, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The request cannot be used as sent; `detail` says why."},
    401: {"model": ErrorResponse, "description": "No key, or a key that is unknown, revoked or expired."},
    403: {"model": ErrorResponse, "description": "The key or the page's origin may not do this."},
    404: {"model": ErrorResponse, "description": "No such resource for this key (other sites' ids included)."},
    409: {"model": ErrorResponse, "description": "Conflicts with the current state of the resource."},
    413: {"model": ErrorResponse, "description": "The body (or the batch) is larger than the limit."},
    415: {"model": ErrorResponse, "description": "The body's Content-Type is not accepted here."},
    422: {"model": ValidationErrorResponse, "description": "A parameter or the body failed validation."},
    429: {"model": ErrorResponse, "description": "Too many requests; retry after `Retry-After` seconds.",
          "headers": _RETRY_AFTER},
    503: {"model": ErrorResponse, "description": "A store is unavailable; retry after `Retry-After` seconds.",
          "headers": _RETRY_AFTER},
}

# Collect's 400 carries the per-event rejections beside `detail`.
COLLECT_400 = {400: {**ERRORS[400], "model": CollectRejected,
                     "description": "No event was accepted; `rejected` has each event's index and reason."}}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The documented answers for `codes`, for a route's or a router's `responses=`."""
    return {code: ERRORS[code] for code in codes}


def validation_error_body(problems: list[dict[str, Any]]) -> dict[str, Any]:
    """The 422 body from pydantic's errors (only loc/msg/type: `input` and `ctx` may echo what was sent)."""
    items = [{"loc": [p if isinstance(p, int) else str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]}
             for e in problems]
    detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in items)
    return {"detail": detail or "invalid request", "errors": items}


def use_error_schemas(schema: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's generated document, with every 422 pointing at ValidationErrorResponse (what the
    handler sends) instead of FastAPI's HTTPValidationError, which is then dropped."""
    ours = {"$ref": "#/components/schemas/ValidationErrorResponse"}
    theirs = "#/components/schemas/HTTPValidationError"
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            media = operation.get("responses", {}).get("422", {}).get("content", {}).get("application/json", {})
            if media.get("schema", {}).get("$ref") == theirs:
                media["schema"] = ours
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    if "ValidationErrorResponse" not in components:
        definitions = ValidationErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(definitions.pop("$defs", {}))
        components["ValidationErrorResponse"] = definitions
    return schema
