"""The shared stats endpoints; the numbers come from the modules registered in `StatsRegistry`."""

from datetime import date

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException, Query

from core.analytics.time_range import InvalidRange, UtcRange, local_days_to_utc
from core.http.auth import read_access
from core.stats.registry import StatsRegistry, UnknownProperty
from core.tenancy.service import SiteInfo

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])

FROM = Query(..., alias="from", description="First day, in the site's time zone (YYYY-MM-DD).")
TO = Query(..., alias="to", description="Last day, inclusive, in the site's time zone.")
INCLUDE_BOTS = Query(False, description="Count events from bots (crawlers, headless browsers, monitors) too; "
                     "by default they are stored but left out of every number.")


def report_window(date_from: date = FROM, date_to: date = TO, site: SiteInfo = Depends(read_access)) -> UtcRange:
    """The UTC bounds of a report's local days; 400 for a reversed or too long range."""
    try:
        return local_days_to_utc(date_from, date_to, site.timezone)
    except InvalidRange as exc:
        raise HTTPException(400, str(exc)) from exc


@router.get("/aggregate", response_model=dict[str, int | float], summary="Headline numbers")
@inject
def aggregate(site: SiteInfo = Depends(read_access), window: UtcRange = Depends(report_window),
              include_bots: bool = INCLUDE_BOTS,
              registry: StatsRegistry = Depends(Provide["core.stats"])) -> dict[str, int | float]:
    """`pageviews` and `visitors` (unique daily visitor hashes), plus every metric the installed
    modules contribute (for example `visits`, `bounce_rate`, `visit_duration`, `views_per_visit`)."""
    return registry.aggregate(site=site, window=window, include_bots=include_bots)


@router.get("/breakdown", response_model=list[dict[str, str | int | float | None]],
            summary="Numbers broken down by one property")
@inject
def breakdown(prop: str = Query(..., alias="property", description="What to break down by, e.g. `browser`."),
              limit: int = Query(10, ge=1, le=1000), site: SiteInfo = Depends(read_access),
              window: UtcRange = Depends(report_window), include_bots: bool = INCLUDE_BOTS,
              registry: StatsRegistry = Depends(Provide["core.stats"])) -> list[dict]:
    """Rows of `{<property>: value, "visitors": n, "pageviews": n, ...}`, most visitors first.
    An unknown property gets 400 with the list of valid ones."""
    try:
        return registry.breakdown(site=site, window=window, prop=prop, limit=limit, include_bots=include_bots)
    except UnknownProperty as exc:
        raise HTTPException(400, str(exc)) from exc
