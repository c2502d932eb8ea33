"""HTTP routes of export: destinations, runs and status; the seed's /export and /events aliases;
usage; the data rights (deletion, retention, portability). Reads of numbers and export status need
`stats:read`; configuration and the data rights `sites:write`; deleting the whole site `org:admin`."""

from datetime import UTC, date, datetime, timedelta

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from core.analytics.time_range import EARLIEST, LATEST
from core.http.access import site_id_in_path, site_in_query
from core.http.auth import presented_key
from core.http.errors import errors
from core.http.ids import EventsId, RowId
from core.tenancy.scopes import ORG_ADMIN, SITES_WRITE, STATS_READ
from core.tenancy.service import SiteInfo
from tracking.export.schemas import (
    DeletionOut,
    DestinationCreate,
    DestinationOut,
    DestinationUpdate,
    Erased,
    EventCount,
    ExportStatus,
    RecentEvent,
    RetentionIn,
    RetentionOut,
    RunResult,
    SiteErased,
    Usage,
    UserExport,
)
from tracking.export.service.destinations import Destinations, InvalidDestination, UnknownDestination
from tracking.export.service.rights import DataRights
from tracking.export.service.runs import ExportRuns
from tracking.export.service.usage import UsageReport

router = APIRouter(tags=["export and data rights"])
SITE = "/api/v1/sites/{site_id}"
_ERRORS = errors(401, 403, 404)
_BAD = errors(400, 401, 403, 404)
DESTINATIONS = Provide["export.destinations"]
RUNS = Provide["export.runs"]
RIGHTS = Provide["export.rights"]
USAGE = Provide["export.usage"]
READ, WRITE = Depends(site_id_in_path(STATS_READ)), Depends(site_id_in_path(SITES_WRITE))
READ_Q, WRITE_Q = Depends(site_in_query(STATS_READ)), Depends(site_in_query(SITES_WRITE))
MAX_RUN_INTERVALS = 48  # a manual run exports at most this many intervals; the schedule does the rest


def _out(view) -> DestinationOut:
    return DestinationOut.model_validate(view)


def _status(runs: ExportRuns, site_id: str, destination_id: int) -> ExportStatus:
    try:
        return ExportStatus.model_validate(runs.status(site_id, destination_id), from_attributes=True)
    except UnknownDestination:
        raise HTTPException(404, f"no export destination {destination_id} on this site") from None


def _requester(request: Request) -> str:
    return "key:" + presented_key(request)[:7]  # the key's public prefix (sk_/uk_ + 4), never the key


@router.post(SITE + "/exports", status_code=201, response_model=DestinationOut, responses=_BAD,
             summary="Add an export destination")
@inject
def create(body: DestinationCreate, site_id: str = WRITE,
           destinations: Destinations = Depends(DESTINATIONS)) -> DestinationOut:
    """An S3-compatible bucket (`endpoint_url`, `region`, `bucket`, `prefix`, `access_key`, `secret_key`:
    the keys are encrypted at rest and never returned) or a local directory (`path`). Exports start
    with the interval in progress now; `utrack exports backfill` exports earlier ones."""
    try:
        return _out(destinations.create(site_id, **body.model_dump()))
    except InvalidDestination as exc:
        raise HTTPException(400, str(exc)) from None


@router.get(SITE + "/exports", response_model=list[DestinationOut], responses=_ERRORS,
            summary="The site's export destinations")
@inject
def list_(site_id: str = WRITE,
          destinations: Destinations = Depends(DESTINATIONS)) -> list[DestinationOut]:
    return [_out(v) for v in destinations.list(site_id)]


@router.get(SITE + "/exports/{destination_id}", response_model=ExportStatus, responses=_ERRORS,
            summary="A destination and its export status")
@inject
def status(destination_id: RowId, site_id: str = READ,
           runs: ExportRuns = Depends(RUNS)) -> ExportStatus:
    """Settings, last success, last error, lag, and rows/bytes/files of the latest intervals."""
    return _status(runs, site_id, destination_id)


@router.patch(SITE + "/exports/{destination_id}", response_model=DestinationOut, responses=_BAD,
              summary="Change a destination")
@inject
def update(destination_id: RowId, body: DestinationUpdate, site_id: str = WRITE,
           destinations: Destinations = Depends(DESTINATIONS)) -> DestinationOut:
    """Only the fields sent change. A failing destination is tried again at once."""
    try:
        return _out(destinations.update(site_id, destination_id, **body.model_dump()))
    except UnknownDestination:
        raise HTTPException(404, f"no export destination {destination_id} on this site") from None
    except InvalidDestination as exc:
        raise HTTPException(400, str(exc)) from None


@router.delete(SITE + "/exports/{destination_id}", status_code=204, responses=_ERRORS,
               summary="Remove a destination")
@inject
def remove(destination_id: RowId, site_id: str = WRITE,
           destinations: Destinations = Depends(DESTINATIONS)) -> Response:
    """Stops its exports; what was exported stays in the bucket."""
    try:
        destinations.delete(site_id, destination_id)
    except UnknownDestination:
        raise HTTPException(404, f"no export destination {destination_id} on this site") from None
    return Response(status_code=204)


@router.post(SITE + "/exports/{destination_id}/run", response_model=RunResult, responses=_ERRORS,
             summary="Export the due intervals now")
@inject
def run(destination_id: RowId, site_id: str = WRITE, runs: ExportRuns = Depends(RUNS),
        destinations: Destinations = Depends(DESTINATIONS)) -> RunResult:
    """Exports the intervals the write watermark has passed (at most 48 per call), ignoring a
    failure back-off; an interval still being written is never exported early."""
    try:
        destinations.get(site_id, destination_id)
    except UnknownDestination:
        raise HTTPException(404, f"no export destination {destination_id} on this site") from None
    outcome = runs.run(destination_id, max_intervals=MAX_RUN_INTERVALS)
    return RunResult(destination_id=destination_id, intervals=outcome.intervals, rows=outcome.rows,
                     bytes=outcome.bytes, error=outcome.error)


# -- the seed's aliases (site in the query string) -------------------------------------------------

@router.get("/export/config", response_model=list[DestinationOut], responses=_ERRORS,
            summary="Seed alias: the site's destinations")
@inject
def seed_config(site: SiteInfo = WRITE_Q,
                destinations: Destinations = Depends(DESTINATIONS)) -> list[DestinationOut]:
    """Same as `GET /api/v1/sites/{site_id}/exports`."""
    return [_out(v) for v in destinations.list(site.id)]


@router.get("/export/status", response_model=list[ExportStatus], responses=_ERRORS,
            summary="Seed alias: status of every destination")
@inject
def seed_status(site: SiteInfo = READ_Q, destinations: Destinations = Depends(DESTINATIONS),
                runs: ExportRuns = Depends(RUNS)) -> list[ExportStatus]:
    """`GET /api/v1/sites/{site_id}/exports/{id}` for each destination of the site."""
    return [_status(runs, site.id, v.id) for v in destinations.list(site.id)]


@router.post("/export/run", response_model=list[RunResult], responses=_ERRORS,
             summary="Seed alias: run every destination now")
@inject
def seed_run(site: SiteInfo = WRITE_Q, destinations: Destinations = Depends(DESTINATIONS),
             runs: ExportRuns = Depends(RUNS)) -> list[RunResult]:
    """`POST /api/v1/sites/{site_id}/exports/{id}/run` for each enabled destination of the site."""
    out = []
    for v in destinations.list(site.id):
        if v.enabled:
            o = runs.run(v.id, max_intervals=MAX_RUN_INTERVALS)
            out.append(RunResult(destination_id=v.id, intervals=o.intervals, rows=o.rows, bytes=o.bytes,
                                 error=o.error))
    return out


# -- usage and reads ---------------------------------------------------------------------------------

def _day(value: str | None, default: date, name: str) -> date:
    if value is None:
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name} must be a date YYYY-MM-DD, got {value!r}") from None
    if not EARLIEST <= day <= LATEST:  # ClickHouse's Date cannot hold it: a clear 400, not a 500
        raise HTTPException(400, f"`{name}` must be between {EARLIEST} and {LATEST}, got {value}")
    return day


@router.get(SITE + "/usage", response_model=Usage, responses=_BAD, summary="Events per day (metering)")
@inject
def usage(site_id: str = READ, from_: str | None = Query(None, alias="from",
          description="First day (UTC), default 30 days ago."), to: str | None = Query(None,
          description="Last day (UTC), default today."), report: UsageReport = Depends(USAGE)) -> Usage:
    """Events in the log per UTC day (by event time), days without events left out."""
    today = datetime.now(UTC).date()
    day_from, day_to = _day(from_, today - timedelta(days=30), "from"), _day(to, today, "to")
    if day_from > day_to:
        raise HTTPException(400, "from must not be after to")
    days = report.per_day(site_id, day_from, day_to)
    return Usage(site_id=site_id, total=sum(d["events"] for d in days), days=days)


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


@router.get("/events/count", response_model=EventCount, responses=_BAD, summary="Seed: count of events")
@inject
def events_count(site: SiteInfo = READ_Q, from_: str | None = Query(None, alias="from",
                 description="First day (UTC); default: all time."), to: str | None = Query(
                 None, description="Last day (UTC), included; default: all time."),
                 report: UsageReport = Depends(USAGE)) -> EventCount:
    """Events in the log whose event time is in the range."""
    lo = _ms(_day(from_, date(1970, 1, 1), "from"))
    hi = _ms(_day(to, date(9999, 12, 30), "to") + timedelta(days=1))
    return EventCount(site_id=site.id, count=report.count(site.id, lo, hi))


@router.get("/events/recent", response_model=list[RecentEvent], responses=_ERRORS,
            summary="Seed: the latest events (privacy-safe fields)")
@inject
def events_recent(site: SiteInfo = READ_Q, limit: int = Query(20, ge=1, le=1000),
                  report: UsageReport = Depends(USAGE)) -> list[RecentEvent]:
    """Newest first, by event time: no visitor, session or user id, no URL query, no props."""
    return [RecentEvent(**e) for e in report.recent(site.id, limit)]


# -- data rights -----------------------------------------------------------------------------------

@router.delete(SITE + "/visitors/{visitor_id}", response_model=Erased, responses=_ERRORS,
               summary="Delete a visitor's data (today's visitor id)")
@inject
def erase_visitor(visitor_id: EventsId, request: Request, site_id: str = WRITE,
                  rights: DataRights = Depends(RIGHTS)) -> Erased:
    """Every event with this visitor id in every module's tables; one audit row."""
    return Erased(site_id=site_id, scope="visitor", removed=rights.erase_visitor(site_id, visitor_id,
                                                                                 _requester(request)))


@router.delete(SITE + "/sessions/{session_id}", response_model=Erased, responses=_ERRORS,
               summary="Delete one session's data")
@inject
def erase_session(session_id: EventsId, request: Request, site_id: str = WRITE,
                  rights: DataRights = Depends(RIGHTS)) -> Erased:
    return Erased(site_id=site_id, scope="session", removed=rights.erase_session(site_id, session_id,
                                                                                 _requester(request)))


@router.delete(SITE + "/users/{user_id}", response_model=Erased, responses=_ERRORS,
               summary="Delete an identified user's data")
@inject
def erase_user(user_id: str, request: Request, site_id: str = WRITE,
               rights: DataRights = Depends(RIGHTS)) -> Erased:
    """The user's events and the sessions they were in, in every module; the audit keeps the
    user id only as its pseudonym."""
    return Erased(site_id=site_id, scope="user", removed=rights.erase_user(site_id, user_id, _requester(request)))


@router.get(SITE + "/users/{user_id}/events", response_model=UserExport, responses=_ERRORS,
            summary="Data portability: an identified user's events as JSON")
@inject
def user_events(user_id: str, site_id: str = WRITE, rights: DataRights = Depends(RIGHTS),
                report: UsageReport = Depends(USAGE)) -> UserExport:
    return UserExport(site_id=site_id, events=report.user_events(site_id, rights.user_key(site_id, user_id)))


@router.delete(SITE, response_model=SiteErased, responses=_ERRORS, summary="Delete a site and all its data")
@inject
def erase_site(request: Request, site_id: str = Depends(site_id_in_path(ORG_ADMIN)),
               rights: DataRights = Depends(RIGHTS)) -> SiteErased:
    """The site, its keys (this key stops working) and every row and key of it in every store and
    module: events, visits, module tables, real-time keys, transactional rows, export destinations.
    Waits (a few seconds) until the events accepted before the call have left the buffer. The
    deletion audit row stays."""
    removed, flushed = rights.erase_site(site_id, _requester(request))
    return SiteErased(site_id=site_id, scope="site", removed=removed, flushed=flushed)


@router.get(SITE + "/deletions", response_model=list[DeletionOut], responses=_ERRORS,
            summary="The deletion audit")
@inject
def deletions(site_id: str = WRITE, rights: DataRights = Depends(RIGHTS)) -> list[DeletionOut]:
    return [DeletionOut.model_validate(d) for d in rights.deletions(site_id)]


@router.put(SITE + "/retention", response_model=RetentionOut, responses=_BAD, summary="Set the site's retention")
@inject
def set_retention(body: RetentionIn, site_id: str = WRITE,
                  rights: DataRights = Depends(RIGHTS)) -> RetentionOut:
    rights.set_retention(site_id, body.days)
    return RetentionOut(site_id=site_id, days=rights.retention(site_id))


@router.get(SITE + "/retention", response_model=RetentionOut, responses=_ERRORS, summary="The site's retention")
@inject
def get_retention(site_id: str = WRITE, rights: DataRights = Depends(RIGHTS)) -> RetentionOut:
    """Days of events kept (the site's own, or UT_EXPORT_RETENTION_DAYS); 0 = forever."""
    return RetentionOut(site_id=site_id, days=rights.retention(site_id))
