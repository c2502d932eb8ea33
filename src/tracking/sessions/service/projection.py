"""Feeds the module's ClickHouse projections from bus batches (sessions summary, engagement).

Each event becomes one feed row keyed by its session's *local* day, which is the same for every
event of a session because sessions end at midnight in the site's time zone.
"""

from collections.abc import Callable, Sequence

import orjson

from core.bus.events import TrackedEvent
from core.tenancy.service import SiteInfo
from tracking.sessions.clickhouse.stores import EngagementStore, SessionStore
from tracking.sessions.service.assigner import campaign_of
from tracking.sessions.service.clock import local_date, zone_of


class SessionProjection:
    def __init__(self, *, sessions: SessionStore, engagement: EngagementStore,
                 site_lookup: Callable[[str], SiteInfo | None]) -> None:
        self._sessions = sessions
        self._engagement = engagement
        self._site = site_lookup

    def add_events(self, batch: Sequence[TrackedEvent]) -> None:
        zones = {site_id: zone_of(self._site(site_id)) for site_id in {e.site_id for e in batch}}
        rows = [_feed_row(e, zones[e.site_id]) for e in batch if e.session_id]
        self._sessions.add(rows)

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


def _feed_row(e: TrackedEvent, zone) -> dict:
    record = e.to_record()
    return {**record, "day": local_date(e.ts_ms, zone), "pathname": e.pathname or "/",
            "engaged_ms": _engagement(e)["engaged_ms"] if e.type == "engagement" else 0,
            "has_campaign": int(bool(campaign_of(record))), "is_bot": int(bool(e.is_bot))}
