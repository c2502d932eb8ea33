"""`/api/v1/sites`: the organisation's sites, created, listed, shown and changed (`org:admin`).

Deleting a site (`DELETE /api/v1/sites/{site_id}`) is the data-rights erasure of every store
(the export module serves it, with the same scope). A key bound to some sites (a site's secret key
among them) lists, shows and changes only those, and cannot create one.
"""

from typing import Annotated

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Body, Depends, HTTPException

from core.http.access import requires, site_in_path
from core.http.errors import errors
from core.http.site_schemas import SITE_EXAMPLES, SiteCreate, SiteCreated, SiteOut, SiteUpdate
from core.tenancy.scopes import ORG_ADMIN, Principal
from core.tenancy.service import SiteInfo, TenancyError, TenancyService
from core.tenancy.site_admin import SiteAdmin

router = APIRouter(prefix="/api/v1/sites", tags=["keys and sites"])
ADMIN = Depends(requires(ORG_ADMIN))
SITE = Depends(site_in_path(ORG_ADMIN))
ADMIN_SERVICE = Depends(Provide["core.site_admin"])
_TENANCY_FIELDS = ("domain", "allowed_origins", "timezone", "dnt_policy")


def _out(site: SiteInfo, extras: dict) -> SiteOut:
    return SiteOut(site_id=site.id, org_id=site.org_id, domain=site.domain, allowed_origins=list(site.allowed_origins),
                   timezone=site.timezone, dnt_policy=site.dnt_policy, **extras)


@router.post("", status_code=201, response_model=SiteCreated, responses=errors(400, 401, 403),
             summary="Create a site")
@inject
def create_site(body: Annotated[SiteCreate, Body(openapi_examples=SITE_EXAMPLES)],
                principal: Principal = Depends(requires(ORG_ADMIN, org_wide=True)),
                admin: SiteAdmin = ADMIN_SERVICE) -> SiteCreated:
    """A site of the key's organisation, with its public key (for the tracker) and secret key (every
    scope of this site): both are shown only in this answer."""
    extra = {"reporting_currency": body.reporting_currency} if body.reporting_currency is not None else {}
    try:
        created, extras = admin.create(
            org_id=principal.org_id, domain=body.domain, timezone=body.timezone,
            allowed_origins=body.allowed_origins, dnt_policy=body.dnt_policy, extra=extra)
    except TenancyError as exc:
        raise HTTPException(400, str(exc)) from None
    return SiteCreated(site_id=created.site_id, org_id=created.org_id, domain=created.domain,
                       allowed_origins=created.allowed_origins, timezone=created.timezone,
                       dnt_policy=created.dnt_policy, public_key=created.public_key,
                       secret_key=created.secret_key, **extras)


@router.get("", response_model=list[SiteOut], responses=errors(401, 403), summary="The organisation's sites")
@inject
def list_sites(principal: Principal = ADMIN, admin: SiteAdmin = ADMIN_SERVICE,
               tenancy: TenancyService = Depends(Provide["core.tenancy"])) -> list[SiteOut]:
    """The sites this key reaches, oldest first (keys are stored hashed and never shown again)."""
    return [_out(s, admin.extras(s.id)) for s in tenancy.list_sites(principal.org_id)
            if principal.reaches(s.id, s.org_id)]


@router.get("/{site_id}", response_model=SiteOut, responses=errors(401, 403, 404), summary="A site's settings")
@inject
def get_site(site: SiteInfo = SITE, admin: SiteAdmin = ADMIN_SERVICE) -> SiteOut:
    return _out(site, admin.extras(site.id))


@router.patch("/{site_id}", response_model=SiteOut, responses=errors(400, 401, 403, 404),
              summary="Change a site's settings")
@inject
def update_site(body: SiteUpdate, site: SiteInfo = SITE, admin: SiteAdmin = ADMIN_SERVICE) -> SiteOut:
    """Only the fields sent change (allowed origins are replaced as a whole). Browsers' collect
    sees new origins at once on this process, within 5 s on the others; a new time zone applies
    to the reports' days from then on (stored events keep their times)."""
    sent = body.model_dump(exclude_unset=True)
    fields = {k: v for k, v in sent.items() if k in _TENANCY_FIELDS}
    for name, value in fields.items():
        if value is None:
            raise HTTPException(400, f"{name}: cannot be null (leave it out to keep it)")
    extra = {k: v for k, v in sent.items() if k not in _TENANCY_FIELDS}
    try:
        updated = admin.update(site.id, fields=fields, extra=extra)
    except TenancyError as exc:
        raise HTTPException(400, str(exc)) from None
    if updated is None:  # deleted meanwhile
        raise HTTPException(404, f"unknown site {site.id!r}")
    return _out(updated, admin.extras(site.id))
