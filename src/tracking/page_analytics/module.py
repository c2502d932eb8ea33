"""page_analytics: where the traffic comes from, and the top pages report.

Its edge enricher reads referrer, campaign parameters and click ids into the events' source and
channel, which the query engine (core.query) reports as `visit:source`, `visit:channel` and
`visit:utm_*`. `/api/v1/stats/top-pages` is the engine's `event:page`. It is the template every
other tracking module copies.
"""

from core.modules import Hooks, TrackingModule
from tracking.page_analytics import clickhouse, routes
from tracking.page_analytics.container import PageAnalyticsContainer


def hooks(c: PageAnalyticsContainer) -> Hooks:
    return Hooks(
        enrichers=(c.enricher,),
        erasers=(c.eraser,),
    )


MODULE = TrackingModule(
    name="page_analytics",
    container=PageAnalyticsContainer,
    hooks=hooks,
    router=routes.router,
    analytics_migrations=clickhouse.MIGRATIONS,
)
