"""The in-process event bus: typed, batch-oriented, with failing subscribers isolated.

Delivery is at-least-once (a batch is republished after a crash between the log write and the
buffer ack), so subscribers must be idempotent. A subscriber that keeps failing gets its batch
dead-lettered with the reason; the other subscribers never notice.
"""

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.bus.events import TrackedEvent

log = logging.getLogger(__name__)

Handler = Callable[[list[TrackedEvent]], None]
DeadLetterSink = Callable[[str, str, list[dict]], None]


@dataclass(frozen=True, slots=True)
class Subscriber:
    name: str
    event_type: type[TrackedEvent]
    handler: Handler


class EventBus:
    def __init__(self, *, max_attempts: int = 3, backoff_s: float = 0.05,
                 dead_letters: DeadLetterSink | None = None) -> None:
        self._subscribers: list[Subscriber] = []
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._dead_letters = dead_letters

    def subscribe(self, name: str, event_type: type[TrackedEvent], handler: Handler) -> None:
        self._subscribers.append(Subscriber(name, event_type, handler))

    @property
    def subscribers(self) -> tuple[Subscriber, ...]:
        return tuple(self._subscribers)

    def publish(self, events: Sequence[TrackedEvent]) -> dict[str, str]:
        """Hand each subscriber the part of the batch it subscribed to. Returns failures by name."""
        failures: dict[str, str] = {}
        for sub in self._subscribers:
            batch = [e for e in events if isinstance(e, sub.event_type)]
            if batch:
                error = self._deliver(sub, batch)
                if error:
                    failures[sub.name] = error
        return failures

    def _deliver(self, sub: Subscriber, batch: list[TrackedEvent]) -> str | None:
        error = ""
        for attempt in range(1, self._max_attempts + 1):
            try:
                sub.handler(batch)
                return None
            except Exception as exc:  # isolation: one subscriber must not break the others
                error = f"{type(exc).__name__}: {exc}"
                log.warning("subscriber %s failed (attempt %d/%d): %s", sub.name, attempt,
                            self._max_attempts, error)
                if attempt < self._max_attempts:
                    time.sleep(self._backoff_s * 2 ** (attempt - 1))
        if self._dead_letters is not None:
            self._dead_letters(f"bus:{sub.name}", error, [e.to_record() for e in batch])
        return error
