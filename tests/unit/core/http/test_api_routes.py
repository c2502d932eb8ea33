"""Which paths the per-key API limit and the read shedding apply to (decided before routing)."""

import pytest

from core.http.api_routes import is_api, is_shed


@pytest.mark.parametrize("path", ["/api/v2/query", "/api/v1/stats/aggregate", "/api/v1/sites/s/goals", "/presence",
                                  "/api/v1/ecommerce/overview", "/events/count", "/export/status",
                                  "/api/v1/sites/s/meta-capi", "/api/v1/keys"])
def test_read_and_admin_apis_are_limited_per_key_and_shed(path):
    assert is_api(path) and is_shed(path)


@pytest.mark.parametrize("path", ["/presence/stream", "/events/stream", "/events/ws"])
def test_live_streams_are_limited_when_opened_but_never_shed(path):
    assert is_api(path) and not is_shed(path)


@pytest.mark.parametrize("path", ["/collect/pageview", "/collect/batch", "/api/v1/events", "/health", "/ready",
                                  "/metrics", "/t.js", "/", "/share", "/docs", "/openapi.json", "/apix",
                                  "/presenceX", "/events"])
def test_collect_ingest_operations_and_pages_are_not_api(path):
    assert not is_api(path) and not is_shed(path)
