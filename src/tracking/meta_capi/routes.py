"""HTTP routes of meta_capi: pixel settings, delivery status, replay. All need the `sites:write` scope."""

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException

from core.http.access import site_id_in_path
from core.http.errors import errors
from core.tenancy.scopes import SITES_WRITE
from tracking.meta_capi.schemas import DeliveryStatus, PixelSettings, PixelUpdate, ReplayResult
from tracking.meta_capi.service.settings import DeliveryReport, MetaCapiSettings, PixelIdRequired

router = APIRouter(prefix="/api/v1/sites/{site_id}/meta-capi", tags=["meta conversions api"])
_ERRORS = errors(401, 403, 404)
_PUT_ERRORS = errors(400, 401, 403, 404)
SETTINGS = Provide["meta_capi.settings"]
REPORT = Provide["meta_capi.report"]
WRITE = Depends(site_id_in_path(SITES_WRITE))


@router.put("", response_model=PixelSettings, responses=_PUT_ERRORS, summary="Set the site's Meta pixel")
@inject
def put_pixel(update: PixelUpdate, site_id: str = WRITE,
              settings: MetaCapiSettings = Depends(SETTINGS)) -> PixelSettings:
    """Pixel id, access token (encrypted at rest, never returned), event mapping, test code, LDU.
    Only the fields sent change; the others keep their stored values (a new pixel needs `pixel_id`).
    Setting a token clears a `disabled_reason` left by a rejected token."""
    try:
        config = settings.set(site_id, **update.model_dump())
    except PixelIdRequired as exc:
        raise HTTPException(400, str(exc)) from exc
    return PixelSettings.model_validate(config)


@router.get("", response_model=PixelSettings, responses=_ERRORS, summary="The site's Meta pixel settings")
@inject
def get_pixel(site_id: str = WRITE,
              settings: MetaCapiSettings = Depends(SETTINGS)) -> PixelSettings:
    """Everything but the token: `has_access_token` and, for long tokens, its last 4 characters."""
    config = settings.show(site_id)
    if config is None:
        raise HTTPException(404, "no Meta pixel is set for this site")
    return PixelSettings.model_validate(config)


@router.get("/deliveries", response_model=DeliveryStatus, responses=_ERRORS,
            summary="Conversions API delivery status")
@inject
def deliveries(site_id: str = WRITE,
               report: DeliveryReport = Depends(REPORT)) -> DeliveryStatus:
    """Outbox counts by status, recent failed/dropped events with Meta's message and `fbtrace_id`,
    recent Graph API requests, the pixel's state (a token error shows in `disabled_reason`), and the
    user_data values left out as invalid, by Meta key."""
    return DeliveryStatus.model_validate(report.status(site_id))


@router.post("/replay", response_model=ReplayResult, responses=_ERRORS, summary="Send failed events again")
@inject
def replay(site_id: str = WRITE,
           report: DeliveryReport = Depends(REPORT)) -> ReplayResult:
    """Puts every failed event back in the outbox with fresh attempts. Their user data was wiped when
    they failed; events older than 7 days are dropped by the sender."""
    return ReplayResult(requeued=report.replay(site_id))
