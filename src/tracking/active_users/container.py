"""active_users' container: needs core's Redis client, unit of work and settings."""

from dependency_injector import containers, providers

from core.db.erasure import RowsEraser
from core.realtime.erasure import KeysEraser
from tracking.active_users.cache import FeedCache, LiveListener, PresenceCache
from tracking.active_users.handlers import ActiveUsersHandlers
from tracking.active_users.models import ShareToken
from tracking.active_users.service.hub import LiveHub
from tracking.active_users.service.presence import PresenceService
from tracking.active_users.service.tokens import ShareTokenService
from tracking.active_users.settings import ActiveUsersSettings


class ActiveUsersContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    config = providers.Dependency(instance_of=ActiveUsersSettings)  # this module's UT_* settings

    presence_cache = providers.Singleton(PresenceCache, client=core.redis)
    feed = providers.Singleton(FeedCache, client=core.redis, keep=config.provided.live_feed_keep)
    presence = providers.Singleton(
        PresenceService, cache=presence_cache, feed=feed, window_s=config.provided.presence_window_s,
        alpha=config.provided.presence_ema_alpha, top=config.provided.presence_top)
    hub = providers.Singleton(
        LiveHub, listener=providers.Factory(LiveListener, client=core.redis).provider, presence=presence,
        tick_ms=config.provided.presence_tick_ms, queue_size=config.provided.live_queue_size)
    share_tokens = providers.Singleton(ShareTokenService, uow=core.uow.provider)
    handlers = providers.Singleton(ActiveUsersHandlers, presence=presence)
    # Data rights: every key of a deleted site and its share tokens. A deleted visitor's presence
    # entries are not looked for: they expire within the presence window (minutes).
    keys_eraser = providers.Singleton(KeysEraser, client=core.redis,
                                      site_patterns=("active_users:{site}:*", "active_users:live:{site}:*"))
    rows_eraser = providers.Singleton(RowsEraser, uow=core.uow.provider, models=(ShareToken,))
