"""page_analytics: pageviews, visitors and top pages.

Subscribes to `PageViewed`, keeps its own pageviews projection in ClickHouse and serves the stats
endpoints. It is the template every other tracking module copies.
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
)
