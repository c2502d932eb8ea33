"""sessions: visits, bounce rate, visit duration, entry/exit pages, timeseries and engagement.

Assigns every event its `session_id` in the worker, before the events log is written (a batch
processor keeping open sessions in the real-time store); from those ids core's worker keeps the
`visits` table the query engine counts visits, bounce rate and visit duration from. Registers the
`engagement` event type (time on page and scroll depth, sent when a page is left), contributes
`time_on_page` and `scroll_depth` to the engine, keeps a per-page engagement table for
/stats/engagement, and serves /stats/timeseries (the engine's time buckets) and the site's
session settings.
"""

from core.bus.events import EngagementRecorded
from core.modules import Hooks, Subscription, TrackingModule
from tracking.sessions import clickhouse, routes
from tracking.sessions.container import SessionsContainer
from tracking.sessions.handlers import SessionsHandlers
from tracking.sessions.settings import SessionsSettings


def hooks(c: SessionsContainer) -> Hooks:
    return Hooks(
        event_types=(c.engagement_type,),
        batch_processors=(c.assigner,),
        subscriptions=(Subscription(EngagementRecorded, c.handlers, SessionsHandlers.on_engagement,
                                    reads=("session_id", "pathname")),),
        query_metrics=(c.time_on_page, c.scroll_depth),
        erasers=(c.tables_eraser, c.keys_eraser, c.rows_eraser),
    )


MODULE = TrackingModule(
    name="sessions",
    container=SessionsContainer,
    settings=SessionsSettings,
    hooks=hooks,
    router=routes.router,
    analytics_migrations=clickhouse.MIGRATIONS,
)
