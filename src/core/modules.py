"""How a tracking module presents itself to the composition root; core never names a module.

A module hands bootstrap its container class, its settings class and a `hooks` function. Bootstrap
builds the container, then calls `hooks(container)`: the function answers with *providers of that
container* (not strings), so a reader or a type checker follows a hook from `module.py` straight to
the provider and its class. Bootstrap wires every hook in one loop (`bootstrap.container`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from dependency_injector import providers
from fastapi import APIRouter
from pydantic_settings import BaseSettings

from core.analytics.migrations import Migration
from core.bus.events import TrackedEvent
from core.erasure import Subject


class Eraser(Protocol):
    """A module's part of the data rights (the export module drives them): delete from the module's
    own tables and keys what belongs to a whole site, or to a subject (a visitor, a session, a user:
    its events and the visitor and session ids they carry, resolved from the events log). Each call
    is idempotent and returns how many rows/keys it found. ClickHouse deletes are mutations
    (core.analytics.erasure), applied in the background: see the README's "Data rights"."""

    def erase_site(self, site_id: str) -> int: ...

    def erase_subject(self, subject: Subject) -> int: ...

    def erase_before(self, site_id: str, day: date) -> int:
        """Retention: the site's rows of UTC days before `day` (the events log's own are core's)."""
        ...


class SiteSetting(Protocol):
    """A per-site setting a module owns, set and shown with the site's own fields by the site admin
    API (`/api/v1/sites`) and `utrack sites`, e.g. ecommerce's `reporting_currency`. `check` answers
    the stored form or raises ValueError with a message for the user; None means "not set"."""

    name: str

    def check(self, value: str | None) -> str | None: ...

    def read(self, site_id: str) -> str | None: ...

    def write(self, site_id: str, value: str | None) -> None: ...


class Lifecycle(Protocol):
    """A resource a module opens and must release: `start()` where the app or worker starts
    (may be a no-op), `close()` on shutdown. Both must be safe to call more than once."""

    def start(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Subscription:
    """Deliver batches of `event_type` to `method` of the object `handler` provides.

    `method` is the unbound method (`PageAnalyticsHandlers.on_page_viewed`), so the reference is
    followable; `reads` names the events-log columns the handler relies on, checked at start-up
    against what the installed modules write.
    """

    event_type: type[TrackedEvent]
    handler: providers.Provider
    method: Callable[..., None]
    reads: Iterable[str] = ()


@dataclass(frozen=True, slots=True)
class Hooks:
    """What a module plugs into core. Every entry is a provider of the module's container."""

    # Edge enrichers (core.ingest.context.Enricher): their classes declare the columns they
    # `writes` and `reads`; bootstrap orders them from those declarations.
    enrichers: tuple[providers.Provider, ...] = ()
    # Edge sinks (core.ingest.context.EdgeSink), run in the request before the buffer append: the
    # only place raw user data and the live ip/UA may go.
    edge_sinks: tuple[providers.Provider, ...] = ()
    # Extra event types the collect endpoints accept (core.ingest.event_types.EventTypeSpec).
    event_types: tuple[providers.Provider, ...] = ()
    # Worker hooks (core.ingest.worker.BatchProcessor): `process(records)` before the log write.
    batch_processors: tuple[providers.Provider, ...] = ()
    # Periodic work with `run_forever(stop_event)`, run in threads wherever the worker runs.
    background_tasks: tuple[providers.Provider, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    # Metrics for the query engine (core.query.contributions.QueryMetric), e.g. time_on_page.
    query_metrics: tuple[providers.Provider, ...] = ()
    # Resources with start()/close() (Lifecycle), started with the app or worker, closed on shutdown.
    lifecycle: tuple[providers.Provider, ...] = ()
    # Data-rights erasers (Eraser) of the module's own tables and keys.
    erasers: tuple[providers.Provider, ...] = ()
    # Per-site settings (SiteSetting) the site admin API and `utrack sites` set beside the site's fields.
    site_settings: tuple[providers.Provider, ...] = ()


def no_hooks(container: Any) -> Hooks:
    return Hooks()


@dataclass(frozen=True, slots=True)
class TrackingModule:
    """Everything bootstrap needs to plug a module in."""

    name: str
    container: type
    hooks: Callable[[Any], Hooks] = no_hooks
    # The module's own `UT_*` settings (pydantic-settings), handed to its container as `settings`.
    settings: type[BaseSettings] | None = None
    router: APIRouter | None = None
    analytics_migrations: tuple[Migration, ...] = ()
