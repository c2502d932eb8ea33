"""Bus handlers of active_users: every tracked event is a sign of life (bots excepted)."""

from core.bus.events import TrackedEvent
from tracking.active_users.service.presence import PresenceService


class ActiveUsersHandlers:
    def __init__(self, *, presence: PresenceService) -> None:
        self._presence = presence

    def on_tracked(self, batch: list[TrackedEvent]) -> None:
        """Update presence and the live feed of the batch's sites, then publish them (after the
        write, so a stream that hears of a change always reads it)."""
        self._presence.record(batch)
