"""HTTP routes of geo_time: the local-time heatmap (breakdowns go through /stats/breakdown)."""

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends

from core.analytics.time_range import UtcRange
from core.http.access import site_in_query
from core.http.stats import INCLUDE_BOTS, report_window
from core.tenancy.scopes import STATS_READ
from core.tenancy.service import SiteInfo
from tracking.geo_time.schemas import HeatmapCell
from tracking.geo_time.service.heatmap import HeatmapService

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])


@router.get("/heatmap", response_model=list[HeatmapCell], summary="Pageviews by local weekday and hour")
@inject
def heatmap(site: SiteInfo = Depends(site_in_query(STATS_READ)), window: UtcRange = Depends(report_window),
            include_bots: bool = INCLUDE_BOTS,
            service: HeatmapService = Depends(Provide["geo_time.heatmap"])) -> list[HeatmapCell]:
    """One cell per (weekday, hour) that had pageviews, in the visitor's own time zone (the site's
    zone when the visitor's is unknown). Weekday 1 is Monday; cells without pageviews are omitted."""
    return service.heatmap(site=site, window=window, include_bots=include_bots)
