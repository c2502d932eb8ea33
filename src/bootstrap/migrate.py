"""`utrack migrate`: Alembic for the transactional store, the ClickHouse runner for analytics.

Alembic history: core's revisions form the main line ("0001", "0002"...); each module that owns
tables keeps its own branch (revision "<module>_0001", `branch_labels=("<module>",)`,
`depends_on="0001"`), so modules never fight over one linear history. Upgrade target: "heads".
"""

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config

from bootstrap.modules import installed_modules
from core.analytics.factory import build_analytics_store
from core.analytics.migrations import migrate
from core.analytics.port import AnalyticsStore
from core.config.settings import Settings
from core.ingest.event_log import MIGRATIONS as EVENTS_MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger(__name__)


def alembic_config(settings: Settings) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", settings.resolved_database_url().replace("%", "%%"))
    return cfg


def migrate_all(settings: Settings) -> dict[str, list[int]]:
    migrate_transactional(settings)
    store = build_analytics_store(settings)
    try:
        return migrate_analytics(store)
    finally:
        store.close()


def migrate_transactional(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), "heads")  # core's history plus each module's branch


def migrate_analytics(store: AnalyticsStore) -> dict[str, list[int]]:
    applied = {"core": migrate(store, "core", EVENTS_MIGRATIONS)}
    for module in installed_modules():
        applied[module.name] = migrate(store, module.name, module.analytics_migrations)
    return applied


class DeferredAnalyticsMigrations:
    """The analytics migrations `utrack serve` could not apply because the store was down.

    Used as the worker's gate (core.http.app): collect keeps accepting events into the durable
    buffer, and the worker thread retries the migrations every `interval_s` and starts draining
    once they are applied, so an outage at start-up costs latency, never events. `/ready` shows
    `state` until then.
    """

    def __init__(self, store: Callable[[], AnalyticsStore], first_error: str, interval_s: float = 1.0) -> None:
        self._store = store
        self._interval_s = interval_s
        self.state = f"pending: {first_error}"

    def __call__(self, stopping: threading.Event) -> bool:
        while not stopping.is_set():
            try:
                applied = migrate_analytics(self._store())
            except Exception as exc:  # the store is still down: keep waiting, one log line per change
                state = f"pending: {type(exc).__name__}: {exc}"[:300]
                if state != self.state:
                    log.warning("analytics migrations still pending: %s", state)
                self.state = state
                stopping.wait(self._interval_s)
                continue
            log.warning("analytics store is back: migrations applied %s; draining the buffer", applied)
            self.state = "ok"
            return True
        return False
