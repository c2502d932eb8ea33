"""HTTP routes of insights: parse, call the service, return the response model. Saved funnels need
the `sites:write` scope, the analyses `stats:read` (or the dashboard's sign-in). Bad input is a 400
naming the problem; an unknown funnel is a 404."""

import json
from typing import Annotated, Any

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Response

from core.db.bounds import MAX_UINT64
from core.http.access import site_id_in_path, site_in_path, site_in_query
from core.http.auth import OWNER
from core.http.errors import errors
from core.http.ids import RowId
from core.tenancy.scopes import SITES_WRITE, STATS_READ
from core.tenancy.service import SiteInfo
from tracking.insights.schemas import (
    DEFAULT_WINDOW_S,
    FUNNEL_EXAMPLES,
    FunnelAnswer,
    FunnelCreate,
    FunnelOut,
    FunnelQuery,
    JourneyAnswer,
    MetricsAnswer,
    PathsAnswer,
    RetentionAnswer,
)
from tracking.insights.service.funnels import FunnelService
from tracking.insights.service.journeys import JourneyService
from tracking.insights.service.metrics import EventMetrics
from tracking.insights.service.paths import PathsService
from tracking.insights.service.retention import RetentionService
from tracking.insights.service.window import InsightsError, NotFound

router = APIRouter(tags=["insights"])
_SITE = "/api/v1/sites/{site_id}"
_ERRORS = errors(400, 401, 403, 404)
_RANGE = Query("30d", description="day, 7d, 28d, 30d, month, 6mo, 12mo, year, all, or `from,to` dates "
               "(YYYY-MM-DD, site time zone, both inclusive).")
_FILTERS = Query("[]", description='Query-engine filters as JSON, e.g. `[["is","visit:country",["DE"]]]`.')


# The analyses read one site's numbers: `stats:read`, or the dashboard's sign-in on GET (a share
# link's cookie never reached insights, and still does not).
owned_site = site_in_path(STATS_READ, cookies=(OWNER,))
WRITE = Depends(site_id_in_path(SITES_WRITE))


def _range(value: str) -> str | list[str]:
    return [v.strip() for v in value.split(",")] if "," in value else value


def _filters(value: str) -> list[Any]:
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise HTTPException(400, f"filters: not JSON ({exc})") from exc
    if not isinstance(parsed, list):
        raise HTTPException(400, "filters: a JSON list of query-engine filters")
    return parsed


def _funnel_query(**fields) -> FunnelQuery:
    try:
        return FunnelQuery(**fields)
    except ValueError as exc:  # pydantic's message without its "1 validation error" headline
        raise InsightsError(str(exc).split("\n", 1)[-1].strip()) from exc


def _run(call):
    try:
        return call()
    except InsightsError as exc:
        raise HTTPException(400, str(exc)) from exc
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc


@router.post(f"{_SITE}/funnels", response_model=FunnelOut, status_code=201, responses=_ERRORS,
             summary="Save a funnel")
@inject
def create_funnel(body: Annotated[FunnelCreate, Body(openapi_examples=FUNNEL_EXAMPLES)],
                  site_id: str = WRITE,
                  service: FunnelService = Depends(Provide["insights.funnels"])) -> FunnelOut:
    """A name, 2-10 steps (each an `event` name or a `page` path pattern, with optional exact
    `props`), the conversion window (`window_s`, 60 s to 90 days, default 1 day) and the `order`."""
    return _run(lambda: service.create(site_id, body))


@router.get(f"{_SITE}/funnels", response_model=list[FunnelOut], responses=_ERRORS, summary="The site's funnels")
@inject
def list_funnels(site_id: str = WRITE,
                 service: FunnelService = Depends(Provide["insights.funnels"])) -> list[FunnelOut]:
    return service.list(site_id)


# Before `/funnels/{funnel_id}`, which would otherwise take "analytics" for an id. A GET, because it
# only reads: the dashboard's signed-in cookie may call it (cookies never reach a POST here).
@router.get(f"{_SITE}/funnels/analytics", response_model=FunnelAnswer, responses=_ERRORS,
            summary="An ad-hoc funnel, steps in the query string")
@inject
def adhoc_funnel_get(steps: str = Query(..., description='The steps as JSON, e.g. '
                                        '`[{"page":"/pricing"},{"event":"signup","props":{"plan":"pro"}}]`.'),
                     window_s: int = Query(DEFAULT_WINDOW_S, description="Conversion window, 60 s to 90 days."),
                     order: str = Query("ordered", description="`ordered`, `strict` or `any`."),
                     date_range: str = _RANGE, unit: str = Query("visitors", description="`visitors` or `users`."),
                     entry: str = Query("first", description="`first` or `every`."),
                     breakdown: str | None = Query(None, description="One query-engine dimension."),
                     filters: str = _FILTERS, include_bots: bool = False,
                     site: SiteInfo = Depends(owned_site),
                     service: FunnelService = Depends(Provide["insights.funnels"])) -> FunnelAnswer:
    """`POST …/funnels/analytics` as a read: the same answer, the body's fields as parameters."""
    def run():
        try:
            parsed = json.loads(steps)
        except ValueError as exc:
            raise InsightsError(f"steps: not JSON ({exc})") from exc
        query = _funnel_query(steps=parsed, window_s=window_s, order=order, date_range=_range(date_range),
                              unit=unit, entry=entry, breakdown=breakdown, filters=_filters(filters),
                              include_bots=include_bots)
        return service.analyse(site, query)
    return _run(run)


@router.get(f"{_SITE}/funnels/{{funnel_id}}", response_model=FunnelOut, responses=_ERRORS, summary="One funnel")
@inject
def get_funnel(funnel_id: RowId, site_id: str = WRITE,
               service: FunnelService = Depends(Provide["insights.funnels"])) -> FunnelOut:
    return _run(lambda: service.get(site_id, funnel_id))


@router.delete(f"{_SITE}/funnels/{{funnel_id}}", status_code=204, response_class=Response, responses=_ERRORS,
               summary="Delete a funnel")
@inject
def delete_funnel(funnel_id: RowId, site_id: str = WRITE,
                  service: FunnelService = Depends(Provide["insights.funnels"])) -> Response:
    _run(lambda: service.delete(site_id, funnel_id))
    return Response(status_code=204)


@router.get(f"{_SITE}/funnels/{{funnel_id}}/analytics", response_model=FunnelAnswer, responses=_ERRORS,
            summary="A saved funnel's conversion, step by step")
@inject
def funnel_analytics(funnel_id: RowId, date_range: str = _RANGE,
                     unit: str = Query("visitors", description="`visitors` (daily hashes: within one day) or "
                                       "`users` (identified users only, across days)."),
                     entry: str = Query("first", description="`first`: one attempt per unit, from its first "
                                        "entry; `every`: each entry starts an attempt."),
                     breakdown: str | None = Query(None, description="One query-engine dimension, e.g. "
                                                   "`visit:country`, read from each attempt's entry."),
                     filters: str = _FILTERS, include_bots: bool = False,
                     site: SiteInfo = Depends(owned_site),
                     service: FunnelService = Depends(Provide["insights.funnels"])) -> FunnelAnswer:
    """Per step: count, conversion from the first and from the previous step, drop-off, and median
    and average seconds to convert. See the README's "Insights" for what counts as a conversion."""
    def run():
        saved = service.get(site.id, funnel_id)
        query = _funnel_query(steps=saved.steps, window_s=saved.window_s, order=saved.order,
                              date_range=_range(date_range), unit=unit, entry=entry, breakdown=breakdown,
                              filters=_filters(filters), include_bots=include_bots)
        return service.analyse(site, query)
    return _run(run)


@router.post(f"{_SITE}/funnels/analytics", response_model=FunnelAnswer, responses=_ERRORS,
             summary="An ad-hoc funnel, steps inline")
@inject
def adhoc_funnel(body: Annotated[FunnelQuery, Body(openapi_examples=FUNNEL_EXAMPLES)],
                 site: SiteInfo = Depends(owned_site),
                 service: FunnelService = Depends(Provide["insights.funnels"])) -> FunnelAnswer:
    """The same answer as a saved funnel's analytics, for a definition sent in the body."""
    return _run(lambda: service.analyse(site, body))


@router.get(f"{_SITE}/retention/cohorts", response_model=RetentionAnswer, responses=_ERRORS,
            summary="Cohort retention")
@inject
def retention(cohort_event: str = Query(..., description="Puts a unit in a cohort (`pageview`: any pageview)."),
              return_event: str = Query(..., description="Counts as coming back (`pageview`: any pageview)."),
              period: str = Query("week", description="`day`, `week` or `month`."),
              week_start: str = Query("monday", description="Weeks start on `monday` (ISO) or `sunday`."),
              periods: int = Query(8, description="Periods after the cohort's, 1-60."),
              date_range: str = _RANGE,
              unit: str = Query("users", description="`users` (identified; needed across days) or `visitors`."),
              recurring: bool = Query(False, description="A unit joins the cohort of every period it had the "
                                      "cohort event in, not only its first."),
              filters: str = _FILTERS, site: SiteInfo = Depends(owned_site),
              service: RetentionService = Depends(Provide["insights.retention"])) -> RetentionAnswer:
    """Cohorts by the period (site time zone) of their first cohort event in the date range, with
    each cohort's size and the units that returned in each later period (null: not started yet).
    (`/retention` itself is the export module's data-retention setting.)"""
    if unit not in ("users", "visitors"):
        raise HTTPException(400, "unit: `users` or `visitors`")
    return _run(lambda: service.analyse(site, cohort_event=cohort_event, return_event=return_event, period=period,
                                        periods=periods, date_range=_range(date_range), unit=unit,
                                        recurring=recurring, filters=_filters(filters), week_start=week_start))


@router.get(f"{_SITE}/users/{{user_id}}/journey", response_model=JourneyAnswer, responses=_ERRORS,
            summary="One identified user's events, visit by visit")
@inject
def user_journey(user_id: str = Path(..., max_length=200, description="Your user id (hashed at query time)."),
                 date_range: str = _RANGE, site: SiteInfo = Depends(owned_site),
                 service: JourneyService = Depends(Provide["insights.journeys"])) -> JourneyAnswer:
    """Every event sent with this user id (server `userId`, or after `ut.identify`), in time order,
    grouped by visit, with pages, props, device and country."""
    return _run(lambda: service.for_user(site, user_id, _range(date_range)))


@router.get(f"{_SITE}/visits/{{session_id}}/timeline", response_model=JourneyAnswer, responses=_ERRORS,
            summary="One visit's events (anonymous traffic too)")
@inject
def visit_timeline(session_id: int = Path(..., ge=1, le=MAX_UINT64, description="The visit's session id."),
                   date_range: str = _RANGE, site: SiteInfo = Depends(owned_site),
                   service: JourneyService = Depends(Provide["insights.journeys"])) -> JourneyAnswer:
    return _run(lambda: service.for_visit(site, session_id, _range(date_range)))


@router.get(f"{_SITE}/paths", response_model=PathsAnswer, responses=_ERRORS,
            summary="The most common next (or previous) steps around a page or event")
@inject
def paths(event: str | None = Query(None, description="Anchor: an event name."),
          page: str | None = Query(None, description="Anchor: a path pattern (`*` = any characters)."),
          direction: str = Query("next", description="`next` or `previous`."),
          depth: int = Query(3, description="Steps deep, 1-5."), limit: int = Query(10, ge=1, le=100),
          date_range: str = _RANGE, filters: str = _FILTERS, include_bots: bool = False,
          site: SiteInfo = Depends(owned_site),
          service: PathsService = Depends(Provide["insights.paths"])) -> PathsAnswer:
    """Per depth, the most common paths of that length and how many visits took them (within a
    visit, so anonymous traffic counts)."""
    return _run(lambda: service.analyse(site, event=event, page=page, direction=direction, depth=depth,
                                        limit=limit, date_range=_range(date_range), filters=_filters(filters),
                                        include_bots=include_bots))


@router.get("/api/v1/metrics", response_model=MetricsAnswer, responses=_ERRORS,
            summary="Events and visitors per time bucket for one event name (alias of /api/v2/query)")
@inject
def event_metrics(event: str = Query(..., description="An event name; `pageview` for pageviews."),
                  interval: str = Query("daily", description="hourly, daily, weekly or monthly."),
                  date_range: str = _RANGE, site: SiteInfo = Depends(site_in_query(STATS_READ)),
                  service: EventMetrics = Depends(Provide["insights.metrics"])) -> MetricsAnswer:
    """Exactly `POST /api/v2/query` with metrics `events, visitors`, dimension `time:<interval>` and
    filter `["is", "event:name", [event]]`; every bucket of the range, empty ones as zeros."""
    return _run(lambda: service.series(site, event=event, interval=interval, date_range=_range(date_range)))
