"""The export API on the server store set (PostgreSQL, Redis, ClickHouse 18.16) with the real ingest
path and worker: destinations, a run to a real S3 server, status, the seed aliases, usage; the
credentials never appear in an answer, a log line or a stored row."""

import logging
import time
import uuid

import pytest
from dependency_injector import providers
from fastapi.testclient import TestClient
from sqlalchemy import text

from bootstrap.app import create_app
from bootstrap.migrate import migrate_all
from tests.integration.tracking.export.conftest import ACCESS_KEY, SECRET_KEY
from tests.integration.tracking.export.test_export import read_rows, s3_objects
from tracking.export.settings import ExportModuleSettings


@pytest.fixture
def service(server_settings, tmp_path):
    now = [time.time()]
    clock = lambda: now[0]  # noqa: E731
    settings = server_settings.model_copy(update={"worker_enabled": False})
    migrate_all(settings)
    app = create_app(settings, module_settings={"export": ExportModuleSettings(
        export_settle_s=0, export_local_root=tmp_path / "exports", export_upload_attempts=1,
        export_endpoint_hosts="127.0.0.1")})
    c = app.state.container
    c.export.clock.override(providers.Object(clock))
    c.core.write_watermark().clock = clock  # the worker's stamps and the exporter's watermark: one clock
    site = c.core.tenancy().create_site(domain=f"{uuid.uuid4().hex[:8]}.example")
    with TestClient(app) as client:
        client.headers["X-API-Key"] = site.secret_key
        yield client, c, site.site_id, now


def test_destinations_run_status_aliases_and_no_credentials_anywhere(service, s3, s3_url, bucket, caplog):
    client, c, site_id, now = service
    caplog.set_level(logging.DEBUG)
    name = bucket()
    base = f"/api/v1/sites/{site_id}/exports"
    for bad, why in (({"kind": "s3", "bucket": name}, "access_key"), ({"kind": "local", "path": "/etc"}, "relative"),
                     ({"kind": "local", "path": "x", "interval_s": 1000}, "interval_s"),
                     ({"kind": "local", "path": "x", "format": "csv", "compression": "zstd"}, "compression")):
        r = client.post(base, json=bad)
        assert r.status_code == 400 and why in r.json()["detail"], r.text
    assert client.post(base, json={"kind": "ftp"}).status_code == 422
    r = client.post(base, json={"kind": "s3", "endpoint_url": s3_url, "bucket": name, "prefix": "ut",
                                "access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "interval_s": 900})
    assert r.status_code == 201, r.text
    dest = r.json()
    assert dest["has_credentials"] is True and dest["format"] == "parquet" and dest["compression"] == "zstd"
    events = [{"eventName": "page_view", "userId": f"u{i}", "url": f"https://shop.example/p{i % 3}",
               "eventId": str(uuid.uuid4()), "ip": "198.51.100.7", "userAgent": "Mozilla/5.0 Test"} for i in range(40)]
    assert client.post("/api/v1/events", json=events).status_code == 202
    assert c.core.worker().drain() == 40
    assert client.get("/events/count", params={"site_id": site_id}).json()["count"] == 40
    recent = client.get("/events/recent", params={"site_id": site_id, "limit": 5}).json()
    assert len(recent) == 5 and "user_id" not in recent[0] and "visitor_id" not in recent[0]
    usage = client.get(f"/api/v1/sites/{site_id}/usage").json()
    assert usage["total"] == 40 and sum(d["events"] for d in usage["days"]) == 40
    assert client.get(f"/api/v1/sites/{site_id}/usage", params={"from": "nope"}).status_code == 400
    ran = client.post(f"{base}/{dest['id']}/run").json()
    assert ran["intervals"] == 0  # the interval being written is never exported early
    now[0] += 1800
    ran = client.post(f"{base}/{dest['id']}/run").json()
    assert ran["rows"] == 40 and ran["error"] == "", ran
    truth = {e["eventId"]: e for e in events}
    rows = read_rows(s3_objects(s3, name))
    assert sorted(r["event_id"] for r in rows) == sorted(truth) and all("user_id" not in r for r in rows)
    status = client.get(f"{base}/{dest['id']}").json()
    assert sum(r["rows"] for r in status["recent_runs"]) == 40 and status["destination"]["last_error"] == ""
    assert [s["destination"]["id"] for s in client.get("/export/status", params={"site_id": site_id}).json()] \
        == [dest["id"]]
    assert client.get("/export/config", params={"site_id": site_id}).json()[0]["bucket"] == name
    assert client.post("/export/run", params={"site_id": site_id}).json()[0]["intervals"] == 0
    # A bucket that does not exist: the run fails, the error is kept (scrubbed of the credentials).
    r = client.patch(f"{base}/{dest['id']}", json={"bucket": "no-such-bucket-" + uuid.uuid4().hex[:8],
                                                   "secret_key": SECRET_KEY})
    assert r.status_code == 200
    client.post("/api/v1/events", json=[{**events[0], "eventId": str(uuid.uuid4())}])
    c.core.worker().drain()
    now[0] += 900
    failed = client.post(f"{base}/{dest['id']}/run").json()
    assert failed["error"] and failed["intervals"] == 0
    metrics = client.get("/metrics").text
    assert 'ut_export_intervals_total{outcome="failure"} 1.0' in metrics
    assert "ut_export_rows_total 40.0" in metrics
    answers = [client.get(base).text, client.get(f"{base}/{dest['id']}").text, metrics,
               client.get("/export/status", params={"site_id": site_id}).text, failed["error"]]
    with c.core.engine().connect() as conn:
        stored = [str(tuple(r)) for r in conn.execute(text("SELECT * FROM export_destinations WHERE site_id = :s"),
                                                      {"s": site_id})]
    for secret in (SECRET_KEY, ACCESS_KEY):
        for where in (*answers, caplog.text, *stored):
            assert secret not in where
    assert client.delete(f"{base}/{dest['id']}").status_code == 204
    assert client.get(f"{base}/{dest['id']}").status_code == 404
    assert client.get("/api/v1/sites/site_other/exports").status_code == 404
