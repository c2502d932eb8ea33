"""HTTP routes of web_vitals: collect one measurement, read the report.

Collecting goes through core's ingest service exactly like `/collect/pageview` (same body
limits, origin check, validation and durable buffering), with the type forced to `vitals`.
"""

from datetime import date

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from core.http.access import site_in_query
from core.http.collect import collect_one  # the one browser collect route, shared with core
from core.http.errors import COLLECT_400, errors
from core.http.responses import CollectResponse
from core.http.stats import FROM, INCLUDE_BOTS, TO
from core.query.plan import QueryError
from core.tenancy.scopes import STATS_READ
from core.tenancy.service import SiteInfo
from tracking.web_vitals.schemas import GroupBy, VitalsReport
from tracking.web_vitals.service import WebVitalsService

router = APIRouter(tags=["web vitals"])

_EXAMPLE = {"site_id": "site_0123456789abcdef", "url": "https://example.com/pricing", "name": "LCP",
            "value": 2143.7, "id": "v4-1732550400000-8264731956421", "navigation_type": "navigate"}
_ERRORS = {**COLLECT_400, **errors(403, 413)}


@router.post("/collect/vitals", status_code=202, response_model=CollectResponse, responses=_ERRORS,
             summary="Record one Web Vitals measurement",
             openapi_extra={"requestBody": {"content": {"application/json": {"example": _EXAMPLE}}}})
async def collect_vitals(request: Request) -> Response:
    """One metric as the web-vitals library reports it: `{site_id, url, name, value, id?,
    navigation_type?, ts?, sent_at?}`; `name` is LCP, INP, CLS, FCP or TTFB, `value` in ms (CLS
    unitless). A later value with the same `id` (alias `metric_id`) replaces the earlier one.
    `type` is implied; in `/collect/batch` send `"type": "vitals"`."""
    return await collect_one(request, "vitals")


@router.get("/api/v1/vitals", response_model=VitalsReport, responses=errors(400), summary="Web Vitals report")
@inject
def vitals_report(by: GroupBy = Query("page", description="Group by `page` (the page of each instance's latest "
                                      "report), `device` or `country` (of the visit it was measured in)."),
                  limit: int = Query(100, ge=1, le=1000, description="Most groups, largest first."),
                  site: SiteInfo = Depends(site_in_query(STATS_READ)), date_from: date = FROM, date_to: date = TO,
                  include_bots: bool = INCLUDE_BOTS,
                  service: WebVitalsService = Depends(Provide["web_vitals.service"])) -> VitalsReport:
    """Per group and metric: p50, p75, p95 (numpy's default linear interpolation), the number of
    metric instances and the shares rated good / needs improvement / poor by Google's thresholds,
    plus the Core Web Vitals assessment of each group (LCP, INP and CLS p75 all good). These are the
    query engine's numbers (`POST /api/v2/query` with `lcp_p75`, `lcp_count`… by `event:page`,
    `visit:device` or `visit:country`)."""
    try:
        return service.report(site=site, date_from=date_from, date_to=date_to, by=by, limit=limit,
                              include_bots=include_bots)
    except QueryError as exc:
        raise HTTPException(400, str(exc)) from exc
