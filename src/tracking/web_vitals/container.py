"""web_vitals' container: declares that it needs core, builds its store, service, handlers, event type."""

from dependency_injector import containers, providers

from core.analytics.erasure import TablesEraser
from tracking.web_vitals.clickhouse import VitalsStore
from tracking.web_vitals.handlers import WebVitalsHandlers
from tracking.web_vitals.service import VitalsEventType, WebVitalsService, vital_metrics


class WebVitalsContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    store = providers.Singleton(VitalsStore, analytics=core.analytics)
    service = providers.Singleton(WebVitalsService, engine=core.query)  # the report: the engine's numbers
    handlers = providers.Singleton(WebVitalsHandlers, store=store)
    event_type = providers.Singleton(VitalsEventType)
    # query engine metrics (core.query.contributions): lcp_count … ttfb_p95, sliced like any other number
    query_metrics = providers.Object(vital_metrics())
    # Data rights: measurements, by event id.
    eraser = providers.Singleton(TablesEraser, store=core.analytics,
                                 tables={"web_vitals_measurements": ("event_id",)})
