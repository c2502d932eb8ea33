"""Bus handlers of page_analytics: each receives a whole batch and writes it in one insert."""

from core.bus.events import TrackedEvent
from tracking.page_analytics.clickhouse import PageviewStore


class PageAnalyticsHandlers:
    def __init__(self, *, store: PageviewStore) -> None:
        self._store = store

    def on_page_viewed(self, batch: list[TrackedEvent]) -> None:
        self._store.add(batch)
