"""How a tracking module presents itself to the composition root; core never names a module."""

from dataclasses import dataclass, field

from fastapi import APIRouter

from core.analytics.migrations import Migration
from core.bus.events import TrackedEvent


@dataclass(frozen=True, slots=True)
class Subscription:
    """Deliver batches of `event_type` to `<provider>.<method>` of the module's container."""

    event_type: type[TrackedEvent]
    handler: str


@dataclass(frozen=True, slots=True)
class TrackingModule:
    name: str
    container: type
    router: APIRouter | None = None
    subscriptions: tuple[Subscription, ...] = ()
    analytics_migrations: tuple[Migration, ...] = ()
    enrichers: tuple[str, ...] = field(default=())  # provider names, run by the edge in list order
