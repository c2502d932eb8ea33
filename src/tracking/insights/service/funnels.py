"""Funnels: saved definitions, and their analysis over the events log.

The log is read once per analysis: every event of the date range (plus the conversion window
after it) that matches a step, or with `strict` order every event, of units seen in the range,
sorted by unit and time; `funnel_rules` then follows each unit. With `unit=visitors` a unit is
the daily visitor hash (anonymous traffic: one UTC day at most); with `unit=users` it is the
user pseudonym, and only identified events count.
"""

from collections.abc import Callable

from core.db.unit_of_work import UnitOfWork
from core.query import clickhouse as engine
from core.tenancy.service import SiteInfo
from tracking.insights.clickhouse import InsightsStore, funnel_sql, step_condition
from tracking.insights.models import Funnel
from tracking.insights.repository import FunnelRepository, NameTaken
from tracking.insights.schemas import FunnelAnswer, FunnelCreate, FunnelOut, FunnelQuery
from tracking.insights.service.funnel_report import report
from tracking.insights.service.window import (
    InsightsError,
    NotFound,
    Windows,
    params,
    parse_dimension,
    parse_filters,
    where,
)

MAX_FUNNELS = 200  # per site


class FunnelService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], store: InsightsStore, windows: Windows) -> None:
        self._uow = uow
        self._store = store
        self._windows = windows

    def create(self, site_id: str, body: FunnelCreate) -> FunnelOut:
        try:
            with self._uow() as session:
                repo = FunnelRepository(session)
                if len(repo.for_site(site_id)) >= MAX_FUNNELS:
                    raise InsightsError(f"a site has at most {MAX_FUNNELS} funnels")
                if repo.by_name(site_id, body.name):
                    raise InsightsError(f"a funnel named {body.name!r} exists on this site")
                row = repo.add(site_id, body.name, body.model_dump(exclude={"name"}, exclude_none=True))
                return _out(row)
        except NameTaken as exc:  # a concurrent create of the same name
            raise InsightsError(f"a funnel named {body.name!r} exists on this site") from exc

    def list(self, site_id: str) -> list[FunnelOut]:
        with self._uow() as session:
            return [_out(r) for r in FunnelRepository(session).for_site(site_id)]

    def get(self, site_id: str, funnel_id: int) -> FunnelOut:
        with self._uow() as session:
            row = FunnelRepository(session).get(site_id, funnel_id)
            if row is None:
                raise NotFound(f"no funnel {funnel_id} on this site")
            return _out(row)

    def delete(self, site_id: str, funnel_id: int) -> None:
        with self._uow() as session:
            repo = FunnelRepository(session)
            row = repo.get(site_id, funnel_id)
            if row is None:
                raise NotFound(f"no funnel {funnel_id} on this site")
            repo.delete(row)

    def analyse(self, site: SiteInfo, query: FunnelQuery) -> FunnelAnswer:
        window = self._windows.resolve(site, query.date_range)
        node = parse_filters(query.filters)
        breakdown = parse_dimension(query.breakdown) if query.breakdown else None
        window_ms = query.window_s * 1000
        q = engine.Sql(params(site, window.start_ms, window.end_ms + window_ms, query.include_bots))
        steps = [step_condition(q, event=s.event, page=s.page, props=s.props) for s in query.steps]
        sql = funnel_sql(q, unit=query.unit, steps=steps, strict=query.order == "strict", where=where(q, node),
                         breakdown=breakdown)
        results = report(self._store.units(sql, q.params), labels=[s.name for s in query.steps],
                         order=query.order, window_ms=window_ms, entry=query.entry, start_ms=window.start_ms,
                         end_ms=window.end_ms, breakdown=breakdown is not None)
        echo = query.model_dump(mode="json", exclude_none=True)
        echo["date_range"] = window.echo()
        return FunnelAnswer(funnel=echo, results=results)


def _out(row: Funnel) -> FunnelOut:
    return FunnelOut(id=row.id, name=row.name, **row.definition)
