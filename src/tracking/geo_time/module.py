"""geo_time: where visitors are and when, in their own time, from the IP without keeping the IP.

An edge enricher looks the client IP up in a MaxMind-format City database (country, ISO 3166-2
region, city, time zone) and stores the event's local hour and weekday; the IP is dropped there.
Breakdowns by country, region and city come from the core events log; `/api/v1/stats/heatmap`
shows pageviews by local weekday and hour.
"""

from core.modules import Hooks, TrackingModule
from tracking.geo_time import routes
from tracking.geo_time.container import GeoTimeContainer
from tracking.geo_time.settings import GeoTimeSettings


def hooks(c: GeoTimeContainer) -> Hooks:
    return Hooks(
        enrichers=(c.enricher,),
        lifecycle=(c.lookup,),  # the GeoIP database file is closed on shutdown
    )


MODULE = TrackingModule(
    name="geo_time",
    container=GeoTimeContainer,
    settings=GeoTimeSettings,
    hooks=hooks,
    router=routes.router,
)
