"""IP -> place on a tiny database with known answers, the shipped DB-IP default, and the enricher."""

from datetime import UTC, datetime

import pytest

from core.ingest.context import RequestContext
from tests.geoip_db import SAMPLES, build
from tracking.geo_time.service.enricher import GeoEnricher
from tracking.geo_time.service.geoip import NOWHERE, GeoLookup, Place
from tracking.geo_time.service.timezones import zone_for


@pytest.fixture(scope="module")
def lookup(tmp_path_factory) -> GeoLookup:
    return GeoLookup(path=str(build(tmp_path_factory.mktemp("geo") / "test-city.mmdb")))


@pytest.mark.parametrize("ip", list(SAMPLES))
def test_known_networks(lookup, ip):
    assert lookup.lookup(ip) == Place(*SAMPLES[ip])


@pytest.mark.parametrize("ip", ["10.0.0.1", "192.168.1.5", "127.0.0.1", "::1", "fe80::1", "8.8.8.8", "nonsense", ""])
def test_private_unknown_and_invalid_addresses_are_nowhere(lookup, ip):
    assert lookup.lookup(ip) == NOWHERE


def test_a_missing_database_leaves_geo_empty(tmp_path, caplog):
    missing = GeoLookup(path=str(tmp_path / "nope.mmdb"))
    assert missing.lookup("81.2.69.142") == NOWHERE
    assert "cannot open the GeoIP database" in caplog.text


def test_the_shipped_db_ip_database_works_out_of_the_box():
    default = GeoLookup()
    assert default.lookup("8.8.8.8").country == "US"
    assert default.lookup("1.1.1.1") == Place("AU", "New South Wales", "Sydney", "Australia/Sydney")
    default.close()


def test_time_zones_from_country_and_coordinates():
    assert zone_for("DE", None, None) == "Europe/Berlin"  # one zone (the Büsingen enclave aside)
    assert zone_for("ES", 40.4, -3.7) == "Europe/Madrid" and zone_for("ES", 28.1, -15.4) == "Atlantic/Canary"
    assert zone_for("US", 47.6, -122.3, "Washington") == "America/Los_Angeles"
    assert zone_for("RU", 55.75, 37.6) == "Europe/Moscow"
    assert zone_for("XX", 1.0, 1.0) == "" and zone_for("US", None, None) == ""


def test_the_enricher_sets_the_local_hour_and_keeps_only_the_country_when_anonymous(lookup):
    enricher = GeoEnricher(lookup=lookup)
    ts_ms = int(datetime(2024, 7, 1, 22, 30, tzinfo=UTC).timestamp() * 1000)  # a Monday
    record = {"ts_ms": ts_ms}
    enricher.enrich(record, RequestContext("2a02:ff0::1", "", ts_ms))
    assert record == {"ts_ms": ts_ms, "country": "DE", "region": "DE-BY", "city": "Munich",
                      "timezone": "Europe/Berlin", "local_hour": 0, "local_weekday": 2}  # 00:30 Tuesday in Munich
    anonymous: dict = {"ts_ms": ts_ms}
    enricher.enrich(anonymous, RequestContext("2a02:ff0::1", "", ts_ms, anonymous=True))
    assert anonymous == {"ts_ms": ts_ms, "country": "DE"}
    nothing: dict = {"ts_ms": ts_ms}
    enricher.enrich(nothing, RequestContext("", "", ts_ms))
    assert nothing == {"ts_ms": ts_ms}
