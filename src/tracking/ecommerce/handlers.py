"""Bus handlers of ecommerce: each batch of shop events is recorded in one pass (see recorder)."""

from core.bus.events import TrackedEvent
from tracking.ecommerce.service.recorder import OrderRecorder


class EcommerceHandlers:
    def __init__(self, *, recorder: OrderRecorder) -> None:
        self._recorder = recorder

    def on_ecommerce_event(self, batch: list[TrackedEvent]) -> None:
        self._recorder.record(batch)
