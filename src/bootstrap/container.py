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
    app.core.enrichers.override(providers.List(*(
        _provider(app, module.name, name) for module in modules for name in module.enrichers)))
    return app


def connect_subscriptions(app: containers.DynamicContainer, modules: tuple[TrackingModule, ...]) -> None:
    bus = app.core.bus()
    for module in modules:
        for sub in module.subscriptions:
            provider_name, method = sub.handler.rsplit(".", 1)
            handler = getattr(_provider(app, module.name, provider_name)(), method)
            bus.subscribe(f"{module.name}.{method}", sub.event_type, handler)


def _provider(app: containers.DynamicContainer, module: str, name: str) -> providers.Provider:
    return getattr(getattr(app, module), name)
