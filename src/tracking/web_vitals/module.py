"""web_vitals: Core Web Vitals (LCP, INP, CLS) and FCP, TTFB measured in real browsers.

Registers the `vitals` event type (validated at the edge, accepted in batches too), serves
`POST /collect/vitals`, subscribes to `VitalMeasured`, keeps the latest value of each metric
instance in ClickHouse, contributes its numbers to the query engine and serves `GET /api/v1/vitals`
from them: percentiles, good / needs-improvement / poor shares and the Core Web Vitals assessment
per page, device type or country.
"""

from dependency_injector import providers

from core.bus.events import VitalMeasured
from core.modules import Hooks, Subscription, TrackingModule
from tracking.web_vitals import clickhouse, routes
from tracking.web_vitals.container import WebVitalsContainer
from tracking.web_vitals.handlers import WebVitalsHandlers


def hooks(c: WebVitalsContainer) -> Hooks:
    return Hooks(
        event_types=(c.event_type,),
        subscriptions=(Subscription(VitalMeasured, c.handlers, WebVitalsHandlers.on_vital_measured,
                                    reads=("pathname", "device_type", "country")),),
        erasers=(c.eraser,),
        query_metrics=tuple(providers.Object(m) for m in c.query_metrics()),  # one provider per metric
    )


MODULE = TrackingModule(
    name="web_vitals",
    container=WebVitalsContainer,
    hooks=hooks,
    router=routes.router,
    analytics_migrations=clickhouse.MIGRATIONS,
)
