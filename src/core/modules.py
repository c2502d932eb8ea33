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
    """Everything bootstrap needs to plug a module in. Strings name providers of its container."""

    name: str
    container: type
    router: APIRouter | None = None
    subscriptions: tuple[Subscription, ...] = ()
    analytics_migrations: tuple[Migration, ...] = ()
    # Edge hooks, run in the request before the 202, in module order (see core.ingest.context.Enricher).
    enrichers: tuple[str, ...] = ()
    # Edge sinks, run in the request on its accepted events before the buffer append
    # (see core.ingest.context.EdgeSink): the only place raw user data and the live ip/UA may go.
    edge_sinks: tuple[str, ...] = ()
    # Periodic work with `run_forever(stop_event)`, run in threads wherever the worker runs (core.background).
    background_tasks: tuple[str, ...] = ()
    # Extra event types the collect endpoints accept (see core.ingest.event_types.EventTypeSpec).
    event_types: tuple[str, ...] = ()
    # Worker hooks: `process(records)` on each fresh batch before it is written (e.g. sessions).
    batch_processors: tuple[str, ...] = ()
    # Stats: contributors to /stats/aggregate, and (property, provider) pairs for /stats/breakdown.
    aggregates: tuple[str, ...] = ()
    breakdowns: tuple[tuple[str, str], ...] = field(default=())
