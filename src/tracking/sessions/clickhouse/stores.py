"""The sessions module's ClickHouse store: the engagement projection and its named query."""

from collections.abc import Sequence
from datetime import UTC, datetime

from core.analytics.port import AnalyticsStore
from tracking.sessions.clickhouse import engagement


class EngagementStore:
    def __init__(self, *, analytics: AnalyticsStore) -> None:
        self._ch = analytics

    def add(self, rows: Sequence[dict]) -> None:
        """Rows with site_id, ts_ms, event_id, visitor_id, pathname, engaged_ms, scroll_depth."""
        self._ch.insert("sessions_engagement", engagement.COLUMNS, [_engagement_row(r) for r in rows])

    def by_page(self, params: dict) -> list[tuple]:
        return [(r[0], int(r[1]), int(r[2]), float(r[3]), float(r[4]), *(int(v) for v in r[5:9]))
                for r in self._ch.query(engagement.BY_PAGE, params)]


def _engagement_row(row: dict) -> dict:
    ts = datetime.fromtimestamp(row["ts_ms"] // 1000, UTC)
    return {**row, "day": ts.date(), "ts": ts}
