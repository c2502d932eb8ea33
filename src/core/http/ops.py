"""Operations endpoints: liveness, readiness of every store and of the worker, Prometheus metrics."""

import math

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import Engine, text

from core.analytics.port import AnalyticsStore
from core.buffer.port import EventBuffer
from core.http.responses import json_response
from core.metrics import Metrics

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    checks: dict[str, str]
    buffer_backlog: int | None = None
    buffer_oldest_age_s: float | None = None
    buffer_durability: str | None = None
    worker: str | None = None
    # "pending: <why>" while `utrack serve` waits for the analytics store to apply its migrations.
    analytics_migrations: str | None = None


@router.get("/health", response_model=Health, summary="Is the process up")
async def health() -> Health:
    """Answered on the event loop itself: no thread pool a hung store could fill stands in its way."""
    return Health(status="ok")


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness}},
            summary="Can every store be reached")
@inject
def ready(request: Request, engine: Engine = Depends(Provide["core.engine"]),
          analytics: AnalyticsStore = Depends(Provide["core.analytics"]),
          redis=Depends(Provide["core.redis"]),
          buffer: EventBuffer = Depends(Provide["core.buffer"])) -> Response:
    """503 names the failing store, or the worker of this process when it has made no progress for
    `UT_WORKER_STALL_S` (`worker`, with the error). `buffer_backlog` is how many records wait,
    `buffer_oldest_age_s` the age of the oldest not acked, `buffer_durability` what a restart of the
    buffer's store would lose (503 if `UT_BUFFER_REQUIRE_AOF=true` and it would lose events)."""
    checks: dict[str, str] = {}

    def check(name: str, probe) -> None:
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:  # a readiness probe reports, it does not raise
            checks[name] = f"error: {type(exc).__name__}: {exc}"[:300]

    def sql() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    check("database", sql)
    check("redis", redis.ping)
    check("clickhouse", analytics.ping)
    backlog = oldest = None
    try:
        backlog, oldest = buffer.backlog(), round(buffer.oldest_age_s(), 3)
        checks["buffer"] = "ok"
    except Exception as exc:
        checks["buffer"] = f"error: {type(exc).__name__}: {exc}"[:300]
    # built once every check is in: pydantic copies `checks`, later keys would not reach the answer
    body = Readiness(status="ok", checks=checks, buffer_backlog=backlog, buffer_oldest_age_s=oldest)
    ok = all(v == "ok" for v in checks.values())
    core = request.app.state.core
    try:
        durability = buffer.durability()
        body.buffer_durability = durability.detail
        if durability.durable is False and core.settings().buffer_require_aof:
            ok = False
    except Exception as exc:
        body.buffer_durability = f"unknown: {type(exc).__name__}: {exc}"[:300]
    status = _worker_status(core)
    if status is not None:
        body.worker = "ok" if status.ok and status.detail == "ok" else status.detail
        ok = ok and status.ok
    deferred = getattr(request.app.state, "analytics_migrations", None)
    if deferred is not None:
        body.analytics_migrations = deferred.state
        ok = ok and deferred.state == "ok"
    body.status = "ok" if ok else "unavailable"
    return json_response(body.model_dump(), 200 if ok else 503)


def _worker_status(core):
    """The worker running in this process, if any (else `utrack worker` processes do the work)."""
    return core.worker().status() if core.settings().worker_enabled else None


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
@inject
def metrics(request: Request, m: Metrics = Depends(Provide["core.metrics"]),
            buffer: EventBuffer = Depends(Provide["core.buffer"])) -> Response:
    try:
        m.oldest_unacked.set(buffer.oldest_age_s())
    except Exception:  # the buffer's store is away: say so, do not fail the scrape
        m.oldest_unacked.set(math.nan)
    status = _worker_status(request.app.state.core)
    m.worker_stalled.set(0 if status is None or status.ok else 1)
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
