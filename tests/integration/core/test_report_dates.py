"""Every report route answers 400, never 500, for dates the analytics store cannot hold."""

import shutil

import pytest
from fastapi.testclient import TestClient

from bootstrap.app import create_app
from core.config.settings import Settings

BAD_RANGES = [("0219-01-01", "0219-01-02"), ("1969-12-31", "1970-01-02"), ("2026-01-01", "9999-12-31"),
              ("0001-01-01", "0001-01-01")]


@pytest.fixture(scope="module")
def app_and_site(tmp_path_factory, migrated_sqlite):
    data = tmp_path_factory.mktemp("dates")
    shutil.copy(migrated_sqlite, data / "utrack.sqlite3")
    app = create_app(Settings(data_dir=data, worker_enabled=False))
    site = app.state.container.core.tenancy().create_site(domain="dates.example", timezone="Asia/Tokyo")
    with TestClient(app) as client:
        yield app, client, site


def _report_routes(app) -> list[str]:
    spec = app.openapi()
    return sorted(path for path, ops in spec["paths"].items() if "get" in ops
                  and {p["name"] for p in ops["get"].get("parameters", [])} >= {"from", "to"})


def test_there_are_report_routes_to_check(app_and_site):
    assert len(_report_routes(app_and_site[0])) >= 11


@pytest.mark.parametrize(("date_from", "date_to"), BAD_RANGES)
def test_out_of_range_dates_are_a_clear_400_on_every_report(app_and_site, date_from, date_to):
    app, client, site = app_and_site
    for path in _report_routes(app):
        params = {"site_id": site.site_id, "from": date_from, "to": date_to, "property": "source",  # every breakdown's
                  "kind": "product"}
        r = client.get(path.replace("{site_id}", site.site_id), params=params,
                       headers={"X-API-Key": site.secret_key})
        assert r.status_code == 400, (path, r.status_code, r.text)
        assert "between 1970-01-01 and 2100-12-31" in r.json()["detail"], path
