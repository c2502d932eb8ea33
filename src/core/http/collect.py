"""Browser collect endpoints: single pageview or event, batches, and the no-JS pixel.

Browser calls name their site by `site_id`; the request's origin must be one of the site's.
Bodies may be JSON or `text/plain` (what `navigator.sendBeacon` sends), optionally gzipped.
The ingest call (site lookup, edge, buffer append) runs off the event loop (core.http.store_calls).
"""

import base64
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from core.config.settings import Settings
from core.http.body import read_json
from core.http.body_schemas import json_body
from core.http.context import request_context
from core.http.deps import current_settings, ingest_service
from core.http.errors import COLLECT_400, errors
from core.http.rate_limit import limited_browser_collect, too_many
from core.http.responses import CollectResponse, json_response
from core.http.store_calls import store_call
from core.ingest.service import IngestResult, IngestService, OriginNotAllowed
from core.realtime.rate_limits import RateLimited

router = APIRouter(prefix="/collect", tags=["collect"])

_ERRORS = {**COLLECT_400, **errors(403, 413, 503)}
_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
_EVENT_EXAMPLE = {"site_id": "site_0123456789abcdef", "url": "https://example.com/pricing",
                  "referrer": "https://www.google.com/", "props": {"plan": "pro"}}


def answer(result: IngestResult) -> Response:
    """202 when any event was accepted; else 400 in the API's error shape (`detail` first), with
    the same per-event `rejected` list a partial 202 carries."""
    body = {"accepted": result.accepted, "rejected": result.rejected}
    if result.accepted or not result.rejected:
        return json_response(body, 202)
    first = result.rejected[0]
    detail = (f"the event was rejected: {first['error']}" if len(result.rejected) == 1 else
              f"all {len(result.rejected)} events were rejected (index {first['index']}: {first['error']})")
    return json_response({"detail": detail, **body}, 400)


def _origin(request: Request) -> str | None:
    """The page's origin, from Origin or else Referer. `Origin: null` (a sandboxed iframe, a
    file:// page, some redirects) names no site, so it matches no allow-list: refused, not waved through."""
    origin = request.headers.get("origin")
    if origin:
        return origin
    referer = request.headers.get("referer")
    if referer:
        try:
            parts = urlsplit(referer)
        except ValueError:  # a malformed Referer is the client's problem, not a 500
            return None
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
    return None


async def collect_browser(ingest: IngestService, items: list, request: Request,
                          forced: str | None = None) -> IngestResult:
    """The browser collect path (rate limits and origin check included), shared by core's and modules'
    collect routes; the ingest call runs in a store thread, at most UT_STORE_TIMEOUT_S."""
    ctx, origin = request_context(request), _origin(request)
    core = request.app.state.core
    try:
        return await store_call(request, limited_browser_collect, core.rate_limits(), ingest, items, ctx, origin,
                                forced)
    except OriginNotAllowed as exc:
        raise HTTPException(403, str(exc)) from exc
    except RateLimited as exc:
        raise too_many(exc, core.metrics()) from None


async def collect_one(request: Request, forced: str | None = None) -> Response:
    """A whole single-event browser collect route: body limits, origin, validation, 202 or 400.
    Every route that takes one event (core's and modules' `/collect/<type>`) is this one call;
    `forced` sets the event's `type`. It resolves core's singletons without leaving the event loop."""
    core = request.app.state.core
    body = await read_json(request, core.settings().max_body_bytes)
    return answer(await collect_browser(core.ingest(), [body], request, forced))


@router.post("/pageview", status_code=202, response_model=CollectResponse, responses=_ERRORS,
             summary="Record one pageview", openapi_extra=json_body("BrowserEvent", example=_EVENT_EXAMPLE))
async def collect_pageview(request: Request) -> Response:
    """One pageview `{site_id, url, referrer?, event_id?, ts?, sent_at?, props?}`; `type` is implied."""
    return await collect_one(request, "pageview")


@router.post("/event", status_code=202, response_model=CollectResponse, responses=_ERRORS,
             summary="Record one custom event",
             openapi_extra=json_body("BrowserEvent", example={**_EVENT_EXAMPLE, "name": "signup"}))
async def collect_event(request: Request) -> Response:
    """One event `{site_id, name, url?, props?, ...}` (`type` defaults to `event`)."""
    return await collect_one(request)


@router.post("/batch", status_code=202, response_model=CollectResponse, responses=_ERRORS,
             summary="Record a batch of events",
             openapi_extra=json_body("BrowserBatch", example={"events": [{**_EVENT_EXAMPLE, "type": "pageview"}]}))
async def collect_batch(request: Request, ingest: IngestService = Depends(ingest_service),
                        settings: Settings = Depends(current_settings)) -> Response:
    """`{"events": [...]}` with up to `UT_MAX_BATCH_EVENTS` events; bad ones are rejected by index."""
    body = await read_json(request, settings.max_body_bytes)
    events = body.get("events") if isinstance(body, dict) else body
    if not isinstance(events, list):
        raise HTTPException(400, 'expected {"events": [...]}')
    if len(events) > settings.max_batch_events:
        raise HTTPException(413, f"at most {settings.max_batch_events} events per batch, got {len(events)}")
    if not events:
        raise HTTPException(400, "the batch has no events")
    return answer(await collect_browser(ingest, events, request))


_GIF_ERROR = {"X-UT-Error": {"description": "Why the event was rejected.", "schema": {"type": "string"}}}


@router.get("/p.gif", summary="Tracking pixel (no JavaScript)", response_class=Response, status_code=202,
            responses={202: {"content": {"image/gif": {}}, "description": "A 1x1 GIF; the event was recorded."},
                       400: {"content": {"image/gif": {}}, "headers": _GIF_ERROR,
                             "description": "The same GIF; the event was rejected (see X-UT-Error)."},
                       **errors(403, 503)})
async def pixel(request: Request, site_id: str = Query(..., max_length=64), url: str = Query("", max_length=2048),
          referrer: str = Query("", max_length=2048), name: str = Query("", max_length=200),
          ingest: IngestService = Depends(ingest_service)) -> Response:
    """`<img src="/collect/p.gif?site_id=...&url=...">` records a pageview (or the event `name`)."""
    event = {"site_id": site_id, "url": url, "referrer": referrer,
             "type": "event" if name else "pageview", "name": name}
    result = await collect_browser(ingest, [event], request)
    headers = {"Cache-Control": "no-store"}
    if result.rejected:
        # Header values must be latin-1: keep the reason readable, drop what cannot be sent.
        headers["X-UT-Error"] = result.rejected[0]["error"][:200].encode("ascii", "replace").decode()
    return Response(_GIF, status_code=202 if result.accepted else 400, media_type="image/gif", headers=headers)
