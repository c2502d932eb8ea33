"""The FastAPI app factory. Core builds the app from what bootstrap hands it; it names no module."""

import logging
import threading
from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError

from core.analytics.port import AnalyticsTimeout
from core.di.container import CoreContainer, start_core
from core.http import collect, goals, keys, ops, query, server_api, sites, stats
from core.http.access import describe_scopes
from core.http.body_schemas import add_body_schemas
from core.http.cors import CollectCors
from core.http.errors import document_route_errors, use_error_schemas, validation_error_body
from core.http.limits_openapi import document_limits
from core.http.rate_limit import ApiRateLimit
from core.http.request_metrics import RequestMetrics
from core.http.responses import json_response
from core.http.shedding import StatsShedding
from core.http.store_calls import STORE_ERRORS, StoreCalls, store_unavailable
from core.ingest.service import IngestUnavailable

log = logging.getLogger(__name__)

DESCRIPTION = """First-party, privacy-first web and e-commerce analytics.

* **collect**: browser endpoints (`site_id` names the site; the request origin must be allowed).
* **server ingest**: `POST /api/v1/events` with a key of the `ingest` scope.
* **everything else** names the scope it needs (`stats:read`, `sites:write`, `org:admin`): send an
  organisation key (`uk_…`, `utrack keys create`) or the site's secret key (`sk_…`, every scope of
  its site) in `X-API-Key` or `Authorization: Bearer`. The dashboard's cookies read.

Accepted events (202) are durably buffered before the answer and counted exactly once.
"""


def create_app(core: CoreContainer, routers: Sequence[APIRouter], *,
               on_shutdown: Callable[[], None] | None = None,
               worker_gate: Callable[[threading.Event], bool] | None = None) -> FastAPI:
    """`worker_gate(stopping)` runs in the worker's thread before it drains anything and returns
    whether to go on (bootstrap uses it to apply analytics migrations the store was down for, while
    collect keeps accepting into the durable buffer)."""
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        worker_thread, stopping = None, threading.Event()
        start_core(core)
        if core.settings().worker_enabled:
            worker = core.worker()

            def work() -> None:
                if worker_gate is None or worker_gate(stopping):
                    worker.run_forever()

            worker_thread = threading.Thread(target=work, name="ut-worker", daemon=True)
            worker_thread.start()
            core.background().start()  # modules' periodic tasks live where the worker lives
        core.metrics().track_backlog(lambda: core.buffer().backlog())
        yield
        if worker_thread is not None:
            stopping.set()
            core.background().stop()
            core.worker().stop()
            worker_thread.join(timeout=15)
        if on_shutdown is not None:
            on_shutdown()

    # /docs and /redoc are served by the dashboard module from assets in the package (no CDN).
    app = FastAPI(title="Universal Tracking", version="0.1.0", description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.trusted_proxies = core.settings().trusted_proxies  # read by core.http.context.client_ip
    for router in (collect.router, server_api.router, stats.router, query.router, goals.router, keys.router,
                   sites.router, ops.router, *routers):
        describe_scopes(router)  # "Needs the `scope` scope" in each route's OpenAPI description
        document_route_errors(router.routes)  # the 400/401/403/404 its dependencies answer
        app.include_router(router)
    app.state.core = core  # for the async resolvers of the hot path (core.http.deps)
    app.state.store_calls = StoreCalls(timeout_s=core.settings().store_timeout_s,
                                       max_threads=core.settings().store_threads)
    settings = core.settings()
    # Innermost first: a flooding key gets its 429 before it may wait for a read slot.
    app.add_middleware(StatsShedding, concurrency=settings.stats_concurrency,
                       queue_length=settings.stats_queue_length, queue_s=settings.stats_queue_s,
                       timeout_s=settings.stats_timeout_s, metrics=core.metrics())
    app.add_middleware(ApiRateLimit, limits=core.rate_limits, metrics=core.metrics())
    app.add_middleware(CollectCors)
    app.add_middleware(RequestMetrics, metrics=core.metrics())

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> Response:
        return json_response(validation_error_body(exc.errors()), 422)

    def openapi() -> dict:
        if app.openapi_schema is None:  # built once, as FastAPI does
            app.openapi_schema = add_body_schemas(use_error_schemas(FastAPI.openapi(app)), core.event_types())
        return app.openapi_schema

    app.openapi = openapi  # every 422 as the handler above answers it; the raw-body routes' bodies

    async def store_down(request: Request, exc: Exception) -> Response:
        """A store that cannot be reached, in any route: 503 with the store's name and Retry-After, not a
        500 and a traceback per request (the ingest path maps its own, in core.http.store_calls)."""
        answer = store_unavailable(request, exc)
        response = json_response({"detail": answer.detail}, 503)
        response.headers.update(answer.headers or {})
        return response

    for error in STORE_ERRORS:
        app.add_exception_handler(error, store_down)

    @app.exception_handler(AnalyticsTimeout)
    async def query_timed_out(_request: Request, exc: AnalyticsTimeout) -> Response:
        """The engine stopped a read at UT_STATS_TIMEOUT_S (core.query.clickhouse.QueryStore): its work
        is over, its slot free; the client may narrow the range or retry."""
        core.metrics().shed.labels("query_timeout").inc()
        response = json_response({"detail": f"{exc} (UT_STATS_TIMEOUT_S) and was stopped; narrow the "
                                            "date range or retry later"}, 503)
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(IngestUnavailable)
    async def ingest_unavailable(_request: Request, exc: IngestUnavailable) -> Response:
        log.error("%s", exc)  # the message names the sink only: no event content is logged
        response = json_response({"detail": "temporarily unavailable, retry"}, 503)
        response.headers["Retry-After"] = "1"
        return response

    document_limits(app)  # after any other OpenAPI customisation: it wraps whatever builds the document
    return app

