"""Alembic environment: one history for every transactional table of core and the modules."""

import importlib

from alembic import context
from sqlalchemy import engine_from_config, pool

from bootstrap.modules import installed_modules
from core.config.settings import Settings
from core.db.base import Base

import core.db.models  # noqa: F401  (registers core tables)

for module in installed_modules():
    try:
        importlib.import_module(f"tracking.{module.name}.models")
    except ModuleNotFoundError:
        pass

config = context.config
if not config.get_main_option("sqlalchemy.url"):
    config.set_main_option("sqlalchemy.url", Settings().resolved_database_url().replace("%", "%%"))


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=Base.metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                         prefix="sqlalchemy.", poolclass=pool.NullPool)
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:
    # SQLite cannot ALTER most things in place: batch mode rebuilds tables when needed.
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
