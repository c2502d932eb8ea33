"""A tiny, ordered migration runner for ClickHouse DDL, the same on chDB and on a server.

Each owner (core or a module) lists its migrations as (version, statements); applied versions
are recorded in `schema_migrations` so `utrack migrate` can be run any number of times.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from core.analytics.port import AnalyticsStore

CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    owner String, version UInt32, applied_at DateTime DEFAULT now()
) ENGINE = MergeTree ORDER BY (owner, version)
"""
APPLIED = "SELECT version FROM schema_migrations WHERE owner = %(owner)s"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    statements: tuple[str, ...]


def migrate(store: AnalyticsStore, owner: str, migrations: Sequence[Migration]) -> list[int]:
    store.execute(CREATE_LEDGER)
    done = {row[0] for row in store.query(APPLIED, {"owner": owner})}
    applied = []
    for m in sorted(migrations, key=lambda m: m.version):
        if m.version in done:
            continue
        for statement in m.statements:
            store.execute(statement)
        store.insert("schema_migrations", ("owner", "version"), [{"owner": owner, "version": m.version}])
        applied.append(m.version)
    return applied
