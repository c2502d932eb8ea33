"""HTTP routes of dashboard: the pages and their assets, and the sign-in session.

The dashboard page is sent with a strict Content-Security-Policy (scripts and styles from this
origin only, no inline code, no framing), so even injected markup cannot run. Sign-in takes the
secret key in a JSON body and answers with an HttpOnly, SameSite=Strict cookie (Secure behind
https); the key is never put in a URL or in storage a script can read.
"""

from typing import Literal

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from core.http.auth import OWNER, SHARE, browser_sessions, end_sessions, issue_session
from core.http.errors import errors
from core.tenancy.service import TenancyService
from tracking.dashboard.schemas import Asset, SessionInfo, SignIn
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
            tenancy: TenancyService = Depends(Provide["core.tenancy"]),
            settings: DashboardSettings = Depends(Provide["dashboard.config"])) -> SessionInfo:
    """Exchanges the site's secret key for a session cookie (`ut_session`: HttpOnly, SameSite=Strict,
    Secure behind https, expiring after UT_DASHBOARD_SESSION_TTL_S). The cookie reads the site's
    numbers (the query engine, the live streams, the reports); changing anything still needs the key."""
    owner = tenancy.key_owner(body.key.strip())
    if owner is None:
        raise HTTPException(401, "unknown key")
    site_id, kind = owner
    if kind != "secret":
        raise HTTPException(403, "sign in with the site's secret key (sk_…), not its public key")
    session = issue_session(request, response, site_id=site_id, scope=OWNER, ttl_s=settings.dashboard_session_ttl_s)
    return _described(session.site_id, session.scope, session.expires_at, tenancy)


@router.get("/api/v1/dashboard/session", response_model=SessionInfo, tags=["dashboard"],
            summary="The browser's dashboard session", responses=_SESSION_ERRORS)
@inject
def current_session(request: Request, scope: Literal["owner", "share"] = Query(
                        OWNER, description="`owner`: the sign-in; `share`: the share link's session."),
                    tenancy: TenancyService = Depends(Provide["core.tenancy"])) -> SessionInfo:
    """The site the session cookie reads; 401 when signed out or expired."""
    for session in browser_sessions(request):
        if session.scope == scope:
            return _described(session.site_id, session.scope, session.expires_at, tenancy)
    raise HTTPException(401, "signed out" if scope == OWNER else "no share session: open the share link again")


@router.delete("/api/v1/dashboard/session", status_code=204, response_class=Response, tags=["dashboard"],
               summary="Sign out")
def sign_out(request: Request) -> Response:
    """Deletes the session cookies (the sign-in and any share link's)."""
    response = Response(status_code=204)
    end_sessions(request, response)
    return response


def _described(site_id: str, scope: str, expires_at: int, tenancy: TenancyService) -> SessionInfo:
    site = tenancy.site(site_id)
    if site is None:
        raise HTTPException(401, "the session's site no longer exists")
    return SessionInfo(site_id=site.id, domain=site.domain, timezone=site.timezone,
                       scope=scope if scope in (OWNER, SHARE) else OWNER, expires_at=expires_at)
