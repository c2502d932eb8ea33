"""export's container: needs core (settings, uow, analytics, watermark, metrics, erasers)."""

import time

from dependency_injector import containers, providers

from core.crypto import Cipher
from tracking.export.clickhouse import ExportRows
from tracking.export.service.destinations import Destinations
from tracking.export.service.endpoints import EndpointPolicy
from tracking.export.service.rights import DataRights
from tracking.export.service.runs import ExportRuns
from tracking.export.service.usage import UsageReport
from tracking.export.settings import ExportModuleSettings
from tracking.export.tasks import ExportMetrics, ExportScheduler, RetentionTask

_CIPHER_INFO = b"utrack export v1"


class ExportContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    config = providers.Dependency(instance_of=ExportModuleSettings)

    cipher = providers.Singleton(Cipher, core.settings.provided.secret_key, _CIPHER_INFO)
    clock = providers.Object(time.time)
    endpoints = providers.Singleton(EndpointPolicy, config.provided.export_endpoint_hosts)
    destinations = providers.Singleton(Destinations, uow=core.uow.provider, cipher=cipher, clock=clock,
                                       endpoints=endpoints)
    rows = providers.Singleton(ExportRows, store=core.analytics)
    metrics = providers.Singleton(ExportMetrics, registry=core.metrics.provided.registry)
    runs = providers.Singleton(
        ExportRuns, uow=core.uow.provider, destinations=destinations, rows=rows, watermark=core.write_watermark,
        metrics=metrics, local_root=config.provided.export_local_root, settle_s=config.provided.export_settle_s,
        part_rows=config.provided.export_part_rows, upload_attempts=config.provided.export_upload_attempts,
        backoff_base_s=config.provided.export_backoff_base_s, backoff_max_s=config.provided.export_backoff_max_s)
    usage = providers.Singleton(UsageReport, rows=rows)
    scheduler = providers.Singleton(ExportScheduler, runs=runs, poll_s=config.provided.export_poll_s)
    rights = providers.Singleton(
        DataRights, uow=core.uow.provider, core_data=core.core_data, erasers=core.erasers,
        pseudonym=core.pseudonyms.provided.existing, default_retention_days=config.provided.export_retention_days,
        sites=core.tenancy.provided.list_sites)
    retention = providers.Singleton(RetentionTask, rights=rights,
                                    interval_s=config.provided.export_retention_interval_s)
