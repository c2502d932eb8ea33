"""Modules' resources are started with the app and closed when it shuts down."""

from fastapi.testclient import TestClient

from bootstrap.app import create_app
from core.config.settings import Settings


def test_shutdown_closes_the_geoip_reader_and_stops_the_live_hub(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, worker_enabled=False))
    container = app.state.container
    lookup, hub = container.geo_time.lookup(), container.active_users.hub()
    with TestClient(app):
        lookup.lookup("81.2.69.142")  # opens the database file
        assert lookup._reader is not None
        assert not hub._stop.is_set()
    assert lookup._reader is None
    assert hub._stop.is_set()


def test_every_lifecycle_resource_is_a_singleton_the_app_reuses(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, worker_enabled=False))
    core = app.state.container.core
    assert [id(r) for r in core.lifecycle()] == [id(r) for r in core.lifecycle()]
