"""End to end over real HTTP: events posted to the collect and server endpoints come back, exactly,
from the stats API, on the embedded store set and on the real servers."""

import gzip
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import orjson

from tests.e2e.harness import wait_for

ORIGIN = {"Origin": "https://shop.example"}


def ua(n: int) -> dict:
    return {"User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) TestBrowser/{n}.0"}


def stats(client, site, path, **params):
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    query = {"site_id": site["site_id"], "from": today, "to": today, **params}
    resp = client.get(f"/api/v1/stats/{path}", params=query, headers={"X-API-Key": site["secret_key"]})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_posted_events_are_counted_exactly(service):
    site, sid = service.site, service.site["site_id"]
    with service.client() as c:
        # 3 visitors; visitor 1 views /pricing twice and /, visitor 2 views /pricing, visitor 3 /docs.
        for n, path in [(1, "/pricing"), (1, "/pricing"), (1, "/"), (2, "/pricing")]:
            r = c.post("/collect/pageview", headers={**ORIGIN, **ua(n)},
                       json={"site_id": sid, "url": f"https://shop.example{path}?utm_source=x"})
            assert r.status_code == 202 and r.json() == {"accepted": 1, "rejected": []}
        # a batch with a bad event in the middle keeps the good ones (sendBeacon: text/plain + gzip)
        dup_id = str(uuid.uuid4())
        batch = {"events": [
            {"site_id": sid, "type": "pageview", "url": "https://shop.example/docs", "event_id": dup_id},
            {"site_id": sid, "type": "pageview", "url": "not a url"},
            {"site_id": sid, "type": "pageview", "url": "https://shop.example/docs", "event_id": dup_id},
            {"site_id": sid, "name": "signup", "props": {"plan": "pro"}},
        ]}
        r = c.post("/collect/batch", content=gzip.compress(orjson.dumps(batch)),
                   headers={**ORIGIN, **ua(3), "Content-Type": "text/plain", "Content-Encoding": "gzip"})
        assert r.status_code == 202
        assert r.json()["accepted"] == 3
        assert [e["index"] for e in r.json()["rejected"]] == [1]
        # the pixel, from visitor 2
        r = c.get("/collect/p.gif", params={"site_id": sid, "url": "https://shop.example/"},
                  headers={"Referer": "https://shop.example/", **ua(2)})
        assert r.status_code == 202 and r.headers["content-type"] == "image/gif"
        # the server API, with the secret key: a pageview of a logged-in user and a custom event
        r = c.post("/api/v1/events", headers={"X-API-Key": site["secret_key"]}, json=[
            {"userId": "u-42", "eventName": "page_view", "properties": {"pageUrl": "https://shop.example/account"}},
            {"userId": "u-42", "eventName": "purchase_confirmed"},
        ])
        assert r.status_code == 202 and r.json()["accepted"] == 2

        expected = {"pageviews": 7, "visitors": 4}  # other modules add their own numbers beside these

        def headline() -> dict:
            return {k: v for k, v in stats(c, site, "aggregate").items() if k in expected}

        got = wait_for(lambda: headline() == expected and expected, timeout=30)
        assert got == expected, stats(c, site, "aggregate")
        top = stats(c, site, "top-pages", limit=3)
        assert top == [
            {"pathname": "/pricing", "pageviews": 3, "visitors": 2},
            {"pathname": "/", "pageviews": 2, "visitors": 2},
            {"pathname": "/account", "pageviews": 1, "visitors": 1},
        ]


def test_bad_requests_get_clear_errors_and_nothing_is_lost(service):
    site, sid = service.site, service.site["site_id"]
    with service.client() as c:
        assert c.post("/collect/pageview", content=b"{not json", headers=ORIGIN).status_code == 400
        assert c.post("/collect/batch", json={"events": [{"site_id": sid}] * 501}, headers=ORIGIN).status_code == 413
        big = {"site_id": sid, "url": "https://shop.example/", "props": {f"k{i}": "y" * 900 for i in range(10)}}
        assert c.post("/collect/batch", json={"events": [big] * 200}, headers=ORIGIN).status_code == 413
        evil = c.post("/collect/pageview", json={"site_id": sid, "url": "https://shop.example/"},
                      headers={"Origin": "https://evil.example"})
        assert evil.status_code == 403
        for headers in ({"Origin": "null"}, {"Origin": "null", "Referer": "https://shop.example/"}):
            sandboxed = c.post("/collect/pageview", json={"site_id": sid, "url": "https://shop.example/"},
                               headers=headers)
            assert sandboxed.status_code == 403 and "origin null" in sandboxed.json()["detail"], sandboxed.text
        assert c.post("/api/v1/events", json={"userId": "u", "eventName": "x"}).status_code == 401
        assert c.post("/api/v1/events", json={"userId": "u", "eventName": "x"},
                      headers={"X-API-Key": "sk_wrong"}).status_code == 401
        assert c.post("/api/v1/events", json={"userId": "u", "eventName": "x"},
                      headers={"X-API-Key": site["public_key"]}).status_code == 403
        unknown = c.post("/collect/pageview", json={"site_id": "site_nope", "url": "https://shop.example/"},
                         headers=ORIGIN)
        assert unknown.status_code == 400 and "unknown site" in unknown.json()["rejected"][0]["error"]
        r = c.get("/api/v1/stats/aggregate", params={"site_id": sid, "from": "2026-01-02", "to": "2026-01-01"},
                  headers={"X-API-Key": site["secret_key"]})
        assert r.status_code == 400
        ok = c.post("/collect/pageview", json={"site_id": sid, "url": "https://shop.example/after-errors"},
                    headers=ORIGIN)
        assert ok.status_code == 202
        got = wait_for(lambda: stats(c, site, "aggregate")["pageviews"] == 1, timeout=30)
        assert got, stats(c, site, "aggregate")


def test_health_ready_metrics_and_openapi(service):
    with service.client() as c:
        assert c.get("/health").json() == {"status": "ok"}
        ready = c.get("/ready").json()
        assert ready["status"] == "ok" and set(ready["checks"]) == {"database", "redis", "clickhouse", "buffer"}
        c.post("/collect/pageview", json={"site_id": service.site["site_id"], "url": "https://shop.example/"},
               headers=ORIGIN)
        metrics = c.get("/metrics").text
        assert "ut_events_accepted_total 1.0" in metrics
        assert "ut_buffer_backlog" in metrics and "ut_http_request_seconds_bucket" in metrics
        spec = c.get("/openapi.json").json()
        for path in ("/collect/pageview", "/collect/batch", "/collect/p.gif", "/api/v1/events",
                     "/api/v1/stats/aggregate", "/api/v1/stats/top-pages"):
            assert path in spec["paths"], path
