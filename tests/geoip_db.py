"""A tiny MaxMind-format City database with known answers, built with mmdb-writer for tests.

Two record shapes, as the real databases have them: GeoIP2/GeoLite2 City (ISO subdivision codes,
a time zone) and DB-IP City Lite (subdivision names and coordinates only, no time zone).
"""

from pathlib import Path

from mmdb_writer import MmdbF64, MMDBWriter
from netaddr import IPSet


def _geoip2(country: str, sub_code: str, sub_name: str, city: str, zone: str) -> dict:
    return {"country": {"iso_code": country, "names": {"en": country}},
            "subdivisions": [{"iso_code": sub_code, "names": {"en": sub_name}}],
            "city": {"names": {"en": city}}, "location": {"time_zone": zone}}


def _dbip(country: str, sub_name: str, city: str, lat: float, lon: float) -> dict:
    return {"country": {"iso_code": country, "names": {"en": country}},
            "subdivisions": [{"names": {"en": sub_name}}], "city": {"names": {"en": city}},
            "location": {"latitude": MmdbF64(lat), "longitude": MmdbF64(lon)}}


# network -> (record, expected (country, region, city, timezone))
KNOWN = {
    "81.2.69.0/24": (_geoip2("GB", "ENG", "England", "London", "Europe/London"),
                     ("GB", "GB-ENG", "London", "Europe/London")),
    "216.160.83.0/24": (_geoip2("US", "WA", "Washington", "Milton", "America/Los_Angeles"),
                        ("US", "US-WA", "Milton", "America/Los_Angeles")),
    "89.160.20.0/24": (_geoip2("SE", "E", "Östergötland County", "Linköping", "Europe/Stockholm"),
                       ("SE", "SE-E", "Linköping", "Europe/Stockholm")),
    "2a02:ff0::/32": (_geoip2("DE", "BY", "Bavaria", "Munich", "Europe/Berlin"),
                      ("DE", "DE-BY", "Munich", "Europe/Berlin")),
    "175.16.199.0/24": (_dbip("CN", "Jilin", "Changchun", 43.88, 125.32),
                        ("CN", "Jilin", "Changchun", "Asia/Shanghai")),
    "67.43.156.0/24": (_dbip("US", "Washington", "Seattle", 47.61, -122.33),
                       ("US", "Washington", "Seattle", "America/Los_Angeles")),
}
LONDON, MILTON, LINKOPING, MUNICH, CHANGCHUN, SEATTLE = (
    "81.2.69.142", "216.160.83.56", "89.160.20.112", "2a02:ff0::1", "175.16.199.7", "67.43.156.9")


def build(path: Path) -> Path:
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoIP2-City",
                        languages=["en"], description="Universal Tracking test City database")
    for network, (record, _) in KNOWN.items():
        writer.insert_network(IPSet([network]), record)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.to_db_file(str(path))
    return path

# one address inside each network, with what a lookup must answer
SAMPLES = {ip: expected for ip, (_, expected) in zip(
    (LONDON, MILTON, LINKOPING, MUNICH, CHANGCHUN, SEATTLE), KNOWN.values(), strict=True)}
