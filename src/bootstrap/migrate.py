"""`utrack migrate`: Alembic for the transactional store, the ClickHouse runner for analytics.

Alembic history: core's revisions form the main line ("0001", "0002"...); each module that owns
tables keeps its own branch (revision "<module>_0001", `branch_labels=("<module>",)`,
`depends_on="0001"`), so modules never fight over one linear history. Upgrade target: "heads".
"""

from pathlib import Path

from alembic import command
from alembic.config import Config

from bootstrap.modules import installed_modules
from core.analytics.factory import build_analytics_store
from core.analytics.migrations import migrate
from core.config.settings import Settings
from core.ingest.event_log import MIGRATIONS as EVENTS_MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(settings: Settings) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", settings.resolved_database_url().replace("%", "%%"))
    return cfg


def migrate_all(settings: Settings) -> dict[str, list[int]]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), "heads")  # core's history plus each module's branch
    store = build_analytics_store(settings)
    try:
        applied = {"core": migrate(store, "core", EVENTS_MIGRATIONS)}
        for module in installed_modules():
            applied[module.name] = migrate(store, module.name, module.analytics_migrations)
        return applied
    finally:
        store.close()
