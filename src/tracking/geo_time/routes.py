"""HTTP routes of geo_time: the local-time heatmap, the query engine's numbers (breakdowns go
through /stats/breakdown)."""

from datetime import date

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException

from core.http.access import site_in_query
from core.http.errors import errors
from core.http.stats import FROM, INCLUDE_BOTS, TO
from core.query.plan import QueryError
from core.tenancy.scopes import STATS_READ
from core.tenancy.service import SiteInfo
from tracking.geo_time.schemas import HeatmapCell
from tracking.geo_time.service.heatmap import HeatmapService

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])


@router.get("/heatmap", response_model=list[HeatmapCell], responses=errors(400),
            summary="Pageviews by local weekday and hour")
@inject
def heatmap(site: SiteInfo = Depends(site_in_query(STATS_READ)), date_from: date = FROM, date_to: date = TO,
            include_bots: bool = INCLUDE_BOTS,
            service: HeatmapService = Depends(Provide["geo_time.heatmap"])) -> list[HeatmapCell]:
    """One cell per (weekday, hour) that had pageviews, in the visitor's own time zone (the site's
    zone when the visitor's is unknown). Weekday 1 is Monday; cells without pageviews are omitted.
    The query engine's `pageviews` and `visitors` by `event:local_weekday` and `event:local_hour`."""
    try:
        return service.heatmap(site=site, date_from=date_from, date_to=date_to, include_bots=include_bots)
    except QueryError as exc:
        raise HTTPException(400, str(exc)) from exc
