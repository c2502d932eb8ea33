"""page_analytics' container: declares that it needs core, builds its enricher and eraser."""

from dependency_injector import containers, providers

from core.analytics.erasure import TablesEraser
from tracking.page_analytics.service.traffic import TrafficSourceEnricher


class PageAnalyticsContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    enricher = providers.Singleton(TrafficSourceEnricher)
    # Data rights: its retired pageviews projection (clickhouse.py), by event and visitor.
    eraser = providers.Singleton(TablesEraser, store=core.analytics,
                                 tables={"page_analytics_pageviews": ("event_id", "visitor_id")})
