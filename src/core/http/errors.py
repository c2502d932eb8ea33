"""The one error shape of the API, and the one place routes take their documented error answers from.

Every 4xx and 5xx body is `{"detail": "<one human-readable line>", ...}`: what the dashboard shows,
what Plausible-style clients print, and what FastAPI's own HTTPException answers. A request that
fails validation (422) adds `errors`, one `{loc, msg, type}` item per problem (FastAPI's items), so
a client can point at the field; the collect routes' 400 adds the per-event `rejected` list.

Routes document the errors of their own code with `responses=errors(409)`. What their dependencies
answer is added by `document_route_errors`, from the dependencies themselves, so a route cannot
forget it; the 422 of every route by `use_error_schemas` (FastAPI adds its own 422 to any route with
parameters, with an array `detail` this API never sends).
"""

from collections.abc import Callable, Iterable
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
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


def answers(*codes: int) -> Callable[[Callable], Callable]:
    """Marks a dependency with the error statuses it raises: every route that depends on it
    (directly or through other dependencies) documents them."""
    def mark(dependency: Callable) -> Callable:
        dependency.documented_errors = codes
        return dependency
    return mark


def _dependency_errors(dependant: Dependant) -> set[int]:
    codes: set[int] = set()
    for dep in dependant.dependencies:
        codes.update(getattr(dep.call, "documented_errors", ()))
        if getattr(dep.call, "required_scope", None) is not None:  # core.http.access.declare_scope
            codes.update((401, 403))  # no or a bad key; a key without the scope
            if any(p.name == "site_id" for p in (*dep.path_params, *dep.query_params)):
                codes.add(404)  # a site that does not exist or that the key cannot reach
        codes |= _dependency_errors(dep)
    return codes


def _all_query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for dep in dependant.dependencies:
        names |= _all_query_names(dep)
    return names


def document_route_errors(routes: Iterable[object]) -> None:
    """Adds to each route's documented answers the errors its dependencies raise (`answers`, and the
    401/403/404 of the scope check), the 400 of a report's date range (a route that takes `from`
    and `to` refuses a reversed range or one outside the years the stores hold) and of a body FastAPI
    cannot decode. A status the route documents itself is left as it is."""
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        codes = _dependency_errors(route.dependant)
        if {"from", "to"} <= _all_query_names(route.dependant):
            codes.add(400)
        if route.body_field is not None:
            codes.add(400)  # FastAPI's own "There was an error parsing the body" (e.g. not UTF-8)
        documented = {str(code) for code in route.responses}
        for code in sorted(codes):
            if str(code) not in documented:
                route.responses[code] = ERRORS[code]


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
