"""Engagement: the `engagement` event type and the per-page time-on-page / scroll-depth report.

A tracker sends one `engagement` event when a page is hidden or left:
`{"type": "engagement", "site_id", "url", "engaged_ms": <visible, active time>, "scroll_depth": <0-100>}`.
The spec validates it at the edge (before the 202) and keeps `{engaged_ms, scroll_depth}` as the
event's `data`; the bus then delivers it as `EngagementRecorded`.
"""

from core.analytics.time_range import UtcRange
from core.bus.events import EngagementRecorded
from core.ingest.schemas import BrowserEvent
from core.tenancy.service import SiteInfo
from tracking.sessions.clickhouse.stores import EngagementStore
from tracking.sessions.schemas import PageEngagement

MAX_ENGAGED_MS = 86_400_000  # a day: anything longer is a broken clock, not a reader
MILESTONES = (25, 50, 75, 100)


class EngagementSpec:
    type = "engagement"
    event_class = EngagementRecorded
    fields = frozenset({"engaged_ms", "scroll_depth"})

    def validate(self, event: BrowserEvent, extra: dict) -> dict:
        if not event.url.startswith(("http://", "https://")):
            raise ValueError("url: an engagement event needs the absolute http(s) URL of its page")
        engaged = _integer(extra.get("engaged_ms", 0), "engaged_ms", 0, MAX_ENGAGED_MS)
        depth = _integer(extra.get("scroll_depth", 0), "scroll_depth", 0, 100)
        return {"engaged_ms": engaged, "scroll_depth": depth}


def _integer(value: object, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValueError(f"{name}: must be a number")
    if not low <= value <= high:
        raise ValueError(f"{name}: must be between {low} and {high}")
    return int(value)


class EngagementService:
    def __init__(self, *, store: EngagementStore) -> None:
        self._store = store

    def by_page(self, *, site: SiteInfo, window: UtcRange, limit: int) -> list[PageEngagement]:
        rows = self._store.by_page({**window.params(), "site_id": site.id, "limit": limit})
        return [PageEngagement(
            pathname=path, engagements=n, visitors=visitors, avg_time_on_page=round(avg_ms / 1000, 1),
            avg_scroll_depth=round(avg_depth, 1),
            scroll_milestones={str(m): round(100 * reached / n, 1)
                               for m, reached in zip(MILESTONES, rest, strict=True)},
        ) for path, n, visitors, avg_ms, avg_depth, *rest in rows]
