from core.bus.bus import EventBus, Subscriber
from core.bus.events import EventTracked, PageViewed, TrackedEvent, event_from_record

__all__ = ["EventBus", "EventTracked", "PageViewed", "Subscriber", "TrackedEvent", "event_from_record"]
