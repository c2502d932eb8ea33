"""The one authorisation check of every API route: `requires(scope)` and its site-bound variants.

A route declares the scope it needs; the dependency answers, in this order:
401 no key (and no session cookie that may do it), or an unknown, expired or revoked key;
403 a real key without the scope (a site's public key has none);
404 a site id that does not exist, belongs to another organisation, or is not in the key's list,
all three with the same answer, so a key learns nothing about sites it cannot reach.

Session cookies (core.http.auth) keep their powers: with no key presented, the dashboard's
signed-in owner cookie reads (`stats:read` routes, and GETs of `sites:write` ones such as the goals
list) and a share link's cookie reads `stats:read` routes only; neither ever writes. A sign-in with
an organisation key reads no more than that key: the sites it reaches, with the scopes it holds,
and nothing once it is revoked, expired or rotated. Each factory
marks its dependency with the scope, which `describe_scopes` writes into the route's OpenAPI
description; the `Security` parameters put the key schemes and the scope in its `security`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from fastapi import APIRouter, HTTPException, Path, Query, Request, Security
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, HTTPBearer
from starlette.requests import HTTPConnection

from core.http.auth import OWNER, SAFE_METHODS, SHARE, browser_sessions, presented_key, standing_sessions
from core.http.store_calls import store_call
from core.tenancy.scopes import INGEST, ORG_ADMIN, SITE_PUBLIC, SITES_WRITE, STATS_READ, Principal
from core.tenancy.service import SiteInfo

API_KEY = APIKeyHeader(name="X-API-Key", scheme_name="ApiKey", auto_error=False,
                       description="An organisation key (`uk_…`) or a site's secret key (`sk_…`).")
BEARER = HTTPBearer(scheme_name="Bearer", auto_error=False, description="The same keys as `Authorization: Bearer`.")
# Which session cookies may stand in for a key, per scope (only on GET/HEAD; core.http.auth).
SESSION_POWERS = {STATS_READ: (OWNER, SHARE), SITES_WRITE: (OWNER,), INGEST: (), ORG_ADMIN: ()}
SITE_ID_PATH = Path(..., description="The site to act on.")
SITE_ID_QUERY = Query(..., description="The site to read.")


@dataclass(frozen=True, slots=True)
class Access:
    principal: Principal | None  # None: a session cookie was accepted instead of a key
    site: SiteInfo | None


def principal_for(conn: HTTPConnection, scope: str) -> Principal:
    """The presented key's principal if it holds `scope`; 401 or 403 otherwise."""
    key = presented_key(conn)
    if not key:
        raise HTTPException(401, "missing API key: send X-API-Key or Authorization: Bearer (or sign in at /)")
    principal = conn.app.state.core.api_keys().resolve(key)
    if principal is None:
        raise HTTPException(401, "unknown, expired or revoked API key")
    if scope not in principal.scopes:
        if principal.kind == SITE_PUBLIC:
            raise HTTPException(403, f"a site's public key only names the site in browser collect; this needs "
                                     f"the `{scope}` scope (the site's secret key or an organisation key)")
        raise HTTPException(403, f"this key lacks the `{scope}` scope")
    return principal


def reachable_site(conn: HTTPConnection, principal: Principal | None, site_id: str) -> SiteInfo:
    """The site, if it exists and the principal may reach it (a session's site was checked by the
    cookie); the one 404 for every other case."""
    site = conn.app.state.core.tenancy().site(site_id)
    if site is None or (principal is not None and not principal.reaches(site.id, site.org_id)):
        raise HTTPException(404, f"unknown site {site_id!r}")
    return site


def authorize(conn: HTTPConnection, scope: str, site_id: str | None, *,
              cookies: tuple[str, ...] | None = None, any_method: bool = False) -> Access:
    """`scope` on `site_id` (None: no site, e.g. the organisation's keys). `cookies`: the session
    scopes that may stand in for a key (default SESSION_POWERS), on GET/HEAD or a WebSocket unless
    `any_method` (a read sent as POST, such as the query engine's)."""
    allowed = SESSION_POWERS[scope] if cookies is None else cookies
    method = getattr(conn, "method", None)  # a WebSocket has none: it reads
    if site_id is not None and allowed and (any_method or method is None or method in SAFE_METHODS):
        site = _session_site(conn, scope, site_id, allowed)
        if site is not None:
            return Access(None, site)
    principal = principal_for(conn, scope)
    return Access(principal, reachable_site(conn, principal, site_id) if site_id is not None else None)


def _session_site(conn: HTTPConnection, scope: str, site_id: str, allowed: tuple[str, ...]) -> SiteInfo | None:
    """With no key presented: the site, if a session cookie of `allowed` reads it for `scope`; None
    when the browser has no live session (then the key decides: 401); 403 when its sessions are all
    of other sites, or its organisation key lacks `scope`."""
    lacking = live = False
    for session in standing_sessions(conn, allowed):
        if session.key_id is None:
            live = True
            if session.site_id == site_id:
                return reachable_site(conn, None, site_id)
            continue
        principal = conn.app.state.core.api_keys().session_principal(session.key_id, session.key_prefix)
        if principal is None:
            continue  # revoked, expired or rotated: as if signed out
        live = True
        site = conn.app.state.core.tenancy().site(site_id)
        if site is not None and principal.reaches(site.id, site.org_id):
            if scope in principal.scopes:
                return site
            lacking = True
    if lacking:
        raise HTTPException(403, f"this session's key lacks the `{scope}` scope")
    if live:
        raise HTTPException(403, "this session does not belong to the requested site")
    return None


def readable_site(conn: HTTPConnection, site_id: str, *, scope: str = STATS_READ) -> SiteInfo:
    """`stats:read` on a site named elsewhere than the path or query (a JSON body, a WebSocket)."""
    site = authorize(conn, scope, site_id, any_method=True).site
    assert site is not None
    return site


def declare_scope(dependency: Callable, scope: str, cookies: tuple[str, ...] | None) -> Callable:
    """Marks a dependency that checks `scope` itself (e.g. one that also takes a share token), so
    `describe_scopes` documents it like the factories' own."""
    dependency.required_scope = scope  # read by describe_scopes
    dependency.session_powers = SESSION_POWERS[scope] if cookies is None else cookies
    return dependency


@cache  # one dependency object per scope: FastAPI then runs it once per request
def requires(scope: str, *, org_wide: bool = False) -> Callable[..., Principal]:
    """For routes of the organisation (no site): the key's principal. `org_wide`: a key bound to
    some sites (a site's secret key among them) is refused too, for what would reach beyond them
    (minting keys, creating sites)."""
    def dependency(request: Request, _key: str | None = Security(API_KEY, scopes=[scope]),
                   _bearer=Security(BEARER, scopes=[scope])) -> Principal:
        principal = authorize(request, scope, None).principal
        assert principal is not None
        if org_wide and principal.site_ids is not None:
            raise HTTPException(403, f"this needs an {scope} key of the whole organisation "
                                     "(this one is bound to some sites)")
        return principal
    return declare_scope(dependency, scope, ())


def _site_named_by(where, scope: str, cookies: tuple[str, ...] | None) -> Callable[..., SiteInfo]:
    """The checked site, its id read from `where` (the path or the query string)."""
    def dependency(request: Request, site_id: str = where,
                   _key: str | None = Security(API_KEY, scopes=[scope]),
                   _bearer=Security(BEARER, scopes=[scope])) -> SiteInfo:
        site = authorize(request, scope, site_id, cookies=cookies).site
        assert site is not None
        return site
    return declare_scope(dependency, scope, cookies)


@cache
def site_in_path(scope: str, *, cookies: tuple[str, ...] | None = None) -> Callable[..., SiteInfo]:
    """For `/api/v1/sites/{site_id}/…` routes: the site, checked."""
    return _site_named_by(SITE_ID_PATH, scope, cookies)


@cache
def site_id_in_path(scope: str, *, cookies: tuple[str, ...] | None = None) -> Callable[..., str]:
    """`site_in_path`, answering the site id only (most routes need no more)."""
    def dependency(request: Request, site_id: str = SITE_ID_PATH,
                   _key: str | None = Security(API_KEY, scopes=[scope]),
                   _bearer=Security(BEARER, scopes=[scope])) -> str:
        return authorize(request, scope, site_id, cookies=cookies).site.id  # type: ignore[union-attr]
    return declare_scope(dependency, scope, cookies)


@cache
def site_in_query(scope: str, *, cookies: tuple[str, ...] | None = None) -> Callable[..., SiteInfo]:
    """For routes naming the site as `?site_id=` (the v1 stats, the seed's aliases)."""
    return _site_named_by(SITE_ID_QUERY, scope, cookies)


@cache
def site_in_body(scope: str) -> Callable[..., Callable[[str], SiteInfo]]:
    """For a read whose site is named in its JSON body (the query engine's POST): a checker to call
    with that id once the body is parsed; cookies are accepted as for a GET (it changes nothing)."""
    def dependency(request: Request, _key: str | None = Security(API_KEY, scopes=[scope]),
                   _bearer=Security(BEARER, scopes=[scope])) -> Callable[[str], SiteInfo]:
        if not browser_sessions(request):  # no cookie may stand in: 401/403 now, before the body is read
            principal_for(request, scope)
        return lambda site_id: readable_site(request, site_id, scope=scope)
    dependency.any_method = True  # cookies read through it whatever the method (describe_scopes)
    return declare_scope(dependency, scope, None)


def _ingest_site(request: Request, site_id: str | None) -> str:
    principal = principal_for(request, INGEST)
    wanted = site_id or principal.only_site()
    if wanted is None:
        raise HTTPException(400, "this key reaches several sites: name one with ?site_id=")
    return reachable_site(request, principal, wanted).id


async def ingest_site(request: Request, site_id: str | None = Query(
        None, description="The site the events are for; needed only when the key reaches several sites."),
        _key: str | None = Security(API_KEY, scopes=[INGEST]),
        _bearer=Security(BEARER, scopes=[INGEST])) -> str:
    """`ingest` for the hot `POST /api/v1/events`: async, the lookups in a store thread, so the
    route answers 503 in time when the database hangs (core.http.store_calls)."""
    return await store_call(request, _ingest_site, request, site_id)


declare_scope(ingest_site, INGEST, ())


def describe_scopes(router: APIRouter) -> None:
    """Appends "Needs the `scope` scope" (and which session cookies stand in) to the OpenAPI
    description of every route of `router` that declares one (idempotent: routers are shared by
    every app built in the process); a route that declares none is left as it is."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        found = _declared(route.dependant)
        if found is None or "Needs the `" in (route.description or ""):
            continue
        scope, powers, any_method = found
        line = f"Needs the `{scope}` scope (an organisation key that has it, or the site's secret key)."
        if powers and (any_method or route.methods <= SAFE_METHODS):
            names = " or ".join({OWNER: "the dashboard's sign-in", SHARE: "a share link's"}[p] + " cookie"
                                for p in powers)
            line += f" With no key, {names} also reads."
        route.description = f"{route.description}\n\n{line}".strip()


def _declared(dependant) -> tuple[str, tuple[str, ...], bool] | None:
    for dep in dependant.dependencies:
        scope = getattr(dep.call, "required_scope", None)
        if scope is not None:
            return scope, dep.call.session_powers, getattr(dep.call, "any_method", False)
        found = _declared(dep)
        if found is not None:
            return found
    return None
