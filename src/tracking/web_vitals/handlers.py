"""Bus handlers of web_vitals: each batch of measurements is written in one insert."""

from core.bus.events import TrackedEvent
from tracking.web_vitals.clickhouse import VitalsStore


class WebVitalsHandlers:
    def __init__(self, *, store: VitalsStore) -> None:
        self._store = store

    def on_vital_measured(self, batch: list[TrackedEvent]) -> None:
        self._store.add(batch)
