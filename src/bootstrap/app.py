"""Builds the running app: settings, containers, bus subscriptions, wiring, HTTP."""

import logging
from collections.abc import Mapping

from fastapi import FastAPI
from pydantic_settings import BaseSettings

from bootstrap.container import build_container, connect_modules
from bootstrap.migrate import DeferredAnalyticsMigrations
from bootstrap.modules import installed_modules
from core.config.settings import Settings
from core.di.container import close_core
from core.http import app as http_app


def create_app(settings: Settings | None = None,
               module_settings: Mapping[str, BaseSettings] | None = None,
               analytics_pending: str | None = None) -> FastAPI:
    """`module_settings` replaces modules' settings read from the environment (tests).
    `analytics_pending` is why the analytics migrations could not run before start-up: the worker
    then applies them once the store answers, before draining (see DeferredAnalyticsMigrations)."""
    settings = settings or Settings()
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    modules = installed_modules()
    container = build_container(settings, modules, module_settings)
    connect_modules(container)
    core_routes = ("auth", "collect", "goals", "keys", "ops", "query", "server_api", "sites", "stats")
    container.wire(modules=[*(f"core.http.{m}" for m in core_routes),
                            *(f"tracking.{m.name}.routes" for m in modules if m.router is not None)])

    def shutdown() -> None:
        close_core(container.core)
        container.unwire()

    deferred = None
    if analytics_pending is not None:
        deferred = DeferredAnalyticsMigrations(container.core.analytics, analytics_pending)
    app = http_app.create_app(container.core, [m.router for m in modules if m.router is not None],
                              on_shutdown=shutdown, worker_gate=deferred)
    app.state.container = container
    app.state.analytics_migrations = deferred  # /ready reports its state while it waits
    return app
