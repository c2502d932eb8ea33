"""HTTP routes of the sessions module: parse, call the service, return the response model."""

from datetime import date

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Body, Depends, HTTPException, Query

from core.analytics.time_range import UtcRange
from core.http.access import site_in_query
from core.http.stats import FROM, TO, report_window
from core.query.plan import QueryError
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.scopes import SITES_WRITE, STATS_READ
from core.tenancy.service import SiteInfo
from tracking.sessions.schemas import (
    PageEngagement,
    SessionSettings,
    SessionSettingsUpdate,
    Timeseries,
    TimeseriesPoint,
)
from tracking.sessions.service.engagement import EngagementService
from tracking.sessions.service.site_settings import SiteSettingsService
from tracking.sessions.service.stats import INTERVALS, METRICS

router = APIRouter(tags=["sessions"])
READ = Depends(site_in_query(STATS_READ))


@router.get("/api/v1/stats/timeseries", response_model=Timeseries, response_model_exclude_none=True,
           summary="Metrics over time, in buckets of the site's time zone")
@inject
def timeseries(interval: str = Query("day", description="`hour`, `day`, `week` or `month`."),
               metrics: str = Query("pageviews,visitors", description=f"Comma-separated: {', '.join(METRICS)}."),
               include_bots: bool = Query(False, description="Count bots' events and sessions too."),
               site: SiteInfo = READ, date_from: date = FROM, date_to: date = TO,
               engine: QueryService = Depends(Provide["core.query"])) -> Timeseries:
    """One point per bucket from `from` to `to` (local days, inclusive), empty buckets as zeros:
    the query engine's `time:<interval>` over visits, so every number of a bucket belongs to the
    visits that started in it (sessions never cross local midnight, so days, weeks and months hold
    exactly their own pageviews)."""
    wanted = [m.strip() for m in metrics.split(",") if m.strip()]
    unknown = sorted(set(wanted) - set(METRICS))
    if unknown or not wanted:
        raise HTTPException(400, f"metrics: unknown {unknown[0]!r}; one of {', '.join(METRICS)}" if unknown
                            else "metrics: name at least one")
    if interval not in INTERVALS:
        raise HTTPException(400, f"interval: one of {', '.join(INTERVALS)}")
    request = QueryRequest(site_id=site.id, date_range=[date_from.isoformat(), date_to.isoformat()],
                           metrics=wanted, dimensions=[f"time:{interval}"], include={"time_labels": True},
                           include_bots=include_bots, pagination={"limit": 10000, "offset": 0})
    try:
        answer = engine.run(site=site, request=request)
    except QueryError as exc:
        raise HTTPException(400, str(exc).replace("time:hour", "interval=hour")) from exc
    points = [TimeseriesPoint(bucket=r.dimensions[0], **dict(zip(wanted, r.metrics, strict=True)))
              for r in answer.results]
    return Timeseries(interval=interval, timezone=site.timezone, metrics=wanted, results=points)


@router.get("/api/v1/stats/engagement", response_model=list[PageEngagement],
            summary="Time on page and scroll depth per page")
@inject
def engagement(limit: int = Query(10, ge=1, le=1000), site: SiteInfo = READ,
               window: UtcRange = Depends(report_window),
               service: EngagementService = Depends(Provide["sessions.engagement"])) -> list[PageEngagement]:
    """From `engagement` events: mean engaged time and scroll depth per page, and the share of page
    views whose scroll reached 25, 50, 75 and 100 %. Pages with the most engagements first."""
    return service.by_page(site=site, window=window, limit=limit)


@router.get("/api/v1/sessions/settings", response_model=SessionSettings, summary="The site's session timeout")
@inject
def get_settings(site: SiteInfo = READ,
                 service: SiteSettingsService = Depends(Provide["sessions.site_settings"])) -> SessionSettings:
    """The inactivity timeout that splits this site's sessions, and whether it is the site's own."""
    minutes, overridden = service.timeout_min(site.id)
    return SessionSettings(timeout_min=minutes, overridden=overridden)


@router.put("/api/v1/sessions/settings", response_model=SessionSettings, summary="Set the site's session timeout")
@inject
def put_settings(update: SessionSettingsUpdate = Body(...), site: SiteInfo = Depends(site_in_query(SITES_WRITE)),
                 service: SiteSettingsService = Depends(Provide["sessions.site_settings"])) -> SessionSettings:
    """Give the site its own inactivity timeout (1–1440 minutes), or `null` to follow the default.
    Applies to events processed from then on (workers pick it up within 30 s); stored sessions stay."""
    service.set_timeout_min(site.id, update.timeout_min)
    minutes, overridden = service.timeout_min(site.id)
    return SessionSettings(timeout_min=minutes, overridden=overridden)
