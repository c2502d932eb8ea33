"""HTTP routes of page_analytics: parse, call the service, return the response model."""

from datetime import date

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException, Query

from core.http.access import site_in_query
from core.http.stats import FROM, INCLUDE_BOTS, TO
from core.query.plan import QueryError
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.scopes import STATS_READ
from core.tenancy.service import SiteInfo
from tracking.page_analytics.schemas import TopPage

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])


@router.get("/top-pages", response_model=list[TopPage], summary="Most viewed pages")
@inject
def top_pages(limit: int = Query(10, ge=1, le=1000), site: SiteInfo = Depends(site_in_query(STATS_READ)),
              date_from: date = FROM, date_to: date = TO, include_bots: bool = INCLUDE_BOTS,
              engine: QueryService = Depends(Provide["core.query"])) -> list[TopPage]:
    """Pages by pageviews in the range, most viewed first (ties by path): the query engine's
    `event:page` with `pageviews` and `visitors`, over pageviews only."""
    request = QueryRequest(site_id=site.id, date_range=[date_from.isoformat(), date_to.isoformat()],
                           metrics=["pageviews", "visitors"], dimensions=["event:page"],
                           filters=[["is", "event:name", ["pageview"]]], include_bots=include_bots,
                           order_by=[["pageviews", "desc"], ["event:page", "asc"]],
                           pagination={"limit": limit, "offset": 0})
    try:
        results = engine.run(site=site, request=request).results
    except QueryError as exc:
        raise HTTPException(400, str(exc)) from exc
    return [TopPage(pathname=r.dimensions[0], pageviews=r.metrics[0], visitors=r.metrics[1]) for r in results]
