"""active_users: who is on a site right now, and what they do, live.

Subscribes to every tracked event (all are signs of life; bots excepted) and keeps presence in
the real-time store: per site, visitor hashes scored by when they were last seen, and the same
per page, country and device, trimmed to UT_PRESENCE_WINDOW_S; a smoothed concurrent-users figure
(EMA); a capped feed of privacy-safe recent events. After each batch it publishes on Redis
pub/sub, so every API process serves the same numbers: `GET /presence`, SSE `/presence/stream`,
SSE `/events/stream` and WebSocket `/events/ws`, readable with the secret key or a share token.
"""

from core.bus.events import TrackedEvent
from core.modules import Subscription, TrackingModule
from tracking.active_users import routes
from tracking.active_users.container import ActiveUsersContainer

MODULE = TrackingModule(
    name="active_users",
    container=ActiveUsersContainer,
    router=routes.router,
    subscriptions=(Subscription(TrackedEvent, "handlers.on_tracked"),),
)
