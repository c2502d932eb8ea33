"""Integration fixtures: analytics stores on both engines, migrated once per test module.

chDB opens one data directory per process, so every module reuses the same directory and closes
its store when the module ends (other tiers may open their own embedded store afterwards).
"""

import pytest

from core.analytics.chdb_store import ChdbStore
from core.analytics.driver_store import DriverStore
from core.analytics.migrations import migrate
from core.ingest.event_log import MIGRATIONS as EVENTS_MIGRATIONS
from tests import servers
from tracking.page_analytics.clickhouse import MIGRATIONS as PAGE_ANALYTICS_MIGRATIONS


def _migrated(store):
    migrate(store, "core", EVENTS_MIGRATIONS)
    migrate(store, "page_analytics", PAGE_ANALYTICS_MIGRATIONS)
    return store


@pytest.fixture(scope="session")
def chdb_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("chdb") / "clickhouse"


@pytest.fixture(scope="module")
def chdb_store(chdb_dir):
    store = ChdbStore(chdb_dir)
    yield _migrated(store)
    store.close()


@pytest.fixture(scope="module")
def driver_store(clickhouse_url):
    store = DriverStore(clickhouse_url)
    yield _migrated(store)
    store.close()


@pytest.fixture(scope="session")
def clickhouse_url_new_york(tmp_path_factory):
    """A second 18.16 server whose own time zone is behind UTC, to catch server-local date maths."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TZ", "America/New_York")  # inherited by the server process only at start
        proc, url = servers.start_clickhouse(tmp_path_factory.mktemp("clickhouse-new-york"))
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def driver_store_new_york(clickhouse_url_new_york):
    store = DriverStore(clickhouse_url_new_york)
    yield _migrated(store)
    store.close()


_STORES = {"chdb": "chdb_store", "server": "driver_store", "server-tz-new-york": "driver_store_new_york"}


@pytest.fixture(scope="module", params=["chdb", "server"])
def analytics_store(request):
    """Each adapter in turn, with core's and page_analytics' tables in place."""
    return request.getfixturevalue(_STORES[request.param])


@pytest.fixture(scope="module", params=list(_STORES))
def analytics_store_any_tz(request):
    """Both adapters plus a server running in America/New_York, for date-boundary logic."""
    return request.getfixturevalue(_STORES[request.param])


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A SQLite file with every Alembic head applied, copied per test (as embedded mode migrates)."""
    from alembic import command

    from bootstrap.migrate import alembic_config
    from core.config.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("sqlite-template"))
    command.upgrade(alembic_config(settings), "heads")
    return settings.data_dir / "utrack.sqlite3"


@pytest.fixture(params=["sqlite", "postgres"])
def transactional_uow(request, tmp_path, migrated_sqlite):
    """(kind, unit-of-work factory) on each migrated transactional store in turn: a fresh copy of
    the SQLite template, or PostgreSQL inside one outer transaction rolled back after the test."""
    import shutil

    from core.db.engine import build_engine, build_session_factory
    from core.db.unit_of_work import UnitOfWork

    if request.param == "postgres":
        factory = request.getfixturevalue("pg_session_factory")
        yield "postgres", (lambda: UnitOfWork(factory))
        return
    path = tmp_path / "store.sqlite3"
    shutil.copy(migrated_sqlite, path)
    engine = build_engine(f"sqlite:///{path}")
    factory = build_session_factory(engine)
    yield "sqlite", (lambda: UnitOfWork(factory))
    engine.dispose()
