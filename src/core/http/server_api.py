"""Server-to-server ingestion: `POST /api/v1/events` with a key of the `ingest` scope (the site's
secret key, or an organisation key; `?site_id=` names the site when the key reaches several).

Takes one event or an array of up to `UT_MAX_SERVER_BATCH_EVENTS` in the seed format
(`userId`, `eventName`, `timestamp`, `properties`). When `X-Signature: sha256=<hex>` is sent, it
must be the HMAC-SHA256 of the raw body under the presented key, proving the body was not altered.
The key lookup and the ingest call each run off the event loop (core.http.store_calls).
"""

import hashlib
import hmac

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from core.config.settings import Settings
from core.http.access import ingest_site
from core.http.auth import presented_key
from core.http.body import parse_json, read_body
from core.http.body_schemas import json_body
from core.http.collect import answer
from core.http.context import request_context
from core.http.deps import current_settings, ingest_service
from core.http.errors import COLLECT_400, errors
from core.http.rate_limit import limited_server_ingest, too_many
from core.http.responses import CollectResponse
from core.http.store_calls import store_call
from core.ingest.service import IngestService
from core.realtime.rate_limits import RateLimited

router = APIRouter(prefix="/api/v1", tags=["server ingest"])
_EXAMPLE = {"userId": "u_42", "eventName": "purchase", "timestamp": "2026-05-01T12:00:00Z",
            "eventId": "5b0c7c9e-3f5e-4b8e-9a51-2f1f5d9e7c10", "properties": {"plan": "pro"}}


@router.post("/events", status_code=202, response_model=CollectResponse,
             responses={**COLLECT_400, **errors(401, 403, 404, 413, 503)}, summary="Send events from your server",
             openapi_extra=json_body("ServerEvents", example=_EXAMPLE))
async def server_events(request: Request, site_id: str = Depends(ingest_site),
                        ingest: IngestService = Depends(ingest_service),
                        settings: Settings = Depends(current_settings)) -> Response:
    """One event object or an array of them; `userId` and `eventName` are required.
    Optional: `timestamp` (ISO 8601 or ms), `eventId` (UUID, for dedup), `url`, `referrer`,
    `ip` and `userAgent` of the visitor (hashed into the visitor id, never stored), `properties`,
    `user` (raw e-mail, phone... for ad-platform forwarding: handed to edge sinks only, never stored
    with the event) and `consent` (`marketing: false` keeps the event from ad platforms)."""
    raw = await read_body(request, settings.max_body_bytes)
    signature = request.headers.get("x-signature")
    if signature is not None:
        expected = "sha256=" + hmac.new(presented_key(request).encode(), raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature.strip().lower(), expected):
            raise HTTPException(401, "X-Signature does not match the body")
    body = parse_json(raw)
    items = body if isinstance(body, list) else [body]
    if len(items) > settings.max_server_batch_events:
        raise HTTPException(413, f"at most {settings.max_server_batch_events} events per call")
    if not items:
        raise HTTPException(400, "no events in the body")
    core = request.app.state.core
    try:
        return answer(await store_call(request, limited_server_ingest, core.rate_limits(), ingest, items, site_id,
                                       request_context(request)))
    except RateLimited as exc:
        raise too_many(exc, core.metrics()) from None
