"""Feeds the module's engagement projection from bus batches (time on page, scroll depth)."""

from collections.abc import Sequence

import orjson

from core.bus.events import TrackedEvent
from tracking.sessions.clickhouse.stores import EngagementStore


class SessionProjection:
    def __init__(self, *, engagement: EngagementStore) -> None:
        self._engagement = engagement

    def add_engagements(self, batch: Sequence[TrackedEvent]) -> None:
        self._engagement.add([{"site_id": e.site_id, "ts_ms": e.ts_ms, "event_id": e.event_id,
                               "visitor_id": e.visitor_id, "pathname": e.pathname or "/", **_engagement(e)}
                              for e in batch])


def _engagement(event: TrackedEvent) -> dict:
    """engaged_ms and scroll_depth from the validated payload (0 when absent or unreadable)."""
    try:
        data = orjson.loads(event.data) if event.data else {}
    except orjson.JSONDecodeError:
        data = {}
    data = data if isinstance(data, dict) else {}
    return {"engaged_ms": _bounded(data.get("engaged_ms"), 4_294_967_295),
            "scroll_depth": _bounded(data.get("scroll_depth"), 100)}


def _bounded(value: object, high: int) -> int:
    return min(max(int(value), 0), high) if isinstance(value, int | float) and not isinstance(value, bool) else 0
