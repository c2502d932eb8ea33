"""Bus handlers of the sessions module: each receives a whole batch and writes it in one insert."""

from core.bus.events import TrackedEvent
from tracking.sessions.service.projection import SessionProjection


class SessionsHandlers:
    def __init__(self, *, projection: SessionProjection) -> None:
        self._projection = projection

    def on_engagement(self, batch: list[TrackedEvent]) -> None:
        self._projection.add_engagements(batch)
