"""Goals over real HTTP: add, list, delete with the site's secret key only, then counted by
`POST /api/v2/query` as event:goal and conversion_rate on both store sets, a repeated answer
served from the query cache (its hit counter on /metrics)."""

import pytest

from tests.e2e.harness import Service, wait_for

ORIGIN = {"Origin": "https://shop.example"}


@pytest.fixture
def service(store_settings, tmp_path):
    """With the query cache's default TTL for open ranges (the harness turns it off)."""
    svc = Service(store_settings, tmp_path / "service.log")
    svc.env["UT_QUERY_CACHE_OPEN_TTL_S"] = "10"
    svc.migrate()
    svc.site = svc.create_site(domain="shop.example", timezone="Europe/Berlin")
    svc.start()
    yield svc
    svc.stop()


def test_goals_are_kept_per_site_and_counted_by_the_query_api(service):
    sid, key = service.site["site_id"], {"X-API-Key": service.site["secret_key"]}
    base = f"/api/v1/sites/{sid}/goals"
    with service.client() as c:
        signup = c.post(base, headers=key, json={"event_name": "signup", "display_name": "Signed up"})
        assert signup.status_code == 201, signup.text
        blog = c.post(base, headers=key, json={"page_path": "/blog/*"}).json()
        assert blog == {"id": blog["id"], "goal_type": "page", "event_name": None, "page_path": "/blog/*",
                        "display_name": "Visit /blog/*"}
        gone = c.post(base, headers=key, json={"page_path": "/pricing"}).json()
        assert "exactly one" in c.post(base, headers=key, json={}).json()["detail"]
        assert "exists already" in c.post(base, headers=key, json={"event_name": "signup"}).json()["detail"]
        assert c.post(base, json={"event_name": "x"}).status_code == 401
        assert c.get(base, headers={"X-API-Key": service.site["public_key"]}).status_code == 403
        other = service.create_site(domain="other.example")
        assert c.get(base, headers={"X-API-Key": other["secret_key"]}).status_code == 404  # not its site: unknown
        assert c.delete(f"/api/v1/sites/{other['site_id']}/goals/{gone['id']}",
                        headers={"X-API-Key": other["secret_key"]}).status_code == 404
        assert c.delete(f"{base}/{gone['id']}", headers=key).status_code == 204
        assert c.delete(f"{base}/{gone['id']}", headers=key).status_code == 404
        assert [g["display_name"] for g in c.get(base, headers=key).json()] == ["Signed up", "Visit /blog/*"]

        for n, path in [(1, "/blog/a"), (2, "/"), (3, "/blog/b/c")]:
            ua = {"User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) TestBrowser/{n}.0"}
            assert c.post("/collect/pageview", headers={**ORIGIN, **ua},
                          json={"site_id": sid, "url": f"https://shop.example{path}"}).status_code == 202
        ua = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) TestBrowser/2.0"}
        assert c.post("/collect/event", headers={**ORIGIN, **ua},
                      json={"site_id": sid, "name": "signup", "url": "https://shop.example/"}).status_code == 202

        def by_goal() -> dict:
            r = c.post("/api/v2/query", headers=key, json={"site_id": sid, "date_range": "day",
                                                           "metrics": ["visitors", "events", "conversion_rate"],
                                                           "dimensions": ["event:goal"]})
            assert r.status_code == 200, r.text
            return {row["dimensions"][0]: row["metrics"] for row in r.json()["results"]}

        assert wait_for(lambda: by_goal() == {"Visit /blog/*": [2, 2, 66.7], "Signed up": [1, 1, 33.3]}, timeout=30)
        by_goal()  # the same query again within the open range's TTL: answered from the cache
        scrape = c.get("/metrics").text
        hits = [line for line in scrape.splitlines() if line.startswith('ut_query_cache_lookups_total{result="hit"}')]
        assert hits and float(hits[0].split()[-1]) >= 1, scrape
        r = c.post("/api/v2/query", headers=key, json={"site_id": sid, "date_range": "day", "metrics": ["visitors"],
                                                       "filters": [["is", "event:goal", ["Nope"]]]})
        assert r.status_code == 400 and "no goal named 'Nope'" in r.json()["detail"]
