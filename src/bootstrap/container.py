"""The composition root: core's container plus one container per module, wired together."""

from dependency_injector import containers, providers

from core.config.settings import Settings
from core.di.container import CoreContainer
from core.modules import TrackingModule


def build_container(settings: Settings, modules: tuple[TrackingModule, ...]) -> containers.DynamicContainer:
    app = containers.DynamicContainer()
    app.core = providers.Container(CoreContainer, settings=providers.Object(settings))
    for module in modules:
        setattr(app, module.name, providers.Container(module.container, core=app.core))
    for hook in ("enrichers", "event_types", "batch_processors", "edge_sinks", "background_tasks"):
        getattr(app.core, hook).override(providers.List(*(
            _provider(app, module.name, name) for module in modules for name in getattr(module, hook))))
    return app


def connect_modules(app: containers.DynamicContainer, modules: tuple[TrackingModule, ...]) -> None:
    """Subscribe module handlers to the bus and register their stats with the stats registry."""
    stats = app.core.stats()
    for module in modules:
        for name in module.aggregates:
            stats.add_aggregate(_provider(app, module.name, name)())
        for prop, name in module.breakdowns:
            stats.add_breakdown(prop, _provider(app, module.name, name)())
    bus = app.core.bus()
    for module in modules:
        for sub in module.subscriptions:
            provider_name, method = sub.handler.rsplit(".", 1)
            handler = getattr(_provider(app, module.name, provider_name)(), method)
            bus.subscribe(f"{module.name}.{method}", sub.event_type, handler)


def _provider(app: containers.DynamicContainer, module: str, name: str) -> providers.Provider:
    return getattr(getattr(app, module), name)
