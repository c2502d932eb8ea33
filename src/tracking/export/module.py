"""export: raw events delivered to the customer's own bucket or directory, and the data rights.

Destinations per site (S3-compatible bucket or local directory, Alembic branch `export`) get the
events log's privacy-safe columns as Parquet, JSON Lines or CSV, interval by interval, chosen by
the time the worker wrote each row, once the write watermark has passed the interval: exactly
once, late events included. A background task runs the schedule; `…/exports/{id}/run` runs it
now. The module also drives deletion (a visitor, a session, a user, a whole site) across every
module through the `erasers` hook, per-site retention, usage counts and a user's data as JSON.
"""

from core.modules import Hooks, TrackingModule
from tracking.export import routes
from tracking.export.container import ExportContainer
from tracking.export.settings import ExportModuleSettings


def hooks(c: ExportContainer) -> Hooks:
    return Hooks(background_tasks=(c.scheduler, c.retention))


MODULE = TrackingModule(
    name="export",
    container=ExportContainer,
    settings=ExportModuleSettings,
    hooks=hooks,
    router=routes.router,
)
