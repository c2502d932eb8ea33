"""The sessions module's ClickHouse stores: write the projections, run the named queries."""

from collections.abc import Sequence
from datetime import UTC, date, datetime

from core.analytics.port import AnalyticsStore
from tracking.sessions.clickhouse import engagement, summary

SessionNumbers = tuple[int, int, int, int]  # visits, pageviews (in visits), bounces, summed duration ms


class SessionStore:
    def __init__(self, *, analytics: AnalyticsStore) -> None:
        self._ch = analytics

    def add(self, rows: Sequence[dict]) -> None:
        """Rows of `summary.FEED_COLUMNS`, one per event; the view folds them into sessions."""
        self._ch.insert("sessions_feed", summary.FEED_COLUMNS, rows)

    def aggregate(self, params: dict) -> SessionNumbers:
        rows = self._ch.query(summary.AGGREGATE, params)
        return _numbers(rows[0]) if rows else (0, 0, 0, 0)

    def breakdown(self, prop: str, params: dict) -> list[tuple[str, int, SessionNumbers]]:
        return [(r[0], int(r[1]), _numbers(r[2:])) for r in self._ch.query(summary.BREAKDOWNS[prop], params)]

    def timeseries(self, interval: str, params: dict) -> dict[int | date, SessionNumbers]:
        return {r[0]: _numbers(r[1:]) for r in self._ch.query(summary.TIMESERIES[interval], params)}

    def pageview_timeseries(self, interval: str, params: dict) -> dict[int | date, tuple[int, int]]:
        return {r[0]: (int(r[1]), int(r[2]))
                for r in self._ch.query(summary.PAGEVIEW_TIMESERIES[interval], params)}


class EngagementStore:
    def __init__(self, *, analytics: AnalyticsStore) -> None:
        self._ch = analytics

    def add(self, rows: Sequence[dict]) -> None:
        """Rows with site_id, ts_ms, event_id, visitor_id, pathname, engaged_ms, scroll_depth."""
        self._ch.insert("sessions_engagement", engagement.COLUMNS, [_engagement_row(r) for r in rows])

    def by_page(self, params: dict) -> list[tuple]:
        return [(r[0], int(r[1]), int(r[2]), float(r[3]), float(r[4]), *(int(v) for v in r[5:9]))
                for r in self._ch.query(engagement.BY_PAGE, params)]


def _numbers(row: Sequence) -> SessionNumbers:
    return int(row[0]), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0)


def _engagement_row(row: dict) -> dict:
    ts = datetime.fromtimestamp(row["ts_ms"] // 1000, UTC)
    return {**row, "day": ts.date(), "ts": ts}
