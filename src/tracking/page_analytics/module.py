"""page_analytics: pageviews, visitors, top pages, and where the traffic comes from.

Subscribes to `PageViewed`, keeps its own pageviews projection in ClickHouse and serves the stats
endpoints. Its edge enricher reads referrer, campaign parameters and click ids into source and
channel; the traffic breakdowns read them back from the core events log. It is the template
every other tracking module copies.
"""

from core.bus.events import PageViewed
from core.modules import Hooks, Subscription, TrackingModule
from tracking.page_analytics import clickhouse, routes
from tracking.page_analytics.container import PageAnalyticsContainer
from tracking.page_analytics.handlers import PageAnalyticsHandlers

TRAFFIC_BREAKDOWNS = ("source", "referrer", "channel", "utm_source", "utm_medium", "utm_campaign")


def hooks(c: PageAnalyticsContainer) -> Hooks:
    return Hooks(
        enrichers=(c.enricher,),
        subscriptions=(Subscription(PageViewed, c.handlers, PageAnalyticsHandlers.on_page_viewed,
                                    reads=("is_bot", "source", "channel")),),
        aggregates=(c.service,),
        breakdowns=tuple((prop, c.breakdowns) for prop in TRAFFIC_BREAKDOWNS),
        erasers=(c.eraser,),
    )


MODULE = TrackingModule(
    name="page_analytics",
    container=PageAnalyticsContainer,
    hooks=hooks,
    router=routes.router,
    analytics_migrations=clickhouse.MIGRATIONS,
)
