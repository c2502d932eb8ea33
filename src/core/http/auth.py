"""API-key checks: the secret key authenticates servers and grants read access to its site.

Keys come in `X-API-Key` or `Authorization: Bearer`. 401 means no or unknown key; 403 means a
real key that may not do this (a public key reading stats, or another site's key).

A browser reads with a session cookie instead (the dashboard: signed in with the secret key, or
opened from a share link), never with a key it would have to keep in script-readable storage.
A cookie only ever reads: it is accepted by `read_access` on GET/HEAD, by `readable_site` (the
query engine's POST, which changes nothing) and, for an owner's sign-in only, by `owned_site_id`
on GET (the goals list). Writes and server ingest take the key alone, so a forged cross-site
request has nothing to ride on even where SameSite=Strict is not enforced.
"""

import base64
import hashlib
import hmac
import ipaddress
import json
import time
from dataclasses import dataclass

from dependency_injector.wiring import Provide, inject
from fastapi import Depends, HTTPException, Path, Query, Request, Response
from starlette.requests import HTTPConnection

from core.http.context import parse_networks
from core.http.store_calls import store_call
from core.tenancy.service import SiteInfo, TenancyService

OWNER, SHARE = "owner", "share"
COOKIES = {OWNER: "ut_session", SHARE: "ut_share"}  # two names: opening a share link keeps a sign-in
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True, slots=True)
class BrowserSession:
    site_id: str
    scope: str  # OWNER (signed in with the secret key) or SHARE (a share link: reads only)
    expires_at: int  # unix seconds


def _signing_key(conn: HTTPConnection) -> bytes:
    secret = conn.app.state.core.settings().secret_key
    return hmac.new(secret.encode(), b"ut-browser-session-v1", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def issue_session(request: Request, response: Response, *, site_id: str, scope: str,
                  ttl_s: int) -> BrowserSession:
    """Sets the signed session cookie: HttpOnly, SameSite=Strict, Secure when the browser came over
    https, expiring with the session. Stateless (HMAC with UT_SECRET_KEY), so every API process
    accepts it; signing out deletes it in the browser."""
    session = BrowserSession(site_id, scope, int(time.time()) + ttl_s)
    payload = _b64(json.dumps([session.site_id, session.scope, session.expires_at]).encode())
    signature = _b64(hmac.new(_signing_key(request), payload.encode(), hashlib.sha256).digest())
    response.set_cookie(COOKIES[scope], f"{payload}.{signature}", max_age=ttl_s, expires=ttl_s, path="/",
                        httponly=True, samesite="strict", secure=_over_https(request))
    return session


def end_sessions(request: Request, response: Response) -> None:
    # Max-Age=0 and an expiry in the past (Starlette's delete_cookie dates it "now": a client a
    # second behind would keep the cookie that long).
    for name in COOKIES.values():
        response.set_cookie(name, "", max_age=0, expires="Thu, 01 Jan 1970 00:00:00 GMT", path="/", httponly=True,
                            samesite="strict", secure=_over_https(request))


def browser_sessions(conn: HTTPConnection) -> list[BrowserSession]:
    """The valid, unexpired session cookies the browser sent (owner first)."""
    found = []
    for scope, name in COOKIES.items():
        payload, _, signature = conn.cookies.get(name, "").partition(".")
        if not signature:
            continue
        good = _b64(hmac.new(_signing_key(conn), payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(good, signature):
            continue
        try:
            site_id, claimed, expires_at = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            continue
        if claimed == scope and isinstance(expires_at, int) and expires_at > time.time():
            found.append(BrowserSession(str(site_id), scope, expires_at))
    return found


def _over_https(request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    if request.headers.get("x-forwarded-proto", "").lower() != "https" or request.client is None:
        return False
    try:
        peer = ipaddress.ip_address(request.client.host)
    except ValueError:
        return False
    return any(peer in net for net in parse_networks(getattr(request.app.state, "trusted_proxies", "") or ""))


def _same_origin(conn: HTTPConnection) -> bool:
    origin = conn.headers.get("origin", "")
    return bool(origin) and origin.partition("://")[2] == conn.headers.get("host", "")


def session_reads(conn: HTTPConnection, site_id: str, scopes: tuple[str, ...]) -> bool:
    """With no key presented: whether a session cookie of `scopes` reads `site_id` (403 when the
    browser's sessions are all of other sites; False when it has none)."""
    if presented_key(conn):
        return False  # a presented key is judged on its own, cookie or not
    if conn.scope.get("type") == "websocket" and not _same_origin(conn):
        return False  # a page of another site may open a WebSocket here: it gets no cookie's rights
    sessions = [s for s in browser_sessions(conn) if s.scope in scopes]
    if not sessions:
        return False
    if not any(s.site_id == site_id for s in sessions):
        raise HTTPException(403, "this session does not belong to the requested site")
    return True


def presented_key(request: HTTPConnection) -> str:
    key = request.headers.get("x-api-key", "")
    if not key:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        key = value.strip() if scheme.lower() == "bearer" else ""
    return key


def _secret_owner(request: Request, tenancy: TenancyService) -> str:
    key = presented_key(request)
    if not key:
        raise HTTPException(401, "missing API key: send X-API-Key or Authorization: Bearer (or sign in at /)")
    owner = tenancy.key_owner(key)
    if owner is None:
        raise HTTPException(401, "unknown API key")
    site_id, kind = owner
    if kind != "secret":
        raise HTTPException(403, "this endpoint needs the site's secret key, not its public key")
    return site_id


def _check_owner(owner: str, site_id: str) -> None:
    if owner != site_id:
        raise HTTPException(403, "this key does not belong to the requested site")


async def secret_key_site(request: Request) -> str:
    """The site whose secret key was presented. Async, the lookup in a store thread: this guards the
    hot `POST /api/v1/events`, which must answer 503 in time when the database hangs."""
    return await store_call(request, _secret_owner, request, request.app.state.core.tenancy())


@inject
def owned_site_id(request: Request, site_id: str = Path(..., description="The site to act on."),
                  tenancy: TenancyService = Depends(Provide["core.tenancy"])) -> str:
    """The `{site_id}` of a `/api/v1/sites/{site_id}/…` route, when the presented secret key is that
    site's own: the one owner check of every per-site route. On GET, an owner's signed-in session
    cookie also reads (the dashboard's goals list); a share link's never does."""
    if request.method in SAFE_METHODS and session_reads(request, site_id, (OWNER,)):
        return site_id
    _check_owner(_secret_owner(request, tenancy), site_id)
    return site_id


@inject
def read_access(request: Request, site_id: str = Query(..., description="The site to read."),
                tenancy: TenancyService = Depends(Provide["core.tenancy"])) -> SiteInfo:
    """The site named by `site_id`, if the presented key (or, on GET, a session cookie) may read it."""
    writes = getattr(request, "method", "GET") not in SAFE_METHODS  # a WebSocket has no method: it reads
    return readable_site(request, tenancy, site_id, writes=writes)


def readable_site(request: HTTPConnection, tenancy: TenancyService, site_id: str, *,
                  writes: bool = False) -> SiteInfo:
    """`read_access` for a site named elsewhere than the query string (e.g. a JSON body)."""
    if writes or not session_reads(request, site_id, (OWNER, SHARE)):
        _check_owner(_secret_owner(request, tenancy), site_id)
    site = tenancy.site(site_id)
    if site is None:
        raise HTTPException(404, f"unknown site {site_id!r}")
    return site
