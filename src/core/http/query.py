"""`POST /api/v2/query`: the Stats API v2 (Plausible's shape), one engine for every number."""

from collections.abc import Callable
from typing import Annotated

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Body, Depends, HTTPException, Request

from core.http.access import site_in_body
from core.http.errors import ERRORS, errors
from core.query.plan import QueryError
from core.query.schemas import EXAMPLES, QueryRequest, QueryResponse
from core.query.service import QueryService
from core.tenancy.scopes import STATS_READ
from core.tenancy.service import SiteInfo

router = APIRouter(prefix="/api/v2", tags=["stats"])


@router.post("/query", response_model=QueryResponse, summary="Query metrics by dimensions, filters and dates",
             responses={**errors(401, 403, 404), 400: {**ERRORS[400], "description": (
                 "An unknown metric, dimension, filter or an impossible combination, named with the valid choices.")}})
@inject
def query(request: Request, body: Annotated[QueryRequest, Body(openapi_examples=EXAMPLES)],
          readable: Callable[[str], SiteInfo] = Depends(site_in_body(STATS_READ)),
          engine: QueryService = Depends(Provide["core.query"])) -> QueryResponse:
    """Metrics × dimensions × filters over a date range, with a `stats:read` key or a session
    cookie. `visit:*` dimensions are properties of the visit (its first event), `event:*` of each event; an event
    filter on a visit metric keeps the visits that contain a matching event. See the README's
    "Stats API v2" for every definition."""
    site = readable(body.site_id)
    try:
        return engine.run(site=site, request=body)
    except QueryError as exc:
        raise HTTPException(400, str(exc)) from exc
