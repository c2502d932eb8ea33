"""The sessions module's container: declares that it needs core, builds stores, services, handlers."""

from dependency_injector import containers, providers

from core.analytics.erasure import TablesEraser
from core.db.erasure import RowsEraser
from core.realtime.erasure import KeysEraser
from tracking.sessions.cache import SessionStateCache
from tracking.sessions.clickhouse import query_metrics
from tracking.sessions.clickhouse.stores import EngagementStore
from tracking.sessions.handlers import SessionsHandlers
from tracking.sessions.models import SessionSiteSettings
from tracking.sessions.service.assigner import SessionAssigner
from tracking.sessions.service.engagement import EngagementService, EngagementSpec
from tracking.sessions.service.projection import SessionProjection
from tracking.sessions.service.site_settings import SiteSettingsService
from tracking.sessions.settings import SessionsSettings


class SessionsContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    config = providers.Dependency(instance_of=SessionsSettings)  # this module's UT_* settings

    site_lookup = core.tenancy.provided.site  # TenancyService.site: cached site info (time zone)
    site_settings = providers.Singleton(SiteSettingsService, uow=core.uow.provider,
                                        default_timeout_min=config.provided.session_timeout_min)
    state = providers.Singleton(SessionStateCache, client=core.redis)
    assigner = providers.Singleton(SessionAssigner, state=state, site_settings=site_settings,
                                   site_lookup=site_lookup, state_ttl_s=config.provided.session_state_ttl_s)

    engagement_store = providers.Singleton(EngagementStore, analytics=core.analytics)
    projection = providers.Singleton(SessionProjection, engagement=engagement_store)
    handlers = providers.Singleton(SessionsHandlers, projection=projection)

    engagement = providers.Singleton(EngagementService, store=engagement_store)
    engagement_type = providers.Singleton(EngagementSpec)
    time_on_page = providers.Singleton(query_metrics.time_on_page)  # query engine metrics (core.query.contributions)
    scroll_depth = providers.Singleton(query_metrics.scroll_depth)
    # Data rights: the visit summaries and engagement, the per-visitor state, the site's settings.
    tables_eraser = providers.Singleton(TablesEraser, store=core.analytics, tables={
        "sessions_summary": ("visitor_id", "session_id"), "sessions_engagement": ("event_id", "visitor_id")})
    keys_eraser = providers.Singleton(KeysEraser, client=core.redis, site_patterns=("sessions:v:{site}:*",),
                                      visitor_keys=("sessions:v:{site}:{visitor}",))
    rows_eraser = providers.Singleton(RowsEraser, uow=core.uow.provider, models=(SessionSiteSettings,))
