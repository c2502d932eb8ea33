"""page_analytics: pageviews, visitors, top pages, and where the traffic comes from.

Subscribes to `PageViewed`, keeps its own pageviews projection in ClickHouse and serves the stats
endpoints. Its edge enricher reads referrer, campaign parameters and click ids into source and
channel; the traffic breakdowns read them back from the core events log. It is the template
every other tracking module copies.
"""

from core.bus.events import PageViewed
from core.modules import Subscription, TrackingModule
from tracking.page_analytics import clickhouse, routes
from tracking.page_analytics.container import PageAnalyticsContainer

MODULE = TrackingModule(
    name="page_analytics",
    container=PageAnalyticsContainer,
    router=routes.router,
    subscriptions=(Subscription(PageViewed, "handlers.on_page_viewed"),),
    analytics_migrations=clickhouse.MIGRATIONS,
    aggregates=("service",),
    enrichers=("enricher",),
    breakdowns=tuple((prop, "breakdowns") for prop in ("source", "referrer", "channel", "utm_source",
                                                      "utm_medium", "utm_campaign")),
)
