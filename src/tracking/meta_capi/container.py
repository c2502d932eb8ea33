"""meta_capi's container: needs core (settings, uow, metrics), builds cipher, stores, sink, sender."""

from dependency_injector import containers, providers

from core.db.erasure import RowsEraser
from tracking.meta_capi.models import Delivery, OutboxEvent, Pixel
from tracking.meta_capi.service.cipher import Cipher
from tracking.meta_capi.service.graph import GraphClient
from tracking.meta_capi.service.settings import DeliveryReport, MetaCapiSettings
from tracking.meta_capi.service.sink import OutboxSink
from tracking.meta_capi.settings import MetaCapiModuleSettings
from tracking.meta_capi.tasks import MetaCapiSender, SenderMetrics


class MetaCapiContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    config = providers.Dependency(instance_of=MetaCapiModuleSettings)  # this module's UT_* settings

    cipher = providers.Singleton(Cipher, core.settings.provided.secret_key)
    settings = providers.Singleton(MetaCapiSettings, uow=core.uow.provider, cipher=cipher)
    report = providers.Singleton(DeliveryReport, uow=core.uow.provider, settings=settings)
    sink = providers.Singleton(OutboxSink, uow=core.uow.provider, settings=settings, cipher=cipher)
    graph = providers.Singleton(GraphClient, base_url=config.provided.meta_graph_base,
                                timeout_s=config.provided.meta_timeout_s)
    metrics = providers.Singleton(SenderMetrics, registry=core.metrics.provided.registry)
    sender = providers.Singleton(
        MetaCapiSender, uow=core.uow.provider, settings=settings, cipher=cipher, graph=graph, metrics=metrics,
        interval_ms=config.provided.meta_send_interval_ms,
        concurrency=config.provided.meta_concurrency, max_attempts=config.provided.meta_max_attempts,
        backoff_base_s=config.provided.meta_backoff_base_s,
        backoff_max_s=config.provided.meta_backoff_max_s)
    # Data rights: the pixel, the delivery log and the outbox (its rows by event id).
    eraser = providers.Singleton(RowsEraser, uow=core.uow.provider, models=(OutboxEvent, Delivery, Pixel),
                                 event_models=(OutboxEvent,))
