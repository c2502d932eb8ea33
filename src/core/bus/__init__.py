from core.bus.bus import EventBus, Subscriber
from core.bus.events import (
    EcommerceEventTracked,
    EngagementRecorded,
    EventTracked,
    PageViewed,
    TrackedEvent,
    VitalMeasured,
    event_from_record,
)

__all__ = [
    "EcommerceEventTracked", "EngagementRecorded", "EventBus", "EventTracked", "PageViewed", "Subscriber",
    "TrackedEvent", "VitalMeasured", "event_from_record",
]
