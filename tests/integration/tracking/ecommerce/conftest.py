"""ecommerce integration fixtures: its ClickHouse tables on both engines, its ledger on SQLite
(migrated by Alembic, as embedded mode does) and on PostgreSQL (rolled back per test)."""

import shutil

import pytest

from core.analytics.migrations import migrate
from core.db.engine import build_engine, build_session_factory
from core.db.unit_of_work import UnitOfWork
from tracking.ecommerce.clickhouse import MIGRATIONS


@pytest.fixture(scope="module")
def ecommerce_ch(analytics_store):
    """The analytics store (chDB, then the 18.16 server) with ecommerce's tables."""
    migrate(analytics_store, "ecommerce", MIGRATIONS)
    return analytics_store


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    from alembic import command

    from bootstrap.migrate import alembic_config
    from core.config.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("ledger-template"))
    command.upgrade(alembic_config(settings), "heads")
    return settings.data_dir / "utrack.sqlite3"


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_uow(request, tmp_path, migrated_sqlite):
    """A unit-of-work factory on a migrated transactional store, each kind in turn."""
    if request.param == "postgres":
        factory = request.getfixturevalue("pg_session_factory")
        yield lambda: UnitOfWork(factory)
        return
    path = tmp_path / "ledger.sqlite3"
    shutil.copy(migrated_sqlite, path)
    engine = build_engine(f"sqlite:///{path}")
    factory = build_session_factory(engine)
    yield lambda: UnitOfWork(factory)
    engine.dispose()
