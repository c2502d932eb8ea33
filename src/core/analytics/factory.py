"""Pick the analytics adapter from the settings: a URL means a server, none means embedded chDB."""

from core.analytics.port import AnalyticsStore
from core.config.settings import Settings


def build_analytics_store(settings: Settings) -> AnalyticsStore:
    if settings.clickhouse_url:
        from core.analytics.driver_store import DriverStore

        return DriverStore(settings.clickhouse_url)
    from core.analytics.chdb_store import ChdbStore

    return ChdbStore(settings.clickhouse_embedded_path())
