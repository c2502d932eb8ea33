"""API-key checks: the secret key authenticates servers and grants read access to its site.

Keys come in `X-API-Key` or `Authorization: Bearer`. 401 means no or unknown key; 403 means a
real key that may not do this (a public key reading stats, or another site's key).
"""

from dependency_injector.wiring import Provide, inject
from fastapi import Depends, HTTPException, Path, Query, Request

from core.http.store_calls import store_call
from core.tenancy.service import SiteInfo, TenancyService


def presented_key(request: Request) -> str:
    key = request.headers.get("x-api-key", "")
    if not key:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        key = value.strip() if scheme.lower() == "bearer" else ""
    return key


def _secret_owner(request: Request, tenancy: TenancyService) -> str:
    key = presented_key(request)
    if not key:
        raise HTTPException(401, "missing API key: send X-API-Key or Authorization: Bearer")
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
    site's own: the one owner check of every per-site route."""
    _check_owner(_secret_owner(request, tenancy), site_id)
    return site_id


@inject
def read_access(request: Request, site_id: str = Query(..., description="The site to read."),
                tenancy: TenancyService = Depends(Provide["core.tenancy"])) -> SiteInfo:
    """The site named by `site_id`, if the presented key may read it."""
    return readable_site(request, tenancy, site_id)


def readable_site(request: Request, tenancy: TenancyService, site_id: str) -> SiteInfo:
    """`read_access` for a site named elsewhere than the query string (e.g. a JSON body)."""
    _check_owner(_secret_owner(request, tenancy), site_id)
    site = tenancy.site(site_id)
    if site is None:
        raise HTTPException(404, f"unknown site {site_id!r}")
    return site
