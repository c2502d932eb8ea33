"""active_users: who is on a site right now, and what they do, live.

Subscribes to every tracked event (all are signs of life; bots excepted) and keeps presence in
the real-time store: per site, visitor hashes scored by when they were last seen, and the same
per page, country and device, trimmed to UT_PRESENCE_WINDOW_S; a smoothed concurrent-users figure
(EMA); a capped feed of privacy-safe recent events. After each batch it publishes on Redis
pub/sub, so every API process serves the same numbers: `GET /presence`, SSE `/presence/stream`,
SSE `/events/stream` and WebSocket `/events/ws`, readable with the secret key or a share token.
"""

from core.bus.events import TrackedEvent
from core.modules import Hooks, Subscription, TrackingModule
from tracking.active_users import routes
from tracking.active_users.container import ActiveUsersContainer
from tracking.active_users.handlers import ActiveUsersHandlers
from tracking.active_users.settings import ActiveUsersSettings


def hooks(c: ActiveUsersContainer) -> Hooks:
    return Hooks(
        subscriptions=(Subscription(TrackedEvent, c.handlers, ActiveUsersHandlers.on_tracked,
                                    reads=("is_bot", "pathname", "country", "device_type")),),
        lifecycle=(c.hub,),  # its pub/sub listener thread is stopped on shutdown
        erasers=(c.keys_eraser, c.rows_eraser),
    )


MODULE = TrackingModule(
    name="active_users",
    container=ActiveUsersContainer,
    settings=ActiveUsersSettings,
    hooks=hooks,
    router=routes.router,
)
