"""web_vitals' container: declares that it needs core, builds its store, service, handlers, event type."""

from dependency_injector import containers, providers

from core.analytics.erasure import TablesEraser
from tracking.web_vitals.clickhouse import VitalsStore
from tracking.web_vitals.handlers import WebVitalsHandlers
from tracking.web_vitals.service import VitalP75, VitalsEventType, WebVitalsService


class WebVitalsContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    store = providers.Singleton(VitalsStore, analytics=core.analytics)
    service = providers.Singleton(WebVitalsService, store=store)
    handlers = providers.Singleton(WebVitalsHandlers, store=store)
    event_type = providers.Singleton(VitalsEventType)
    # query engine metrics (core.query.contributions): the p75s, sliced like any other number
    lcp_p75 = providers.Singleton(VitalP75, "LCP")
    inp_p75 = providers.Singleton(VitalP75, "INP")
    cls_p75 = providers.Singleton(VitalP75, "CLS")
    fcp_p75 = providers.Singleton(VitalP75, "FCP")
    ttfb_p75 = providers.Singleton(VitalP75, "TTFB")
    # Data rights: measurements, by event id.
    eraser = providers.Singleton(TablesEraser, store=core.analytics,
                                 tables={"web_vitals_measurements": ("event_id",)})
