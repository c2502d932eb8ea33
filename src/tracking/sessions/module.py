"""sessions: visits, bounce rate, visit duration, entry/exit pages, timeseries and engagement.

Assigns every event its `session_id` in the worker, before the events log is written (a batch
processor keeping open sessions in the real-time store), keeps a one-row-per-session summary and
a per-page engagement table in ClickHouse from the bus, and serves the session numbers: it adds
`visits`, `bounce_rate`, `visit_duration` and `views_per_visit` to /stats/aggregate, the
`entry_page` and `exit_page` breakdowns, /stats/timeseries and /stats/engagement. It also
registers the `engagement` event type (time on page and scroll depth, sent when a page is left).
"""

from core.bus.events import EngagementRecorded, TrackedEvent
from core.modules import Hooks, Subscription, TrackingModule
from tracking.sessions import clickhouse, routes
from tracking.sessions.container import SessionsContainer
from tracking.sessions.handlers import SessionsHandlers
from tracking.sessions.settings import SessionsSettings

# A visit keeps its entry's traffic source, campaign and device (the summary's first values).
_VISIT_COLUMNS = ("session_id", "is_bot", "pathname", "referrer_domain", "channel", "device_type", "browser",
                  "os", "country", "source", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def hooks(c: SessionsContainer) -> Hooks:
    return Hooks(
        event_types=(c.engagement_type,),
        batch_processors=(c.assigner,),
        subscriptions=(Subscription(TrackedEvent, c.handlers, SessionsHandlers.on_tracked, reads=_VISIT_COLUMNS),
                       Subscription(EngagementRecorded, c.handlers, SessionsHandlers.on_engagement,
                                    reads=("session_id", "pathname"))),
        aggregates=(c.stats,),
        breakdowns=(("entry_page", c.stats), ("exit_page", c.stats)),
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
