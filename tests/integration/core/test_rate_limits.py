"""Rate limits on the real app: two API instances sharing one real Redis hold each limit in sum,
429s carry Retry-After and the RateLimit-* headers, and exactly the accepted events are buffered.
The embedded store set (in-process counts, disk buffer) and empty (disabled) limits too."""

import shutil
import uuid

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from bootstrap.app import create_app
from core.config.settings import Settings

ORIGIN = {"Origin": "https://shop.example"}
IP1, IP2 = ("203.0.113.7", 40000), ("198.51.100.9", 40000)
NO_LIMITS = {"rate_limit_api": "", "rate_limit_collect_ip": "", "rate_limit_site_events": ""}


@pytest.fixture
def shared_settings(tmp_path, migrated_sqlite, redis_url, unique):
    """Settings of one deployment: one database file, one Redis, one buffer stream."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(migrated_sqlite, data / "utrack.sqlite3")
    return Settings(data_dir=data, redis_url=redis_url, buffer_stream=f"ut:test:{unique}", worker_enabled=False,
                    **NO_LIMITS)


@pytest.fixture
def forget_stream(redis_client, shared_settings):
    yield
    keys = list(redis_client.scan_iter(match=f"{shared_settings.buffer_stream}*", count=1000))
    if keys:
        redis_client.delete(*keys)


def _apps(settings: Settings, **limits):
    """Two app instances (two API processes' worth of state) of the same deployment."""
    return [create_app(settings.model_copy(update=limits)) for _ in range(2)]


def _pageview(client: TestClient, site_id: str):
    return client.post("/collect/pageview", headers=ORIGIN,
                       json={"site_id": site_id, "url": "https://shop.example/", "event_id": str(uuid.uuid4())})


def _batch(client: TestClient, site_id: str, n: int):
    events = [{"type": "pageview", "site_id": site_id, "url": f"https://shop.example/{i}",
               "event_id": str(uuid.uuid4())} for i in range(n)]
    return client.post("/collect/batch", headers=ORIGIN, json={"events": events})


def _metric(client: TestClient, name: str, labels: dict | None = None) -> float:
    """From the app's own registry (its /metrics route resolves the last wired container's, and the
    two apps of a test share this process)."""
    return client.app.state.core.metrics().registry.get_sample_value(name, labels or {}) or 0.0


def _assert_429(response, limit: int) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["detail"].startswith("rate limit exceeded")
    retry = int(response.headers["Retry-After"])
    assert 1 <= retry <= 3600
    assert response.headers["RateLimit-Limit"] == str(limit)
    assert response.headers["RateLimit-Remaining"] == "0"
    assert 1 <= int(response.headers["RateLimit-Reset"]) <= 3600
    assert response.headers["RateLimit-Policy"] == f"{limit};w=3600"


def test_the_per_ip_collect_limit_holds_in_sum_across_two_apps_and_only_accepted_events_are_buffered(
        shared_settings, forget_stream, redis_client):
    one, two = _apps(shared_settings, rate_limit_collect_ip="7/hour")
    site = one.state.container.core.tenancy().create_site(domain="shop.example")
    with TestClient(one, client=IP1) as a, TestClient(two, client=IP1) as b:
        answers = [_pageview((a, b)[i % 2], site.site_id) for i in range(12)]
        assert [r.status_code for r in answers] == [202] * 7 + [429] * 5  # alternating apps, one count
        for r in answers[7:]:
            _assert_429(r, 7)
        assert redis_client.xlen(shared_settings.buffer_stream) == 7  # buffered: exactly the 202s
        assert _metric(a, "ut_events_accepted_total") + _metric(b, "ut_events_accepted_total") == 7
        limited = sum(_metric(c, "ut_http_rate_limited_total", {"limit": "collect_ip"}) for c in (a, b))
        assert limited == 5
        with TestClient(two, client=IP2) as other_ip:
            assert _pageview(other_ip, site.site_id).status_code == 202  # another IP has its own count


def test_the_per_site_events_limit_counts_events_of_browser_batches_and_server_ingest_together(
        shared_settings, forget_stream, redis_client):
    one, two = _apps(shared_settings, rate_limit_site_events="10/hour")
    tenancy = one.state.container.core.tenancy()
    site, other = tenancy.create_site(domain="shop.example"), tenancy.create_site(domain="shop.example")
    with TestClient(one, client=IP1) as a, TestClient(two, client=IP2) as b:
        assert _batch(a, site.site_id, 6).json()["accepted"] == 6  # 6 events from one IP ...
        server = b.post("/api/v1/events", headers={"X-API-Key": site.secret_key},
                        json=[{"userId": "u1", "eventName": "signup"}] * 3)
        assert server.status_code == 202 and server.json()["accepted"] == 3  # ... 3 from a server: 9
        _assert_429(_batch(b, site.site_id, 2), 10)  # 11 > 10, whichever IP sends it
        _assert_429(_pageview(a, site.site_id), 10)  # refused requests count too: still over
        assert _batch(a, other.site_id, 10).status_code == 202  # another site has its own ceiling
        assert redis_client.xlen(shared_settings.buffer_stream) == 3  # three accepted requests
        assert _metric(a, "ut_events_accepted_total") + _metric(b, "ut_events_accepted_total") == 6 + 3 + 10
        assert sum(_metric(c, "ut_http_rate_limited_total", {"limit": "site_events"}) for c in (a, b)) == 2


def test_the_api_limit_is_per_presented_key_across_two_apps_bad_keys_included(shared_settings, forget_stream):
    one, two = _apps(shared_settings, rate_limit_api="3/hour")
    site = one.state.container.core.tenancy().create_site(domain="shop.example")
    goals = f"/api/v1/sites/{site.site_id}/goals"
    with TestClient(one, client=IP1) as a, TestClient(two, client=IP1) as b:
        good = [(a, b)[i % 2].get(goals, headers={"X-API-Key": site.secret_key}) for i in range(4)]
        assert [r.status_code for r in good] == [200, 200, 200, 429]
        _assert_429(good[3], 3)
        bearer = b.get(goals, headers={"Authorization": f"Bearer {site.secret_key}"})
        assert bearer.status_code == 429  # the same key, however it is presented
        bad = [(a, b)[i % 2].get(goals, headers={"X-API-Key": "sk_not_a_key"}) for i in range(4)]
        assert [r.status_code for r in bad] == [401, 401, 401, 429]  # a flood of bad keys is limited too
        no_key = [a.get(goals) for _ in range(4)]
        assert [r.status_code for r in no_key] == [401, 401, 401, 429]  # no key: counted per client IP
        assert a.get("/health").status_code == 200  # operations are never limited
        assert _pageview(a, site.site_id).status_code == 202  # nor is collect by the API limit
        assert sum(_metric(c, "ut_http_rate_limited_total", {"limit": "api_key"}) for c in (a, b)) == 4


def test_a_live_stream_websocket_handshake_counts_against_the_api_limit_and_is_refused_with_429(
        shared_settings, forget_stream):
    (app, _) = _apps(shared_settings, rate_limit_api="2/hour")
    site = app.state.container.core.tenancy().create_site(domain="shop.example")
    ws = f"/events/ws?site_id={site.site_id}&backlog=0"
    with TestClient(app, client=IP1) as client:
        for _ in range(2):  # within the limit: the stream's own auth answers (no token: refused)
            with pytest.raises(WebSocketDisconnect), client.websocket_connect(ws) as socket:
                socket.receive_json()
        with pytest.raises(WebSocketDenialResponse) as refused, client.websocket_connect(ws):
            pass
        _assert_429(refused.value, 2)
        assert client.get(f"/api/v1/sites/{site.site_id}/goals").status_code == 429  # one count per IP
        assert _metric(client, "ut_http_rate_limited_total", {"limit": "api_key"}) == 2


def test_embedded_mode_counts_in_process_and_buffers_only_the_accepted_events(tmp_path, migrated_sqlite):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(migrated_sqlite, data / "utrack.sqlite3")
    app = create_app(Settings(data_dir=data, worker_enabled=False, rate_limit_collect_ip="4/hour",
                              rate_limit_site_events="", rate_limit_api="2/hour"))
    core = app.state.container.core
    site = core.tenancy().create_site(domain="shop.example")
    with TestClient(app, client=IP1) as client:
        assert [_pageview(client, site.site_id).status_code for _ in range(6)] == [202] * 4 + [429] * 2
        _assert_429(_pageview(client, site.site_id), 4)
        assert core.buffer().backlog() == 4  # the disk log holds the accepted ones only
        goals = f"/api/v1/sites/{site.site_id}/goals"
        assert [client.get(goals, headers={"X-API-Key": site.secret_key}).status_code
                for _ in range(3)] == [200, 200, 429]


def test_empty_limits_are_off(tmp_path, migrated_sqlite):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(migrated_sqlite, data / "utrack.sqlite3")
    app = create_app(Settings(data_dir=data, worker_enabled=False, **NO_LIMITS))
    site = app.state.container.core.tenancy().create_site(domain="shop.example")
    with TestClient(app, client=IP1) as client:
        assert {_batch(client, site.site_id, 50).status_code for _ in range(30)} == {202}
        goals = f"/api/v1/sites/{site.site_id}/goals"
        assert {client.get(goals, headers={"X-API-Key": site.secret_key}).status_code for _ in range(30)} == {200}
        assert _metric(client, "ut_events_accepted_total") == 1500


def test_openapi_documents_the_429_where_limits_apply_and_the_503_where_reads_are_shed(tmp_path):
    spec = create_app(Settings(data_dir=tmp_path, worker_enabled=False)).openapi()
    paths = spec["paths"]
    for path, method in (("/collect/pageview", "post"), ("/collect/batch", "post"), ("/api/v1/events", "post"),
                         ("/api/v2/query", "post"), ("/api/v1/stats/aggregate", "get"), ("/presence", "get"),
                         ("/api/v1/sites/{site_id}/goals", "get")):
        answer = paths[path][method]["responses"]["429"]
        assert set(answer["headers"]) >= {"Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}
        assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
    assert "503" in paths["/api/v2/query"]["post"]["responses"]
    assert "503" in paths["/api/v1/stats/aggregate"]["get"]["responses"]
    for path in ("/health", "/metrics", "/t.js"):
        assert "429" not in paths[path]["get"]["responses"], path
    assert "503" not in paths["/presence/stream"]["get"]["responses"]  # a stream is not shed


def test_a_limit_that_is_not_in_the_limits_notation_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="is not a rate limit like '600/minute' \\(empty = no limit\\)"):
        Settings(rate_limit_collect_ip="lots")
    assert Settings(rate_limit_api=" 50/second; 1000/hour ").rate_limit_api == "50/second; 1000/hour"
