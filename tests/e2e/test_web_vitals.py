"""Web Vitals end to end over real HTTP, on both store sets: measurements posted singly and in
batches (with updates of one metric instance and a retried event) come back from the report with
numpy's percentiles, Google's ratings and the Core Web Vitals assessment per page."""

import time
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from tests.e2e.harness import wait_for

ORIGIN = {"Origin": "https://shop.example"}


def test_vitals_are_collected_and_reported_exactly(service):
    site, sid = service.site, service.site["site_id"]
    now = int(time.time() * 1000)
    fast, slow = "https://shop.example/fast", "https://shop.example/slow?ref=ad"
    lcp_fast, lcp_slow = [900.0, 1500.5, 2100.0, 2500.0], [2600.0, 3900.0, 4000.0, 7200.0]
    with service.client() as c:
        for i, v in enumerate(lcp_fast):
            r = c.post("/collect/vitals", headers=ORIGIN,
                       json={"site_id": sid, "url": fast, "name": "LCP", "value": v, "id": f"lcp-f{i}"})
            assert r.status_code == 202 and r.json() == {"accepted": 1, "rejected": []}
        retried = str(uuid.uuid4())
        batch = [{"site_id": sid, "type": "vitals", "url": slow, "name": "LCP", "value": v, "metric_id": f"lcp-s{i}",
                  "navigation_type": "navigate"} for i, v in enumerate(lcp_slow)]
        cls = {"site_id": sid, "type": "vitals", "url": fast, "name": "CLS", "id": "cls-f"}
        batch += [
            # one CLS instance reported three times as it grows; only its latest value (0.08) counts
            {**cls, "value": 0.01, "ts": now - 3000}, {**cls, "value": 0.08, "ts": now - 1000},
            {**cls, "value": 0.05, "ts": now - 2000},
            {"site_id": sid, "type": "vitals", "url": slow, "name": "CLS", "value": 0.0, "id": "cls-s"},
            {"site_id": sid, "type": "vitals", "url": slow, "name": "INP", "value": 520, "id": "inp-s",
             "event_id": retried},
            {"site_id": sid, "type": "vitals", "url": slow, "name": "INP", "value": 520, "id": "inp-s",
             "event_id": retried},  # a client retry: dropped as a duplicate event
            {"site_id": sid, "type": "vitals", "url": slow, "name": "FID", "value": 10},
            {"site_id": sid, "type": "pageview", "url": fast},
        ]
        r = c.post("/collect/batch", headers=ORIGIN, json={"events": batch})
        assert r.status_code == 202, r.text
        assert r.json()["accepted"] == len(batch) - 1
        assert r.json()["rejected"] == [{"index": 10, "error": "name: a vitals event is one of LCP, INP, CLS, FCP, "
                                                                "TTFB, not 'FID'"}]
        bad = c.post("/collect/vitals", headers=ORIGIN, json={"site_id": sid, "url": fast, "name": "INP", "value": -3})
        assert bad.status_code == 400
        assert bad.json()["rejected"] == [{"index": 0, "error": "value: Input should be greater than or equal to 0"}]

        today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
        auth = {"X-API-Key": site["secret_key"]}

        def report(by: str = "page") -> dict:
            resp = c.get("/api/v1/vitals", params={"site_id": sid, "from": today, "to": today, "by": by}, headers=auth)
            assert resp.status_code == 200, resp.text
            return resp.json()

        got = wait_for(lambda: (rep := report()) and sum(g["count"] for g in rep["groups"]) == 11 and rep, timeout=30)
        assert got, report()
        groups = {g["group"]: g for g in got["groups"]}
        assert [g["group"] for g in got["groups"]] == ["/slow", "/fast"]  # 6 instances, then 5
        for page, values in (("/fast", lcp_fast), ("/slow", lcp_slow)):
            lcp = groups[page]["metrics"]["LCP"]
            assert [lcp["p50"], lcp["p75"], lcp["p95"]] == np.percentile(values, [50, 75, 95]).tolist()
        assert groups["/fast"]["metrics"]["LCP"] | {"p50": 0, "p75": 0, "p95": 0} == {
            "count": 4, "p50": 0, "p75": 0, "p95": 0, "good": 1.0, "needs_improvement": 0.0, "poor": 0.0,
            "rating": "good"}
        assert groups["/slow"]["metrics"]["LCP"]["good"] == 0 and groups["/slow"]["metrics"]["LCP"]["poor"] == 0.25
        assert groups["/fast"]["metrics"]["CLS"]["count"] == 1 and groups["/fast"]["metrics"]["CLS"]["p75"] == 0.08
        assert groups["/slow"]["metrics"]["INP"] | {"p50": 0, "p95": 0} == {
            "count": 1, "p50": 0, "p75": 520.0, "p95": 0, "good": 0.0, "needs_improvement": 0.0, "poor": 1.0,
            "rating": "poor"}
        # /fast has no INP (nobody interacted): LCP and CLS decide; /slow fails on LCP and INP
        assert (groups["/fast"]["assessment"], groups["/slow"]["assessment"]) == ("passed", "failed")
        assert got["thresholds"]["LCP"] == [2500.0, 4000.0] and "numpy" in got["percentile_method"]
        assert sum(g["count"] for g in report("device")["groups"]) == 11
        assert sum(g["count"] for g in report("country")["groups"]) == 11

        assert c.get("/api/v1/vitals", params={"site_id": sid, "from": today, "to": today}).status_code == 401
        assert c.get("/api/v1/vitals", params={"site_id": sid, "from": today, "to": today, "by": "browser"},
                     headers=auth).status_code == 422
        paths = c.get("/openapi.json").json()["paths"]
        assert "/collect/vitals" in paths and "/api/v1/vitals" in paths
