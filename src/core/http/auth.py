"""Where a request's credentials come from: the presented key, and the browser's session cookies.

Keys come in `X-API-Key` or `Authorization: Bearer`; what a key may do is decided in
core.http.access (scopes), the one check every route declares.

A browser reads with a session cookie instead (the dashboard: signed in with a site's secret key
or an organisation key, or opened from a share link), never with a key it would have to keep in
script-readable storage. A cookie never holds a key: a site key's session names its site, an
organisation key's session the key's id and prefix, so it reads what the key reads while the key
works (core.http.access checks it on every request: revoked, expired or rotated, it reads nothing).
A cookie only ever reads (core.http.access.SESSION_POWERS: GET/HEAD, and the query engine's POST,
which changes nothing). Writes and server ingest take a key alone, so a forged cross-site request
has nothing to ride on even where SameSite=Strict is not enforced.
"""

import base64
import hashlib
import hmac
import ipaddress
import json
import time
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.requests import HTTPConnection

from core.http.context import parse_networks

OWNER, SHARE = "owner", "share"
COOKIES = {OWNER: "ut_session", SHARE: "ut_share"}  # two names: opening a share link keeps a sign-in
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True, slots=True)
class BrowserSession:
    site_id: str  # the site it reads; "" for an organisation key's session (its key says which)
    scope: str  # OWNER (signed in with a key) or SHARE (a share link: reads only)
    expires_at: int  # unix seconds
    key_id: int | None = None  # signed in with this organisation key
    key_prefix: str = ""  # that key's prefix at sign-in: a rotation changes it


def _signing_key(conn: HTTPConnection) -> bytes:
    secret = conn.app.state.core.settings().secret_key
    return hmac.new(secret.encode(), b"ut-browser-session-v1", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def issue_session(request: Request, response: Response, *, site_id: str, scope: str, ttl_s: int,
                  key_id: int | None = None, key_prefix: str = "", not_after: int | None = None) -> BrowserSession:
    """Sets the signed session cookie: HttpOnly, SameSite=Strict, Secure when the browser came over
    https, expiring with the session (and no later than `not_after`, a key's own expiry). Stateless
    (HMAC with UT_SECRET_KEY), so every API process accepts it; signing out deletes it in the browser."""
    now = int(time.time())
    expires_at = now + ttl_s if not_after is None else min(now + ttl_s, not_after)
    session = BrowserSession(site_id, scope, expires_at, key_id, key_prefix)
    fields = [session.site_id, session.scope, session.expires_at] + ([key_id, key_prefix] if key_id is not None else [])
    payload = _b64(json.dumps(fields).encode())
    signature = _b64(hmac.new(_signing_key(request), payload.encode(), hashlib.sha256).digest())
    response.set_cookie(COOKIES[scope], f"{payload}.{signature}", max_age=expires_at - now, expires=expires_at - now,
                        path="/", httponly=True, samesite="strict", secure=_over_https(request))
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
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            site_id, claimed, expires_at, *key = json.loads(raw)
        except ValueError:
            continue
        if claimed == scope and isinstance(expires_at, int) and expires_at > time.time():
            key_id, key_prefix = key if len(key) == 2 else (None, "")
            found.append(BrowserSession(str(site_id), scope, expires_at, key_id, str(key_prefix)))
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


def standing_sessions(conn: HTTPConnection, scopes: tuple[str, ...]) -> list[BrowserSession]:
    """The session cookies of `scopes` that may stand in for a key here: none when a key is
    presented, or for a WebSocket opened by a page of another origin (which decides what they read
    is core.http.access)."""
    if presented_key(conn):
        return []  # a presented key is judged on its own, cookie or not
    if conn.scope.get("type") == "websocket" and not _same_origin(conn):
        return []  # a page of another site may open a WebSocket here: it gets no cookie's rights
    return [s for s in browser_sessions(conn) if s.scope in scopes]


def presented_key(request: HTTPConnection) -> str:
    key = request.headers.get("x-api-key", "")
    if not key:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        key = value.strip() if scheme.lower() == "bearer" else ""
    return key
