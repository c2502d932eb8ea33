"""HTTP routes of dashboard: the pages and their assets, and the sign-in session.

The dashboard page is sent with a strict Content-Security-Policy (scripts and styles from this
origin only, no inline code, no framing), so even injected markup cannot run. Sign-in takes a
site's secret key or an organisation key with `stats:read` in a JSON body and answers with an
HttpOnly, SameSite=Strict cookie (Secure behind https); the key is never put in a URL, in storage a
script can read, or in the cookie (core.http.auth).
"""

from typing import Literal

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from core.http.auth import OWNER, SHARE, BrowserSession, browser_sessions, end_sessions, issue_session
from core.http.errors import errors
from core.tenancy.api_keys import ApiKeys
from core.tenancy.scopes import SITE_PUBLIC, SITE_SECRET, STATS_READ, Principal
from core.tenancy.service import SiteInfo, TenancyService
from tracking.dashboard.schemas import Asset, SessionInfo, SessionSite, SignIn
from tracking.dashboard.service import DashboardAssets
from tracking.dashboard.settings import DashboardSettings

router = APIRouter()
ASSETS = Provide["dashboard.assets"]
DASHBOARD_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI and ReDoc set inline styles, and ReDoc runs its search in a blob: worker.
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self' data:; worker-src 'self' blob:; base-uri 'none'; "
            "frame-ancestors 'none'")
_HTML = {200: {"content": {"text/html": {}}, "description": "The page."}}


def _send(asset: Asset, request: Request, headers: dict[str, str]) -> Response:
    headers = {**headers, "X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding",
               "Cache-Control": "public, max-age=31536000, immutable" if asset.immutable else "no-cache"}
    gzipped = "gzip" in request.headers.get("accept-encoding", "")
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(asset.gzipped if gzipped else asset.body, media_type=asset.media_type, headers=headers)


def _page(name: str, csp: str, request: Request, assets: DashboardAssets) -> Response:
    return _send(assets.page(name), request, {"Content-Security-Policy": csp, "X-Frame-Options": "DENY",
                                              "Referrer-Policy": "same-origin"})


@router.get("/", response_class=Response, responses=_HTML, tags=["dashboard"], summary="The dashboard")
@inject
def dashboard(request: Request, assets: DashboardAssets = Depends(ASSETS)) -> Response:
    """Sign in with the site's secret key, then the main view; `?view=realtime` is the realtime view.
    The date range, comparison and filters live in the query string, so a link reproduces the view."""
    return _page("index.html", DASHBOARD_CSP, request, assets)


@router.get("/share", response_class=Response, responses=_HTML, tags=["dashboard"],
            summary="A share link's read-only dashboard")
@inject
def shared_dashboard(request: Request, assets: DashboardAssets = Depends(ASSETS)) -> Response:
    """`/share#st_…`: the token stays in the fragment (never sent to a server or a log); the page
    exchanges it at `POST /api/v1/share-session` for a read-only cookie."""
    return _page("index.html", DASHBOARD_CSP, request, assets)


@router.get("/docs", response_class=Response, include_in_schema=False)
@inject
def swagger_ui(request: Request, assets: DashboardAssets = Depends(ASSETS)) -> Response:
    return _page("docs.html", DOCS_CSP, request, assets)


@router.get("/redoc", response_class=Response, include_in_schema=False)
@inject
def redoc(request: Request, assets: DashboardAssets = Depends(ASSETS)) -> Response:
    return _page("redoc.html", DOCS_CSP, request, assets)


@router.get("/dashboard/{name}", response_class=Response, include_in_schema=False)
@inject
def asset(name: str, request: Request, assets: DashboardAssets = Depends(ASSETS)) -> Response:
    found = assets.asset(name)
    if found is None:
        raise HTTPException(404, "no such dashboard file")
    return _send(found, request, {})


_SESSION_ERRORS = errors(401, 403)


@router.post("/api/v1/dashboard/session", response_model=SessionInfo, tags=["dashboard"],
             summary="Sign in to the dashboard", responses=_SESSION_ERRORS)
@inject
def sign_in(body: SignIn, request: Request, response: Response,
            keys: ApiKeys = Depends(Provide["core.api_keys"]),
            tenancy: TenancyService = Depends(Provide["core.tenancy"]),
            settings: DashboardSettings = Depends(Provide["dashboard.config"])) -> SessionInfo:
    """Exchanges a site's secret key, or an organisation key with `stats:read`, for a session cookie
    (`ut_session`: HttpOnly, SameSite=Strict, Secure behind https, expiring after
    UT_DASHBOARD_SESSION_TTL_S, or with the key). The cookie reads the numbers of the key's sites
    (the query engine, the live streams, the reports); an organisation key's session reads what the
    key reads, until the key is revoked, expires or is rotated. Changing anything still needs the key."""
    principal = keys.resolve(body.key.strip())
    if principal is None:
        raise HTTPException(401, "unknown, expired or revoked key")
    if principal.kind == SITE_PUBLIC:
        raise HTTPException(403, "sign in with the site's secret key (sk_…) or an organisation key (uk_…), "
                                 "not the site's public key")
    if STATS_READ not in principal.scopes:
        raise HTTPException(403, f"this key lacks the `{STATS_READ}` scope")
    ttl = settings.dashboard_session_ttl_s
    if principal.kind == SITE_SECRET:
        session = issue_session(request, response, site_id=principal.only_site() or "", scope=OWNER, ttl_s=ttl)
    else:
        if not _reached(principal, tenancy):
            raise HTTPException(403, "this key reaches no site yet: create one (POST /api/v1/sites)")
        expiry = None if principal.expires_at is None else int(principal.expires_at.timestamp())
        session = issue_session(request, response, site_id="", scope=OWNER, ttl_s=ttl, key_id=principal.key_id,
                                key_prefix=principal.prefix, not_after=expiry)
    described = _described(session, tenancy, keys)
    assert described is not None
    return described


@router.get("/api/v1/dashboard/session", response_model=SessionInfo, tags=["dashboard"],
            summary="The browser's dashboard session", responses=_SESSION_ERRORS)
@inject
def current_session(request: Request, scope: Literal["owner", "share"] = Query(
                        OWNER, description="`owner`: the sign-in; `share`: the share link's session."),
                    keys: ApiKeys = Depends(Provide["core.api_keys"]),
                    tenancy: TenancyService = Depends(Provide["core.tenancy"])) -> SessionInfo:
    """The sites the session cookie reads; 401 when signed out or expired, or when the organisation
    key it was opened with no longer works."""
    for session in browser_sessions(request):
        described = _described(session, tenancy, keys) if session.scope == scope else None
        if described is not None:
            return described
    raise HTTPException(401, "signed out" if scope == OWNER else "no share session: open the share link again")


@router.delete("/api/v1/dashboard/session", status_code=204, response_class=Response, tags=["dashboard"],
               summary="Sign out")
def sign_out(request: Request) -> Response:
    """Deletes the session cookies (the sign-in and any share link's)."""
    response = Response(status_code=204)
    end_sessions(request, response)
    return response


def _reached(principal: Principal, tenancy: TenancyService) -> list[SiteInfo]:
    """The key's sites by domain (the switcher's order)."""
    sites = [s for s in tenancy.list_sites(principal.org_id) if principal.reaches(s.id, s.org_id)]
    return sorted(sites, key=lambda s: (s.domain, s.id))


def _described(session: BrowserSession, tenancy: TenancyService, keys: ApiKeys) -> SessionInfo | None:
    """The session's sites, or None when it reads none any more (its site deleted, its key stopped)."""
    if session.key_id is None:
        site = tenancy.site(session.site_id)
        sites = [site] if site is not None else []
    else:
        principal = keys.session_principal(session.key_id, session.key_prefix)
        sites = _reached(principal, tenancy) if principal is not None and STATS_READ in principal.scopes else []
    if not sites:
        return None
    listed = [SessionSite(site_id=s.id, domain=s.domain, timezone=s.timezone) for s in sites]
    return SessionInfo(**listed[0].model_dump(), scope=session.scope if session.scope in (OWNER, SHARE) else OWNER,
                       expires_at=session.expires_at, sites=listed)
