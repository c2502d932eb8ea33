"""Operations endpoints: liveness, readiness of every store, Prometheus metrics."""

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, Response
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


@router.get("/health", response_model=Health, summary="Is the process up")
def health() -> Health:
    return Health(status="ok")


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness}},
            summary="Can every store be reached")
@inject
def ready(engine: Engine = Depends(Provide["core.engine"]),
          analytics: AnalyticsStore = Depends(Provide["core.analytics"]),
          redis=Depends(Provide["core.redis"]),
          buffer: EventBuffer = Depends(Provide["core.buffer"])) -> Response:
    """503 names the failing store; `buffer_backlog` is how many records wait for the worker."""
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
    backlog = None
    try:
        backlog = buffer.backlog()
        checks["buffer"] = "ok"
    except Exception as exc:
        checks["buffer"] = f"error: {type(exc).__name__}: {exc}"[:300]
    ok = all(v == "ok" for v in checks.values())
    body = Readiness(status="ok" if ok else "unavailable", checks=checks, buffer_backlog=backlog)
    return json_response(body.model_dump(), 200 if ok else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
@inject
def metrics(m: Metrics = Depends(Provide["core.metrics"])) -> Response:
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
