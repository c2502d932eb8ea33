"""Event types beyond `pageview` and `event`, contributed by modules (ecommerce, vitals...).

A spec owns one `type` value and the extra top-level fields that type carries. The edge hands it
the validated base event and those fields; it returns the normalised payload to keep (stored as
JSON in the event's `data`) or raises `ValueError` with a message for the caller. This keeps core
ignorant of any module's payload while every event is still validated before the 202.
"""

from typing import Protocol

from core.ingest.schemas import BrowserEvent


class EventTypeSpec(Protocol):
    type: str
    fields: frozenset[str]

    def validate(self, event: BrowserEvent, extra: dict) -> dict: ...
