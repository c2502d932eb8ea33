"""meta_capi's container: needs core (settings, uow, metrics), builds cipher, stores, sink, sender."""

from dependency_injector import containers, providers

from tracking.meta_capi.service.cipher import Cipher
from tracking.meta_capi.service.graph import GraphClient
from tracking.meta_capi.service.settings import DeliveryReport, MetaCapiSettings
from tracking.meta_capi.service.sink import OutboxSink
from tracking.meta_capi.tasks import MetaCapiSender, SenderMetrics


class MetaCapiContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    cipher = providers.Singleton(Cipher, core.settings.provided.secret_key)
    settings = providers.Singleton(MetaCapiSettings, uow=core.uow.provider, cipher=cipher)
    report = providers.Singleton(DeliveryReport, uow=core.uow.provider, settings=settings)
    sink = providers.Singleton(OutboxSink, uow=core.uow.provider, settings=settings, cipher=cipher)
    graph = providers.Singleton(GraphClient, base_url=core.settings.provided.meta_graph_base,
                                timeout_s=core.settings.provided.meta_timeout_s)
    metrics = providers.Singleton(SenderMetrics, registry=core.metrics.provided.registry)
    sender = providers.Singleton(
        MetaCapiSender, uow=core.uow.provider, settings=settings, cipher=cipher, graph=graph, metrics=metrics,
        interval_ms=core.settings.provided.meta_send_interval_ms,
        concurrency=core.settings.provided.meta_concurrency, max_attempts=core.settings.provided.meta_max_attempts,
        backoff_base_s=core.settings.provided.meta_backoff_base_s,
        backoff_max_s=core.settings.provided.meta_backoff_max_s)
