"""Request-body schemas of the ingest routes that read their raw body themselves.

`/collect/*` and `POST /api/v1/events` parse the bytes with orjson and validate each event on its
own (one bad event is rejected by index, the others are kept), which FastAPI's body parameters
cannot do and which is faster. So FastAPI cannot see their body: the routes declare it with
`openapi_extra=json_body(name)`, and `add_body_schemas` puts the named schemas, built from the same
pydantic models the ingest path validates with, into the document's components.
"""

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from core.ingest.event_types import EventTypeSpec
from core.ingest.schemas import CORE_TYPES, BrowserEvent, ServerEvent

_REF = "#/components/schemas/{model}"


def _array_or_object(model: type[BaseModel], description: str) -> dict[str, Any]:
    ref = {"$ref": _REF.format(model=model.__name__)}
    return {"description": description, "anyOf": [ref, {"type": "array", "items": ref, "minItems": 1}]}


_NAMED: dict[str, dict[str, Any]] = {
    "BrowserBatch": {"description": "`{\"events\": [...]}` (or the bare array), at most UT_MAX_BATCH_EVENTS.",
                     "anyOf": [{"type": "object", "required": ["events"], "properties": {"events": {
                         "type": "array", "minItems": 1, "items": {"$ref": _REF.format(model="BrowserEvent")}}}},
                               {"type": "array", "minItems": 1, "items": {"$ref": _REF.format(model="BrowserEvent")}}]},
    "ServerEvents": _array_or_object(ServerEvent, "One event, or an array of up to UT_MAX_SERVER_BATCH_EVENTS."),
}


def json_body(name: str, *, example: object) -> dict[str, Any]:
    """`openapi_extra` for a route whose body is the schema `name`. The body may also come as
    `text/plain` (what `navigator.sendBeacon` sends), and gzipped with `Content-Encoding: gzip`."""
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": _REF.format(model=name)}, "example": example},
        "text/plain": {"schema": {"type": "string", "description": "The same JSON, sent as text/plain."}},
    }}}


def add_body_schemas(schema: dict[str, Any], event_types: Sequence[EventTypeSpec] = ()) -> dict[str, Any]:
    """The bodies' schemas into the document's components. A browser event's `type` is core's or
    one an installed module registers, and that module's type carries its own top-level fields
    (`ecommerce`, a vital's `value`...), which the spec validates: they are named here, their
    shapes are on the module's `/collect/<type>` route."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (BrowserEvent, ServerEvent):
        definition = model.model_json_schema(ref_template=_REF, by_alias=True)
        components.update(definition.pop("$defs", {}))
        components[model.__name__] = definition
    browser = components["BrowserEvent"]["properties"]
    browser["type"]["enum"] = sorted(CORE_TYPES | {spec.type for spec in event_types})
    carried_by: dict[str, list[str]] = {}
    for spec in event_types:
        for field in spec.fields:
            carried_by.setdefault(field, []).append(f"`{spec.type}`")
    for field, types in sorted(carried_by.items()):
        browser[field] = {"description": f"Only with type {' or '.join(types)} (see its /collect route)."}
    components.update(_NAMED)
    return schema
