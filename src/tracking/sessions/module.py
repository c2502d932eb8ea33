"""sessions: visits, bounce rate, visit duration, entry/exit pages, timeseries and engagement.

Assigns every event its `session_id` in the worker, before the events log is written (a batch
processor keeping open sessions in the real-time store), keeps a one-row-per-session summary and
a per-page engagement table in ClickHouse from the bus, and serves the session numbers: it adds
`visits`, `bounce_rate`, `visit_duration` and `views_per_visit` to /stats/aggregate, the
`entry_page` and `exit_page` breakdowns, /stats/timeseries and /stats/engagement. It also
registers the `engagement` event type (time on page and scroll depth, sent when a page is left).
"""

from core.bus.events import EngagementRecorded, TrackedEvent
from core.modules import Subscription, TrackingModule
from tracking.sessions import clickhouse, routes
from tracking.sessions.container import SessionsContainer

MODULE = TrackingModule(
    name="sessions",
    container=SessionsContainer,
    router=routes.router,
    subscriptions=(Subscription(TrackedEvent, "handlers.on_tracked"),
                   Subscription(EngagementRecorded, "handlers.on_engagement")),
    analytics_migrations=clickhouse.MIGRATIONS,
    event_types=("engagement_type",),
    batch_processors=("assigner",),
    aggregates=("stats",),
    breakdowns=(("entry_page", "stats"), ("exit_page", "stats")),
)
