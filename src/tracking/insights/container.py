"""insights' container: needs core (uow, analytics store, pseudonyms, query engine), builds its services."""

from datetime import UTC, datetime

from dependency_injector import containers, providers

from core.db.erasure import RowsEraser
from tracking.insights.clickhouse import InsightsStore
from tracking.insights.models import Funnel
from tracking.insights.service.funnels import FunnelService
from tracking.insights.service.journeys import JourneyService
from tracking.insights.service.metrics import EventMetrics
from tracking.insights.service.paths import PathsService
from tracking.insights.service.retention import RetentionService
from tracking.insights.service.window import Windows


def _now() -> datetime:
    return datetime.now(UTC)


class InsightsContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    clock = providers.Object(_now)
    store = providers.Singleton(InsightsStore, store=core.analytics)
    windows = providers.Singleton(Windows, store=store, clock=clock)
    funnels = providers.Singleton(FunnelService, uow=core.uow.provider, store=store, windows=windows)
    retention = providers.Singleton(RetentionService, store=store, windows=windows)
    paths = providers.Singleton(PathsService, store=store, windows=windows)
    journeys = providers.Singleton(JourneyService, store=store, windows=windows, pseudonyms=core.pseudonyms)
    metrics = providers.Singleton(EventMetrics, query=core.query)
    # Data rights: the site's saved funnels.
    eraser = providers.Singleton(RowsEraser, uow=core.uow.provider, models=(Funnel,))
