"""HTTP routes of page_analytics: parse, call the service, map its errors."""

from datetime import date

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException, Query

from core.analytics.time_range import InvalidRange
from core.http.auth import read_access
from core.tenancy.service import SiteInfo
from tracking.page_analytics.schemas import Aggregate, TopPage
from tracking.page_analytics.service import PageAnalyticsService

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])

FROM = Query(..., alias="from", description="First day, in the site's time zone (YYYY-MM-DD).")
TO = Query(..., alias="to", description="Last day, inclusive, in the site's time zone.")


@router.get("/aggregate", response_model=Aggregate, summary="Pageviews and visitors")
@inject
def aggregate(date_from: date = FROM, date_to: date = TO, site: SiteInfo = Depends(read_access),
              service: PageAnalyticsService = Depends(Provide["page_analytics.service"])) -> Aggregate:
    try:
        return service.aggregate(site=site, date_from=date_from, date_to=date_to)
    except InvalidRange as exc:
        raise HTTPException(400, str(exc)) from exc


@router.get("/top-pages", response_model=list[TopPage], summary="Most viewed pages")
@inject
def top_pages(date_from: date = FROM, date_to: date = TO, limit: int = Query(10, ge=1, le=1000),
              site: SiteInfo = Depends(read_access),
              service: PageAnalyticsService = Depends(Provide["page_analytics.service"])) -> list[TopPage]:
    try:
        return service.top_pages(site=site, date_from=date_from, date_to=date_to, limit=limit)
    except InvalidRange as exc:
        raise HTTPException(400, str(exc)) from exc
