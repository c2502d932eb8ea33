"""dashboard's container: the built files committed next to the module, and its settings."""

from pathlib import Path

from dependency_injector import containers, providers

from tracking.dashboard.service import DashboardAssets
from tracking.dashboard.settings import DashboardSettings

STATIC_DIR = Path(__file__).with_name("static")


class DashboardContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    config = providers.Dependency(instance_of=DashboardSettings)

    assets = providers.Singleton(DashboardAssets, directory=STATIC_DIR)
