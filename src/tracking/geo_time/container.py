"""geo_time's container: needs core's settings and query engine."""

from dependency_injector import containers, providers

from tracking.geo_time.service.enricher import GeoEnricher
from tracking.geo_time.service.geoip import GeoLookup
from tracking.geo_time.service.heatmap import HeatmapService
from tracking.geo_time.settings import GeoTimeSettings


class GeoTimeContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    config = providers.Dependency(instance_of=GeoTimeSettings)  # this module's UT_* settings

    lookup = providers.Singleton(GeoLookup, path=config.provided.geoip_db)
    enricher = providers.Singleton(GeoEnricher, lookup=lookup)
    heatmap = providers.Singleton(HeatmapService, engine=core.query)  # the engine's numbers by local time
