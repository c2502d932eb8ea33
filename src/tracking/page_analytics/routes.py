"""HTTP routes of page_analytics: parse, call the service, return the response model."""

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, Query

from core.analytics.time_range import UtcRange
from core.http.auth import read_access
from core.http.stats import INCLUDE_BOTS, report_window
from core.tenancy.service import SiteInfo
from tracking.page_analytics.schemas import TopPage
from tracking.page_analytics.service import PageAnalyticsService

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])


@router.get("/top-pages", response_model=list[TopPage], summary="Most viewed pages")
@inject
def top_pages(limit: int = Query(10, ge=1, le=1000), site: SiteInfo = Depends(read_access),
              window: UtcRange = Depends(report_window), include_bots: bool = INCLUDE_BOTS,
              service: PageAnalyticsService = Depends(Provide["page_analytics.service"])) -> list[TopPage]:
    """Pages by pageviews in the range, most viewed first (ties by path)."""
    return service.top_pages(site=site, window=window, limit=limit, include_bots=include_bots)
