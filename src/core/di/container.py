"""Core's container: settings, stores, buffer, bus, tenancy and the ingest pipeline.

Everything is a lazy singleton: nothing connects until first used, and `close_core()` releases
what was opened. Module enrichers are plugged in by bootstrap through `enrichers`.
"""

from dependency_injector import containers, providers

from core.analytics.factory import build_analytics_store
from core.background import BackgroundRunner
from core.buffer.factory import build_buffer
from core.bus.bus import EventBus
from core.config.settings import Settings
from core.db.engine import build_engine, build_session_factory
from core.db.unit_of_work import UnitOfWork
from core.ingest.dead_letters import DeadLetters
from core.ingest.dedup import DedupLedger
from core.ingest.edge import Edge
from core.ingest.erasure import CoreData
from core.ingest.event_log import EventLog
from core.ingest.event_types import event_classes
from core.ingest.service import IngestService
from core.ingest.visits import VisitLog
from core.ingest.watermark import WriteWatermark
from core.ingest.worker import Worker
from core.metrics import Metrics
from core.privacy.redaction import Redactor
from core.query.cache import QueryCache
from core.query.clickhouse import QueryStore
from core.query.goals import GoalService
from core.query.service import QueryService
from core.realtime.client import build_redis
from core.realtime.rate_limits import build_rate_limits
from core.realtime.rate_limits import key_prefix as rate_limit_key_prefix
from core.tenancy.api_keys import ApiKeys
from core.tenancy.key_usage import KeyUsage
from core.tenancy.pseudonyms import UserPseudonyms
from core.tenancy.salts import DailySalts
from core.tenancy.service import TenancyService
from core.tenancy.site_admin import SiteAdmin


class CoreContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    metrics = providers.Singleton(Metrics)
    engine = providers.Singleton(build_engine, settings.provided.resolved_database_url.call())
    session_factory = providers.Singleton(build_session_factory, engine)
    uow = providers.Factory(UnitOfWork, session_factory)

    analytics = providers.Singleton(build_analytics_store, settings)
    redis = providers.Singleton(build_redis, settings)
    buffer = providers.Singleton(build_buffer, settings, redis)
    rate_limits = providers.Singleton(build_rate_limits, settings, redis, metrics.provided.rate_limit_outage)

    tenancy = providers.Singleton(TenancyService, uow=uow.provider)
    key_usage = providers.Singleton(KeyUsage, uow=uow.provider)  # last_used_at, off the request path
    api_keys = providers.Singleton(ApiKeys, uow=uow.provider, tenancy=tenancy, usage=key_usage)
    salts = providers.Singleton(DailySalts, uow=uow.provider)
    pseudonyms = providers.Singleton(UserPseudonyms, uow=uow.provider)  # user ids -> HMAC pseudonyms
    dead_letters = providers.Singleton(DeadLetters, uow=uow.provider)
    bus = providers.Singleton(EventBus, max_attempts=settings.provided.bus_max_attempts,
                              dead_letters=dead_letters)

    # Filled by bootstrap from the modules' declarations (core never names a module).
    enrichers = providers.List()
    event_types = providers.List()
    batch_processors = providers.List()
    edge_sinks = providers.List()
    background_tasks = providers.List()
    lifecycle = providers.List()  # modules' resources with start()/close() (core.modules.Lifecycle)
    erasers = providers.List()  # modules' data-rights erasers (core.modules.Eraser)
    site_settings = providers.List()  # modules' per-site settings (core.modules.SiteSetting)
    site_admin = providers.Singleton(SiteAdmin, tenancy=tenancy, settings=site_settings)
    background = providers.Singleton(BackgroundRunner, background_tasks)

    redactor = providers.Singleton(Redactor, settings.provided.pii_keys, settings.provided.secret_key)
    edge = providers.Singleton(Edge, salts=salts, enrichers=enrichers,
                               clock_skew_max_s=settings.provided.clock_skew_max_s, redactor=redactor,
                               pseudonyms=pseudonyms)
    ingest = providers.Singleton(IngestService, edge=edge, buffer=buffer, tenancy=tenancy, metrics=metrics,
                                 event_types=event_types, sinks=edge_sinks)

    event_log = providers.Singleton(EventLog, store=analytics)
    visit_log = providers.Singleton(VisitLog, store=analytics)  # visits derived from the log, for the engine
    # The Stats API v2 engine. A visit with an engagement of at least this many ms is no bounce;
    # bootstrap sets it from the module that defines engagement (sessions), 0 = any engagement.
    bounce_engaged_ms = providers.Object(0)
    goals = providers.Singleton(GoalService, uow=uow.provider)
    query_cache = providers.Singleton(QueryCache, client=redis, open_ttl_s=settings.provided.query_cache_open_ttl_s,
                                      closed_ttl_s=settings.provided.query_cache_closed_ttl_s,
                                      counter=metrics.provided.query_cache_counter.call())
    query_metrics = providers.List()  # modules' metrics for the engine (core.query.contributions)
    query = providers.Singleton(QueryService, store=providers.Singleton(QueryStore, store=analytics,
                                                                                 timeout_s=settings.provided.stats_timeout_s),
                                engaged_ms=bounce_engaged_ms, goals=goals.provided.for_site, cache=query_cache,
                                metrics=query_metrics)
    # Below it every row's `ingested_ms` is visible in the events log (read by the export module).
    write_watermark = providers.Singleton(WriteWatermark, client=redis, key=providers.Callable(
        "{}:writes_inflight".format, settings.provided.buffer_stream))
    # Core's stores for the data rights (driven by the export module).
    core_data = providers.Singleton(CoreData, store=analytics, redis=redis, tenancy=tenancy, buffer=buffer,
                                    watermark=write_watermark,
                                    rate_limit_prefix=providers.Callable(rate_limit_key_prefix, settings))
    dedup = providers.Singleton(DedupLedger, client=redis, ttl_s=settings.provided.dedup_ttl_s)
    worker = providers.Singleton(
        Worker, buffer=buffer, event_log=event_log, dedup=dedup, bus=bus, dead_letters=dead_letters,
        metrics=metrics, processors=batch_processors, event_classes=providers.Callable(event_classes, event_types),
        batch_records=settings.provided.worker_batch_records,
        poll_ms=settings.provided.worker_poll_ms,
        linger_ms=settings.provided.worker_linger_ms, retry_max_s=settings.provided.worker_retry_max_s,
        probe=analytics.provided.ping, stall_s=settings.provided.worker_stall_s, watermark=write_watermark,
        visits=visit_log)


def start_core(core: CoreContainer) -> None:
    """Start the modules' resources; called where the app or a worker starts."""
    for resource in core.lifecycle():
        resource.start()


def close_core(core: CoreContainer) -> None:
    """Release connections and files. Every adapter connects lazily, so closing is always cheap."""
    for resource in reversed(core.lifecycle()):  # modules first: they use core's stores
        resource.close()
    core.worker().stop()
    core.background().stop()
    core.key_usage().close()
    core.buffer().close()
    core.analytics().close()
    core.redis().close()
    core.engine().dispose()
    for provider in (core.worker, core.background, core.key_usage, core.buffer, core.analytics, core.redis,
                     core.engine):
        provider.reset()
