"""ecommerce integration fixtures: its ClickHouse tables on both engines, its ledger on SQLite
(migrated by Alembic, as embedded mode does) and on PostgreSQL (rolled back per test)."""

import pytest

from core.analytics.migrations import migrate
from tracking.ecommerce.clickhouse import MIGRATIONS


@pytest.fixture(scope="module")
def ecommerce_ch(analytics_store):
    """The analytics store (chDB, then the 18.16 server) with ecommerce's tables."""
    migrate(analytics_store, "ecommerce", MIGRATIONS)
    return analytics_store


@pytest.fixture
def ledger_uow(transactional_uow):
    """A unit-of-work factory on a migrated transactional store, SQLite and PostgreSQL in turn."""
    return transactional_uow[1]
