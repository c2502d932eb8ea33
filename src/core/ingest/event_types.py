"""Event types beyond `pageview` and `event`, contributed by modules.

A spec owns one `type` value and the extra top-level fields that type carries. The edge hands it
the validated base event and those fields; it returns the normalised payload to keep (stored as
JSON in the event's `data`) or raises `ValueError` with a message for the caller. This keeps core
ignorant of any module's payload while every event is still validated before the 202.
"""

from collections.abc import Mapping, Sequence
from typing import Protocol

from core.bus.events import CORE_EVENT_CLASSES, TrackedEvent
from core.ingest.schemas import BrowserEvent


class EventTypeSpec(Protocol):
    type: str
    fields: frozenset[str]
    # The bus event its records become (a `core.bus.events.TrackedEvent` subclass).
    event_class: type[TrackedEvent]

    def validate(self, event: BrowserEvent, extra: dict) -> dict: ...


def event_classes(specs: Sequence[EventTypeSpec]) -> Mapping[str, type[TrackedEvent]]:
    """Record `type` -> bus event class, for core's types and every module's."""
    return {**CORE_EVENT_CLASSES, **{spec.type: spec.event_class for spec in specs}}
