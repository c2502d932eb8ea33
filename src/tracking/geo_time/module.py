"""geo_time: where visitors are and when, in their own time, from the IP without keeping the IP.

An edge enricher looks the client IP up in a MaxMind-format City database (country, ISO 3166-2
region, city, time zone) and stores the event's local hour and weekday; the IP is dropped there.
Breakdowns by country, region and city come from the core events log; `/api/v1/stats/heatmap`
shows pageviews by local weekday and hour.
"""

from core.modules import TrackingModule
from tracking.geo_time import routes
from tracking.geo_time.container import GeoTimeContainer

MODULE = TrackingModule(
    name="geo_time",
    container=GeoTimeContainer,
    router=routes.router,
    enrichers=("enricher",),
    breakdowns=(("country", "breakdowns"), ("region", "breakdowns"), ("city", "breakdowns")),
)
