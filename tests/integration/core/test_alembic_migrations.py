"""The Alembic history goes up, all the way down and up again on a fresh Postgres database."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import core.db.models  # noqa: F401  (registers core tables on Base.metadata)
from bootstrap.migrate import alembic_config
from core.config.settings import Settings
from core.db.base import Base
from tests import servers

TABLES = {"core_organisations", "core_org_keys", "core_sites", "core_api_keys", "core_daily_salts",
          "core_dead_letters", "core_goals", "core_user_keys",
          "active_users_share_tokens", "sessions_site_settings",
          "ecommerce_orders", "ecommerce_refunds", "ecommerce_site_currencies", "ecommerce_currency_rates",
          "meta_capi_pixels", "meta_capi_outbox", "meta_capi_deliveries", "insights_funnels",
          "export_destinations", "export_runs", "export_deletions", "export_retention"}


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _model_drift(url: str) -> list:
    """What autogenerate would still add: the migrations must match the SQLAlchemy models."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_on_a_fresh_database():
    url, name = servers.create_postgres_database()
    try:
        cfg = alembic_config(Settings(database_url=url))
        command.upgrade(cfg, "heads")
        assert _tables(url) == TABLES
        command.downgrade(cfg, "base")
        assert _tables(url) == set()
        command.upgrade(cfg, "heads")
        assert _tables(url) == TABLES
        assert _model_drift(url) == []
    finally:
        servers.drop_postgres_database(name)
