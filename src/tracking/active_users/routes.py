"""HTTP routes of active_users: presence (snapshot and SSE), the live feed (SSE and WebSocket) and
share tokens. Thin: authenticate, hand the stream to the transport, map errors to statuses."""

import asyncio
import logging
from collections.abc import AsyncIterator

import anyio
from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, Security, WebSocket
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse
from sse_starlette.sse import SendTimeoutError

from core.http.access import API_KEY, BEARER, SESSION_POWERS, declare_scope, readable_site, site_id_in_path
from core.http.auth import SHARE, issue_session
from core.http.errors import answers, errors
from core.http.ids import RowId
from core.tenancy.scopes import SITES_WRITE, STATS_READ
from core.tenancy.service import SiteInfo, TenancyService
from tracking.active_users.schemas import (
    LiveEvent,
    PresenceSnapshot,
    ShareSession,
    ShareSessionCreate,
    ShareTokenCreate,
    ShareTokenCreated,
    ShareTokenInfo,
)
from tracking.active_users.service.presence import PresenceService
from tracking.active_users.service.streams import StreamMessage, events_stream, presence_stream
from tracking.active_users.service.tokens import ShareTokenService, TokenInfo
from tracking.active_users.settings import ActiveUsersSettings

log = logging.getLogger(__name__)
router = APIRouter(tags=["real time"])

TOKEN = Query(None, description="A share token of this site (read-only). Browsers' EventSource and WebSocket "
                                "cannot send headers; otherwise send a `stats:read` key in `X-API-Key`.")
LAST_ID = Header(None, alias="Last-Event-ID", description="Sent by EventSource when it reconnects.")
BACKLOG = Query(10, ge=0, le=100, description="Recent events sent first when not resuming.")


def _authorize(conn: Request | WebSocket, site_id: str, token: str | None, tenancy: TenancyService,
               tokens: ShareTokenService) -> SiteInfo:
    if not token:
        return readable_site(conn, site_id)  # a key in a header, or a session cookie
    owner = tokens.site_of(token)
    if owner is None:
        raise HTTPException(401, "unknown share token")
    if owner != site_id:
        raise HTTPException(403, "this share token does not belong to the requested site")
    site = tenancy.site(site_id)
    if site is None:
        raise HTTPException(404, f"unknown site {site_id!r}")
    return site


@answers(401, 403, 404)  # no key (or an unknown share token), another site's token, no such site
@inject
def live_reader(request: Request, site_id: str = Query(..., description="The site to read."), token: str | None = TOKEN,
                tenancy: TenancyService = Depends(Provide["core.tenancy"]),
                tokens: ShareTokenService = Depends(Provide["active_users.share_tokens"]),
                _key: str | None = Security(API_KEY, scopes=[STATS_READ]),
                _bearer=Security(BEARER, scopes=[STATS_READ])) -> SiteInfo:
    """The site, if a `stats:read` key, a session cookie or a share token of it was presented."""
    return _authorize(request, site_id, token, tenancy, tokens)


declare_scope(live_reader, STATS_READ, SESSION_POWERS[STATS_READ])
WRITE = Depends(site_id_in_path(SITES_WRITE))


def _sse_doc(model: type) -> dict:
    return {200: {"model": model, "content": {"text/event-stream": {}},
                  "description": "An SSE stream; each `data:` is one JSON object of this shape."}}


def _sse(messages: AsyncIterator[StreamMessage], settings: ActiveUsersSettings) -> EventSourceResponse:
    async def events():
        # Frames are formatted here rather than by ServerSentEvent: 200 clients per update make this
        # the hot path, and the data is compact JSON (one line). `retry` is sent once: clients keep it.
        head = f"retry: {settings.live_retry_ms}\r\n"
        async for m in messages:
            frame = f"{head}id: {m.id}\r\n" if m.id is not None else head
            yield f"{frame}event: {m.event}\r\ndata: {m.data}\r\n\r\n".encode()
            head = ""

    return _LiveResponse(events(), ping=settings.live_ping_s, send_timeout=settings.live_send_timeout_s)


class _LiveResponse(EventSourceResponse):
    """Cutting a client that stopped reading is the plan, not an error: end its response quietly."""

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except SendTimeoutError:
            log.info("stream client %s accepted no data for %.0fs: disconnected", scope.get("client"),
                     self.send_timeout)
            with anyio.move_on_after(0.1):  # its socket is full: do not wait for the last frame either
                await send({"type": "http.response.body", "body": b"", "more_body": False})


@router.get("/presence", response_model=PresenceSnapshot, summary="Who is on the site right now")
@inject
def presence(site: SiteInfo = Depends(live_reader),
             service: PresenceService = Depends(Provide["active_users.presence"])) -> PresenceSnapshot:
    """Visitors seen in the last UT_PRESENCE_WINDOW_S seconds, their smoothed count, and where they are."""
    return service.snapshot(site.id)


@router.get("/presence/stream", response_class=EventSourceResponse, responses=_sse_doc(PresenceSnapshot),
            summary="Presence as Server-Sent Events")
@inject
async def presence_sse(site: SiteInfo = Depends(live_reader), last_event_id: str | None = LAST_ID,
                       hub=Depends(Provide["active_users.hub"]),
                       service: PresenceService = Depends(Provide["active_users.presence"]),
                       settings: ActiveUsersSettings = Depends(Provide["active_users.config"])) -> EventSourceResponse:
    """`snapshot` on connect, then `presence` within a second of any change (any API process), with
    keep-alive comments, a `retry:` hint and increasing ids; after a reconnect with Last-Event-ID the
    current snapshot comes with a newer id."""
    return _sse(presence_stream(hub, service, site.id, last_event_id=last_event_id), settings)


@router.get("/events/stream", response_class=EventSourceResponse, responses=_sse_doc(LiveEvent),
            summary="Live events as Server-Sent Events")
@inject
async def events_sse(site: SiteInfo = Depends(live_reader), last_event_id: str | None = LAST_ID,
                     backlog: int = BACKLOG, hub=Depends(Provide["active_users.hub"]),
                     feed=Depends(Provide["active_users.feed"]),
                     settings: ActiveUsersSettings = Depends(Provide["active_users.config"])) -> EventSourceResponse:
    """Privacy-safe recent events (`event`), after Last-Event-ID when resuming; `dropped` tells a client
    that read too slowly how many it missed."""
    return _sse(events_stream(hub, feed, site.id, last_event_id=last_event_id, backlog=backlog,
                              keep=settings.live_feed_keep), settings)


@router.websocket("/events/ws")
@inject
async def events_ws(websocket: WebSocket, site_id: str = Query(...), token: str | None = Query(None),
                    last_event_id: str | None = Query(None), backlog: int = Query(10, ge=0, le=100),
                    tenancy: TenancyService = Depends(Provide["core.tenancy"]),
                    tokens: ShareTokenService = Depends(Provide["active_users.share_tokens"]),
                    hub=Depends(Provide["active_users.hub"]), feed=Depends(Provide["active_users.feed"]),
                    settings: ActiveUsersSettings = Depends(Provide["active_users.config"])) -> None:
    """The live feed over WebSocket: frames `{"event", "id", "data"}`, the same messages as the SSE feed."""
    try:
        site = await run_in_threadpool(_authorize, websocket, site_id, token, tenancy, tokens)
    except HTTPException as exc:
        await websocket.close(code=1008, reason=str(exc.detail))
        return
    await websocket.accept()
    messages = events_stream(hub, feed, site.id, last_event_id=last_event_id, backlog=backlog,
                             keep=settings.live_feed_keep)

    async def pump() -> None:
        async for m in messages:
            await asyncio.wait_for(websocket.send_text(m.as_json()), settings.live_send_timeout_s)

    async def until_closed() -> None:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass

    tasks = {asyncio.create_task(pump()), asyncio.create_task(until_closed())}
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await messages.aclose()


def _described(info: TokenInfo) -> dict:
    return {"id": info.id, "label": info.label, "prefix": info.prefix, "created_at": info.created_at}


@router.post("/api/v1/sites/{site_id}/share-tokens", status_code=201, response_model=ShareTokenCreated,
             summary="Create a read-only share token")
@inject
def create_share_token(body: ShareTokenCreate | None = None, site_id: str = WRITE,
                       tokens: ShareTokenService = Depends(Provide["active_users.share_tokens"])) -> ShareTokenCreated:
    """The token (shown only here) reads this site's presence and live
    feed, as `?token=`, and opens its dashboard read-only at `/share#<token>`; it writes nothing."""
    info, token = tokens.create(site_id=site_id, label=body.label if body else "")
    return ShareTokenCreated(**_described(info), token=token)


@router.get("/api/v1/sites/{site_id}/share-tokens", response_model=list[ShareTokenInfo],
            summary="List share tokens")
@inject
def list_share_tokens(site_id: str = WRITE,
                      tokens: ShareTokenService = Depends(Provide["active_users.share_tokens"]),
                      ) -> list[ShareTokenInfo]:
    """The site's share tokens (stored hashed: only their prefix is shown)."""
    return [ShareTokenInfo(**_described(i)) for i in tokens.list(site_id=site_id)]


@router.delete("/api/v1/sites/{site_id}/share-tokens/{token_id}", status_code=204, response_class=Response,
               responses=errors(404),
               summary="Revoke a share token")
@inject
def revoke_share_token(token_id: RowId, site_id: str = WRITE,
                       tokens: ShareTokenService = Depends(Provide["active_users.share_tokens"])) -> Response:
    """Stops working at once on this process, within 5 s on the others."""
    if not tokens.revoke(site_id=site_id, token_id=token_id):
        raise HTTPException(404, "no such share token for this site")
    return Response(status_code=204)


@router.post("/api/v1/share-session", response_model=ShareSession, summary="Open a share link's read-only session",
             responses={401: {"description": "Unknown or revoked share token."}})
@inject
def open_share_session(body: ShareSessionCreate, request: Request, response: Response,
                       tokens: ShareTokenService = Depends(Provide["active_users.share_tokens"]),
                       settings: ActiveUsersSettings = Depends(Provide["active_users.config"])) -> ShareSession:
    """Exchanges a share token for the `ut_share` cookie (HttpOnly, SameSite=Strict, Secure behind https,
    UT_SHARE_SESSION_TTL_S): it reads the site's dashboard queries (the query engine, the live streams,
    the e-commerce and vitals reports) and no write route. The share page renews it from its link, so
    a revoked token stops the page within that time."""
    site_id = tokens.site_of(body.token.strip())
    if site_id is None:
        raise HTTPException(401, "unknown share token")
    session = issue_session(request, response, site_id=site_id, scope=SHARE, ttl_s=settings.share_session_ttl_s)
    return ShareSession(site_id=session.site_id, expires_at=session.expires_at)
