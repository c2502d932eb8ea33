"""A visitor's time zone when the geo database has none (DB-IP Lite ships coordinates, not zones).

The tz database's own `zone.tab` lists every zone with its country and principal location: the
visitor's zone is the one of their country whose principal location is nearest to the looked-up
coordinates (a country with one zone needs no coordinates at all). Nearest is not always right
(Seattle is nearer to Boise than to Los Angeles), so the largest multi-zone countries map their
regions first (REGION_ZONES). A GeoIP2/GeoLite2 City database carries exact zones and needs none of this.
"""

import math
from functools import lru_cache
from importlib import resources

from tracking.geo_time.service.region_zones import REGION_ZONES

_SKIPPED = frozenset({"Europe/Busingen"})  # an enclave's zone, never the answer for a whole country


def _coordinate(text: str, degree_digits: int) -> float:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:]
    degrees, minutes = int(digits[:degree_digits]), int(digits[degree_digits:degree_digits + 2])
    seconds = int(digits[degree_digits + 2:] or 0)
    return sign * (degrees + minutes / 60 + seconds / 3600)


@lru_cache(maxsize=1)
def zones_by_country() -> dict[str, list[tuple[float, float, str]]]:
    """{country: [(lat, lon, zone)]} from tzdata's zone.tab (read once, on first use)."""
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    table: dict[str, list[tuple[float, float, str]]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        country, coords, zone = line.split("\t")[:3]
        split = max(coords.rfind("+"), coords.rfind("-"))
        lat, lon = _coordinate(coords[:split], 2), _coordinate(coords[split:], 3)
        if zone not in _SKIPPED:
            table.setdefault(country, []).append((lat, lon, zone))
    return table


@lru_cache(maxsize=4096)
def zone_for(country: str, latitude: float | None, longitude: float | None, region: str = "") -> str:
    """The IANA zone of a place in `country` (ISO 3166-1 alpha-2) and `region` (its English name);
    "" when the country is unknown."""
    by_region = REGION_ZONES.get(country.upper(), {}).get(region)
    if by_region:
        return by_region
    zones = zones_by_country().get(country.upper(), [])
    if len(zones) == 1:
        return zones[0][2]
    if not zones or latitude is None or longitude is None:
        return ""
    return min(zones, key=lambda z: _distance(latitude, longitude, z[0], z[1]))[2]


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Central angle between two points (haversine); only the order matters here."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * math.asin(min(1.0, math.sqrt(a)))
