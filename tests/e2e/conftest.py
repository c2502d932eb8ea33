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
    svc.utrack("migrate")
    site = svc.create_site(domain="shop.example", timezone="Europe/Berlin")
    svc.site = site
    svc.start()
    yield svc
    svc.stop()
