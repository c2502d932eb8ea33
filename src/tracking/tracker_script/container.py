"""tracker_script's container: the service over the built files committed next to the module."""

from pathlib import Path

from dependency_injector import containers, providers

from tracking.tracker_script.service import TrackerScriptService

STATIC_DIR = Path(__file__).with_name("static")


class TrackerScriptContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    service = providers.Singleton(TrackerScriptService, directory=STATIC_DIR)
