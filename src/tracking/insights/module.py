"""insights: saved funnels, retention cohorts, user journeys, paths and per-event metrics.

Reads the core events log (never writes it) and keeps funnel definitions in its own table
(Alembic branch `insights`). Funnels and paths work on anonymous traffic within a day (visitor
hashes rotate daily) or a visit; retention across days and journeys need identified users, whose
ids core stores only as keyed pseudonyms (core.tenancy.pseudonyms). The query engine's filters
apply; `/api/v1/metrics` is an alias served by the engine itself.
"""

from core.modules import Hooks, TrackingModule
from tracking.insights import routes
from tracking.insights.container import InsightsContainer


def hooks(c: InsightsContainer) -> Hooks:
    return Hooks(erasers=(c.eraser,))


MODULE = TrackingModule(
    name="insights",
    container=InsightsContainer,
    hooks=hooks,
    router=routes.router,
)
