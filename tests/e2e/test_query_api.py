"""`POST /api/v2/query` over real HTTP: the same numbers as /api/v1/stats/aggregate, 400s that
name the bad part and the valid choices, 401/403/404 for missing, public or foreign keys."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.e2e.harness import wait_for

ORIGIN = {"Origin": "https://shop.example"}


def test_query_matches_aggregate_and_refuses_bad_input(service):
    site, sid = service.site, service.site["site_id"]
    key = {"X-API-Key": site["secret_key"]}
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    with service.client() as c:
        for n, path in [(1, "/pricing"), (1, "/"), (2, "/blog/x")]:
            ua = {"User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) TestBrowser/{n}.0"}
            assert c.post("/collect/pageview", headers={**ORIGIN, **ua},
                          json={"site_id": sid, "url": f"https://shop.example{path}"}).status_code == 202
        metrics = ["visitors", "visits", "pageviews", "bounce_rate", "visit_duration", "views_per_visit"]

        def v1() -> dict:
            r = c.get("/api/v1/stats/aggregate", params={"site_id": sid, "from": today, "to": today}, headers=key)
            return r.json()

        assert wait_for(lambda: v1().get("pageviews") == 3 and v1().get("visits") == 2, timeout=30)
        r = c.post("/api/v2/query", headers=key, json={"site_id": sid, "metrics": metrics, "date_range": "day"})
        assert r.status_code == 200, r.text
        assert r.json()["results"][0]["metrics"] == [v1()[m] for m in metrics]
        assert r.json()["query"]["date_range"] == [today, today]

        def error(body: dict, status: int = 400, headers: dict = key) -> str:
            resp = c.post("/api/v2/query", headers=headers, json={"site_id": sid, "date_range": "day", **body})
            assert resp.status_code == status, resp.text
            return resp.json()["detail"]

        assert "unknown 'revenue'" in error({"metrics": ["revenue"]}) and "visitors" in error({"metrics": ["x"]})
        assert "visit:channel" in error({"metrics": ["visits"], "dimensions": ["visit:chanel"]})
        assert "bounce_rate" in error({"metrics": ["bounce_rate"], "dimensions": ["event:page"]})
        assert "operator 'equals'" in error({"metrics": ["visits"], "filters": [["equals", "event:page", ["/"]]]})
        assert "7d" in error({"metrics": ["visits"], "date_range": "week"})
        assert error({"metrics": ["visits"]}, 401, headers={})
        assert error({"metrics": ["visits"]}, 401, headers={"X-API-Key": "nope"})
        assert error({"metrics": ["visits"]}, 403, headers={"X-API-Key": site["public_key"]}) if "public_key" in site \
            else True
        other = service.create_site(domain="other.example", timezone="UTC")
        assert "unknown site" in error({"metrics": ["visits"]}, 404, headers={"X-API-Key": other["secret_key"]})
