"""page_analytics' container: declares that it needs core, builds its store, service, handlers."""

from dependency_injector import containers, providers

from core.analytics.erasure import TablesEraser
from tracking.page_analytics.clickhouse import PageviewStore
from tracking.page_analytics.handlers import PageAnalyticsHandlers
from tracking.page_analytics.service import PageAnalyticsService
from tracking.page_analytics.service.breakdowns import TrafficBreakdowns
from tracking.page_analytics.service.traffic import TrafficSourceEnricher


class PageAnalyticsContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    store = providers.Singleton(PageviewStore, analytics=core.analytics)
    service = providers.Singleton(PageAnalyticsService, store=store)
    handlers = providers.Singleton(PageAnalyticsHandlers, store=store)
    enricher = providers.Singleton(TrafficSourceEnricher)
    breakdowns = providers.Singleton(TrafficBreakdowns, stats=core.event_stats)
    # Data rights: its projection of pageviews, by event and visitor.
    eraser = providers.Singleton(TablesEraser, store=core.analytics,
                                 tables={"page_analytics_pageviews": ("event_id", "visitor_id")})
