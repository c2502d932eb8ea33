"""HTTP routes of the sessions module: parse, call the service, return the response model."""

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Body, Depends, HTTPException, Query

from core.analytics.time_range import UtcRange
from core.http.auth import read_access
from core.http.stats import report_window
from core.tenancy.service import SiteInfo
from tracking.sessions.schemas import PageEngagement, SessionSettings, SessionSettingsUpdate, Timeseries
from tracking.sessions.service.engagement import EngagementService
from tracking.sessions.service.site_settings import SiteSettingsService
from tracking.sessions.service.stats import METRICS, InvalidQuery, SessionStatsService

router = APIRouter(tags=["sessions"])


@router.get("/api/v1/stats/timeseries", response_model=Timeseries, response_model_exclude_none=True,
           summary="Metrics over time, in buckets of the site's time zone")
@inject
def timeseries(interval: str = Query("day", description="`hour`, `day`, `week` or `month`."),
               metrics: str = Query("pageviews,visitors", description=f"Comma-separated: {', '.join(METRICS)}."),
               include_bots: bool = Query(False, description="Count bots' events and sessions too."),
               site: SiteInfo = Depends(read_access), window: UtcRange = Depends(report_window),
               service: SessionStatsService = Depends(Provide["sessions.stats"])) -> Timeseries:
    """One point per bucket from `from` to `to` (local days, inclusive), empty buckets as zeros.
    Pageviews and visitors are counted when the pageview happened; visits, bounce rate, visit duration
    and views per visit belong to the bucket in which the visit started."""
    wanted = [m.strip() for m in metrics.split(",") if m.strip()]
    try:
        return service.timeseries(site=site, window=window, interval=interval, metrics=wanted,
                                  include_bots=include_bots)
    except InvalidQuery as exc:
        raise HTTPException(400, str(exc)) from exc


@router.get("/api/v1/stats/engagement", response_model=list[PageEngagement],
            summary="Time on page and scroll depth per page")
@inject
def engagement(limit: int = Query(10, ge=1, le=1000), site: SiteInfo = Depends(read_access),
               window: UtcRange = Depends(report_window),
               service: EngagementService = Depends(Provide["sessions.engagement"])) -> list[PageEngagement]:
    """From `engagement` events: mean engaged time and scroll depth per page, and the share of page
    views whose scroll reached 25, 50, 75 and 100 %. Pages with the most engagements first."""
    return service.by_page(site=site, window=window, limit=limit)


@router.get("/api/v1/sessions/settings", response_model=SessionSettings, summary="The site's session timeout")
@inject
def get_settings(site: SiteInfo = Depends(read_access),
                 service: SiteSettingsService = Depends(Provide["sessions.site_settings"])) -> SessionSettings:
    """The inactivity timeout that splits this site's sessions, and whether it is the site's own."""
    minutes, overridden = service.timeout_min(site.id)
    return SessionSettings(timeout_min=minutes, overridden=overridden)


@router.put("/api/v1/sessions/settings", response_model=SessionSettings, summary="Set the site's session timeout")
@inject
def put_settings(update: SessionSettingsUpdate = Body(...), site: SiteInfo = Depends(read_access),
                 service: SiteSettingsService = Depends(Provide["sessions.site_settings"])) -> SessionSettings:
    """Give the site its own inactivity timeout (1–1440 minutes), or `null` to follow the default.
    Applies to events processed from then on (workers pick it up within 30 s); stored sessions stay."""
    service.set_timeout_min(site.id, update.timeout_min)
    minutes, overridden = service.timeout_min(site.id)
    return SessionSettings(timeout_min=minutes, overridden=overridden)
