"""The composition root: core's container plus one container per module, wired in one loop.

For each module: build its container (core's providers and its own settings injected), ask it for
its `Hooks`, and collect them. Enrichers are then ordered by the columns they write and read
(`bootstrap.columns`), and each kind of hook is handed to core's matching list provider.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from dependency_injector import containers, providers
from pydantic_settings import BaseSettings

from bootstrap.columns import Declared, WiringError, check_readers, order_enrichers
from core.config.settings import Settings
from core.di.container import CoreContainer
from core.modules import Hooks, Subscription, TrackingModule

_LISTS = ("edge_sinks", "event_types", "batch_processors", "background_tasks", "lifecycle", "erasers",
          "query_metrics", "site_settings")


@dataclass
class Wiring:
    """Every module's hooks, gathered, with the owning module's name kept for messages."""

    hooks: dict[str, Hooks] = field(default_factory=dict)

    def all(self, kind: str) -> list[tuple[str, object]]:
        return [(name, item) for name, h in self.hooks.items() for item in getattr(h, kind)]


def build_container(settings: Settings, modules: tuple[TrackingModule, ...],
                    module_settings: Mapping[str, BaseSettings] | None = None) -> containers.DynamicContainer:
    """`module_settings` replaces a module's settings read from the environment (tests)."""
    app = containers.DynamicContainer()
    app.core = providers.Container(CoreContainer, settings=providers.Object(settings))
    wiring = Wiring()
    for module in modules:
        extra = {}
        if module.settings is not None:
            chosen = (module_settings or {}).get(module.name) or module.settings()
            extra["config"] = providers.Object(chosen)
            if hasattr(chosen, "session_engaged_ms"):  # the bounce rule of the query engine follows sessions'
                app.core.bounce_engaged_ms.override(providers.Object(chosen.session_engaged_ms))
        container = providers.Container(module.container, core=app.core, **extra)
        setattr(app, module.name, container)
        wiring.hooks[module.name] = module.hooks(container)
    enrichers = [(name, p) for name, p in wiring.all("enrichers")]
    declared = [_declared(name, p) for name, p in enrichers]
    check_readers(declared, [_declared(n, p) for n, p in wiring.all("batch_processors")]
                  + [_subscriber(n, s) for n, s in wiring.all("subscriptions")])
    app.core.enrichers.override(providers.List(*(enrichers[i][1] for i in order_enrichers(declared))))
    for kind in _LISTS:
        getattr(app.core, kind).override(providers.List(*(p for _, p in wiring.all(kind))))
    app.wiring = providers.Object(wiring)
    return app


def connect_modules(app: containers.DynamicContainer) -> None:
    """Subscribe module handlers to the bus."""
    wiring: Wiring = app.wiring()
    bus = app.core.bus()
    for name, sub in wiring.all("subscriptions"):
        bus.subscribe(f"{name}.{sub.method.__name__}", sub.event_type, sub.method.__get__(sub.handler()))


def _declared(module: str, provider: providers.Provider) -> Declared:
    cls = provider.provides
    owner = f"{module}.{cls.__name__}"
    if not (hasattr(cls, "writes") and hasattr(cls, "reads")):
        raise WiringError(f"{owner} must declare the events-log columns it `writes` and `reads`")
    return Declared(owner, frozenset(cls.writes), frozenset(cls.reads))


def _subscriber(module: str, sub: Subscription) -> Declared:
    return Declared(f"{module}.{sub.method.__qualname__}", frozenset(), frozenset(sub.reads))
