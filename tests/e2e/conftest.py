"""E2E fixtures: the service running as a real process on either store set."""

import pytest

from tests.e2e.harness import Service


@pytest.fixture(params=["embedded", "servers"])
def store_settings(request):
    """Both store sets: embedded (SQLite, in-process Redis, chDB, disk log) and real servers."""
    return request.getfixturevalue(f"{'embedded' if request.param == 'embedded' else 'server'}_settings")


@pytest.fixture
def service(store_settings, tmp_path):
    svc = Service(store_settings, tmp_path / "service.log")
    svc.migrate()
    site = svc.create_site(domain="shop.example", timezone="Europe/Berlin")
    svc.site = site
    svc.start()
    yield svc
    svc.stop()


@pytest.fixture
def geo_service(store_settings, tmp_path):
    """The service behind a trusted proxy (this test process, on 127.0.0.1), so X-Forwarded-For
    names the visitor, with the test GeoIP database whose answers are known (tests/geoip_db.py)."""
    from tests.geoip_db import build

    svc = Service(store_settings, tmp_path / "service.log")
    svc.env.update({"UT_GEOIP_DB": str(build(tmp_path / "geo" / "test-city.mmdb")),
                    "UT_TRUSTED_PROXIES": "127.0.0.1/32, ::1/128"})
    svc.migrate()
    svc.site = svc.create_site(domain="shop.example", timezone="Europe/Berlin")
    svc.start()
    yield svc
    svc.stop()
