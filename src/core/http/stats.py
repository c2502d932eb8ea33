"""The v1 stats endpoints shared by every module: thin adapters over the query engine (core.query)."""

from datetime import date

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException, Query

from core.analytics.time_range import InvalidRange, UtcRange, local_days_to_utc
from core.http.access import site_in_query
from core.query import catalogue as cat
from core.query.plan import QueryError
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.scopes import STATS_READ
from core.tenancy.service import SiteInfo

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])

FROM = Query(..., alias="from", description="First day, in the site's time zone (YYYY-MM-DD).")
TO = Query(..., alias="to", description="Last day, inclusive, in the site's time zone.")
READ = Depends(site_in_query(STATS_READ))  # every report: `stats:read`, or a session cookie
INCLUDE_BOTS = Query(False, description="Count events from bots (crawlers, headless browsers, monitors) too; "
                     "by default they are stored but left out of every number.")


def report_window(date_from: date = FROM, date_to: date = TO, site: SiteInfo = READ) -> UtcRange:
    """The UTC bounds of a report's local days; 400 for a reversed or too long range."""
    try:
        return local_days_to_utc(date_from, date_to, site.timezone)
    except InvalidRange as exc:
        raise HTTPException(400, str(exc)) from exc


# The v1 reports are the engine's numbers (core.query) in their documented shapes.
_AGGREGATE = ("pageviews", "visitors", "visits", "bounce_rate", "visit_duration", "views_per_visit")
_ROW = ("visitors", "visits", "pageviews", "events", "bounce_rate", "visit_duration", "views_per_visit")
# property -> the engine's visit dimension. Traffic properties leave out visits without a value
# (most visits carry no campaign); every other property lists its empty value too.
# (v1's `referrer` has always been the referring domain.)
PROPERTIES = {p: f"visit:{p}" for p in (*cat.VISIT_COLUMNS, *cat.VISIT_PAGES) if p != "referrer_domain"}
PROPERTIES["referrer"] = "visit:referrer_domain"
_LEAVE_OUT_EMPTY = frozenset({"source", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_term",
                              "utm_content"})


def _ask(engine: QueryService, site: SiteInfo, date_from: date, date_to: date, include_bots: bool,
         **body) -> list:
    request = QueryRequest(site_id=site.id, date_range=[date_from.isoformat(), date_to.isoformat()],
                           include_bots=include_bots, **body)
    try:
        return engine.run(site=site, request=request).results
    except QueryError as exc:
        raise HTTPException(400, str(exc)) from exc


@router.get("/aggregate", response_model=dict[str, int | float], summary="Headline numbers")
@inject
def aggregate(site: SiteInfo = READ, date_from: date = FROM, date_to: date = TO,
              include_bots: bool = INCLUDE_BOTS,
              engine: QueryService = Depends(Provide["core.query"])) -> dict[str, int | float]:
    """`pageviews`, `visitors` (unique daily visitor hashes), `visits`, `bounce_rate`,
    `visit_duration` and `views_per_visit` of the visits that started in the range: the query
    engine's numbers (`POST /api/v2/query` with these metrics and no dimension)."""
    (row,) = _ask(engine, site, date_from, date_to, include_bots, metrics=list(_AGGREGATE))
    return dict(zip(_AGGREGATE, row.metrics, strict=True))


@router.get("/breakdown", response_model=list[dict[str, str | int | float | None]],
            summary="Numbers broken down by one property of the visit")
@inject
def breakdown(prop: str = Query(..., alias="property", description="What to break down by: "
                                + ", ".join(PROPERTIES) + "."),
              limit: int = Query(10, ge=1, le=1000), site: SiteInfo = READ,
              date_from: date = FROM, date_to: date = TO, include_bots: bool = INCLUDE_BOTS,
              engine: QueryService = Depends(Provide["core.query"])) -> list[dict]:
    """Rows of `{<property>: value, "visitors", "visits", "pageviews", "events", "bounce_rate",
    "visit_duration", "views_per_visit"}`, most visitors first (then pageviews, then value). The
    property is the visit's, from its first event (`visit:<property>` in the query engine): a
    visitor who arrives from Google and views five pages is one Google visit with five pageviews,
    and the visits of all values add up to the site's visits. An unknown property gets 400 with the
    list of valid ones."""
    if prop not in PROPERTIES:
        raise HTTPException(400, f"unknown property {prop!r}; one of: {', '.join(PROPERTIES)}")
    dimension = PROPERTIES[prop]
    leave_out = [["is_not", dimension, [""]]] if prop in _LEAVE_OUT_EMPTY else []
    results = _ask(engine, site, date_from, date_to, include_bots, metrics=list(_ROW), dimensions=[dimension],
                   filters=leave_out, pagination={"limit": limit, "offset": 0},
                   order_by=[["visitors", "desc"], ["pageviews", "desc"], [dimension, "asc"]])
    return [{prop: r.dimensions[0], **dict(zip(_ROW, r.metrics, strict=True))} for r in results]
