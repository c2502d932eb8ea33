"""The sessions module's ClickHouse tables on both engines (on top of core's and page_analytics')."""

import pytest

from core.analytics.migrations import migrate
from tracking.sessions.clickhouse import MIGRATIONS


@pytest.fixture(scope="module")
def sessions_ch(analytics_store):
    migrate(analytics_store, "sessions", MIGRATIONS)
    return analytics_store
