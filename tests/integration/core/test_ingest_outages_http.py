"""The real app over a redis-server of the test's own that crashes and restarts empty: collect
answers 503 with Retry-After (one log line per outage, no traceback), /ready turns red while the
worker cannot progress and green after, and shows the buffer's durability."""

import logging
import time
import uuid

import pytest
from fastapi.testclient import TestClient

from bootstrap.app import create_app
from bootstrap.migrate import migrate_all
from core.config.settings import Settings

ORIGIN = {"Origin": "https://shop.example"}


@pytest.fixture
def settings(tmp_path, own_redis, clickhouse_url):
    settings = Settings(data_dir=tmp_path / "data", redis_url=own_redis.url, clickhouse_url=clickhouse_url,
                        buffer_stream=f"ut:outage:{uuid.uuid4().hex[:8]}", worker_stall_s=0.5, worker_poll_ms=50)
    migrate_all(settings)
    return settings


def _pageview(client: TestClient, site_id: str):
    return client.post("/collect/pageview", headers=ORIGIN,
                       json={"site_id": site_id, "url": "https://shop.example/", "event_id": str(uuid.uuid4())})


def _wait(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    return predicate()


def test_collect_answers_503_with_retry_after_and_logs_each_outage_once(settings, own_redis, caplog):
    app = create_app(settings.model_copy(update={"worker_enabled": False}))
    site = app.state.container.core.tenancy().create_site(domain="shop.example")
    caplog.set_level(logging.INFO)
    with TestClient(app) as client:
        assert _pageview(client, site.site_id).status_code == 202
        own_redis.kill()
        answers = [_pageview(client, site.site_id) for _ in range(30)]
        assert {r.status_code for r in answers} == {503}
        assert all(r.headers["retry-after"] == "1" for r in answers)
        assert answers[0].json() == {"detail": "buffer temporarily unavailable, retry"}
        own_redis.start()
        assert _pageview(client, site.site_id).status_code == 202
        metrics = client.get("/metrics").text
    outage_lines = [r for r in caplog.records if "collect answers 503" in r.getMessage()]
    assert [r.levelname for r in outage_lines] == ["ERROR", "WARNING"]  # down once, up once
    assert "(30 failures)" in outage_lines[1].getMessage()
    assert not any(r.exc_info for r in caplog.records if r.levelno >= logging.ERROR)
    assert 'ut_http_store_unavailable_total{store="buffer"} 30.0' in metrics


def test_ready_is_red_while_the_worker_cannot_progress_and_green_after_redis_returns_empty(settings, own_redis):
    app = create_app(settings)
    site = app.state.container.core.tenancy().create_site(domain="shop.example")
    with TestClient(app) as client:
        assert _pageview(client, site.site_id).status_code == 202
        ready = _wait(lambda: (r := client.get("/ready")).status_code == 200 and r.json()["buffer_backlog"] == 0
                      and r.json())
        assert ready["worker"] == "ok"
        assert ready["buffer_durability"].startswith("appendonly=no")
        assert ready["buffer_oldest_age_s"] == 0.0

        own_redis.kill()
        red = _wait(lambda: (r := client.get("/ready")).json()["worker"].startswith("stalled") and r)
        assert red.status_code == 503
        assert "no progress for" in red.json()["worker"] and "ConnectionError" in red.json()["worker"]
        text = client.get("/metrics").text
        assert "ut_worker_stalled 1.0" in text, [ln for ln in text.splitlines() if "stalled" in ln or "oldest" in ln]

        own_redis.start()  # empty: no stream, no group
        green = _wait(lambda: (r := client.get("/ready")).status_code == 200 and r, timeout=10)
        assert green and green.json()["worker"] == "ok"
        assert _pageview(client, site.site_id).status_code == 202
        assert _wait(lambda: client.get("/ready").json()["buffer_backlog"] == 0)
        assert 'ut_buffer_oldest_unacked_age_seconds 0.0' in client.get("/metrics").text
    rows = app.state.container.core.analytics().query(
        "SELECT count() FROM events WHERE site_id = %(s)s", {"s": site.site_id})
    assert rows[0][0] == 2
