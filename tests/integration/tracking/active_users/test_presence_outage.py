"""`GET /presence` while its Redis is down: 503 with the store's name and Retry-After, never a 500
(the app's store-outage handler, core.http.app), and 200 again once Redis is back."""

import logging
import shutil

from fastapi.testclient import TestClient

from bootstrap.app import create_app
from core.config.settings import Settings


def test_presence_answers_503_with_retry_after_while_redis_is_down(tmp_path, migrated_sqlite, own_redis, caplog):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(migrated_sqlite, data / "utrack.sqlite3")
    app = create_app(Settings(data_dir=data, redis_url=own_redis.url, worker_enabled=False))
    site = app.state.container.core.tenancy().create_site(domain="presence.example")
    key = {"X-API-Key": site.secret_key}
    caplog.set_level(logging.INFO)
    with TestClient(app, raise_server_exceptions=False) as client:
        up = client.get("/presence", params={"site_id": site.site_id}, headers=key)
        assert up.status_code == 200 and up.json()["visitors"] == 0, up.text
        own_redis.kill()
        down = [client.get("/presence", params={"site_id": site.site_id}, headers=key) for _ in range(3)]
        assert [r.status_code for r in down] == [503, 503, 503], down[0].text
        assert down[0].json() == {"detail": "redis temporarily unavailable, retry"}
        assert down[0].headers["retry-after"] == "1"
        own_redis.start()
        again = client.get("/presence", params={"site_id": site.site_id}, headers=key)
        assert again.status_code == 200, again.text
        assert 'ut_http_store_unavailable_total{store="redis"} 3.0' in client.get("/metrics").text
    assert not any(r.exc_info for r in caplog.records if r.levelno >= logging.ERROR)  # one line, no traceback
