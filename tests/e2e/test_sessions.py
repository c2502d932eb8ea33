"""Sessions end to end over real HTTP, on both store sets: events posted with their times come back
as visits, bounce rate, duration, entry pages, a timeseries and engagement per page; every event in
the log carries its session id."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.harness import query_events_log, wait_for

BERLIN = ZoneInfo("Europe/Berlin")
ORIGIN = {"Origin": "https://shop.example"}
FIREFOX = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"}
CHROME = {"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                        "Chrome/124.0.0.0 Safari/537.36"}
MIN = 60_000


def base_time() -> int:
    """70 minutes of events that fit in one Berlin day, in the past (the edge accepts up to 24 h)."""
    now = datetime.now(BERLIN)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = now - timedelta(minutes=70) if now - midnight > timedelta(minutes=75) else midnight - timedelta(minutes=80)
    return int(start.timestamp() * 1000)


def test_sessions_through_the_real_service(service):
    site, sid = service.site, service.site["site_id"]
    key = {"X-API-Key": site["secret_key"]}
    t0 = base_time()
    plan = [  # (who, type, path, minutes after t0, extra)
        (FIREFOX, "pageview", "/landing?utm_source=news&utm_campaign=may", 0, {}),
        (FIREFOX, "pageview", "/pricing", 5, {}),
        (FIREFOX, "engagement", "/pricing", 6, {"engaged_ms": 20_000, "scroll_depth": 80}),
        (CHROME, "pageview", "/landing", 10, {}),
        (CHROME, "engagement", "/landing", 11, {"engaged_ms": 5_000, "scroll_depth": 30}),
        (FIREFOX, "pageview", "/pricing", 45, {}),  # 39 minutes after Firefox's last event: a new visit
    ]
    with service.client() as c:
        for who, kind, path, minute, extra in plan:
            body = {"site_id": sid, "type": kind, "url": f"https://shop.example{path}", "ts": t0 + minute * MIN,
                    **extra}
            r = c.post("/collect/batch", json={"events": [body]}, headers={**ORIGIN, **who})
            assert r.status_code == 202 and r.json()["accepted"] == 1, r.text
        bad = c.post("/collect/batch", headers=ORIGIN, json={"events": [
            {"site_id": sid, "type": "engagement", "url": "https://shop.example/", "scroll_depth": 101}]})
        assert bad.status_code == 400 and "scroll_depth" in bad.json()["rejected"][0]["error"]

        day = datetime.fromtimestamp(t0 / 1000, BERLIN).date()
        span = {"site_id": sid, "from": (day - timedelta(days=1)).isoformat(), "to": day.isoformat()}

        def aggregate():
            r = c.get("/api/v1/stats/aggregate", params=span, headers=key)
            assert r.status_code == 200, r.text
            return r.json()

        # Visits: Firefox 0-6 min (2 pageviews, 6 min), Firefox at 45 (bounce), Chrome 10-11 (engaged, 1 min).
        expected = {"visits": 3, "bounce_rate": 33.3, "visit_duration": 140.0, "views_per_visit": 1.33}
        got = wait_for(lambda: aggregate().get("visits") == 3, timeout=30)
        assert got, aggregate()
        numbers = aggregate()
        assert {k: numbers[k] for k in expected} == expected and numbers["pageviews"] == 4

        entry = c.get("/api/v1/stats/breakdown", params={**span, "property": "entry_page"}, headers=key).json()
        assert [(r["entry_page"], r["visitors"], r["visits"]) for r in entry] == [
            ("/landing", 2, 2), ("/pricing", 1, 1)]
        exits = c.get("/api/v1/stats/breakdown", params={**span, "property": "exit_page"}, headers=key).json()
        assert [(r["exit_page"], r["visits"]) for r in exits] == [("/pricing", 2), ("/landing", 1)]

        series = c.get("/api/v1/stats/timeseries", headers=key, params={
            **span, "interval": "day", "metrics": "pageviews,visitors,visits,bounce_rate,visit_duration"}).json()
        assert series["timezone"] == "Europe/Berlin" and len(series["results"]) == 2
        assert series["results"][0] == {"bucket": span["from"], "pageviews": 0, "visitors": 0, "visits": 0,
                                        "bounce_rate": 0.0, "visit_duration": 0.0}
        assert series["results"][1] == {"bucket": span["to"], "pageviews": 4, "visitors": 2, "visits": 3,
                                        "bounce_rate": 33.3, "visit_duration": 140.0}
        hourly = c.get("/api/v1/stats/timeseries", headers=key, params={**span, "interval": "hour"}).json()
        assert len(hourly["results"]) in (47, 48, 49) and sum(p["pageviews"] for p in hourly["results"]) == 4
        assert c.get("/api/v1/stats/timeseries", headers=key,
                     params={**span, "metrics": "nope"}).status_code == 400

        pages = c.get("/api/v1/stats/engagement", params=span, headers=key).json()
        assert [(p["pathname"], p["avg_time_on_page"], p["scroll_milestones"]) for p in pages] == [
            ("/landing", 5.0, {"25": 100.0, "50": 0.0, "75": 0.0, "100": 0.0}),
            ("/pricing", 20.0, {"25": 100.0, "50": 100.0, "75": 100.0, "100": 0.0})]

        assert c.get("/api/v1/sessions/settings", params={"site_id": sid}, headers=key).json() == {
            "timeout_min": 30, "overridden": False}
        put = c.put("/api/v1/sessions/settings", params={"site_id": sid}, headers=key, json={"timeout_min": 45})
        assert put.json() == {"timeout_min": 45, "overridden": True}
        assert c.put("/api/v1/sessions/settings", params={"site_id": sid}, headers=key,
                     json={"timeout_min": 0}).status_code == 422
        assert c.get("/api/v1/sessions/settings", params={"site_id": sid}).status_code == 401

    service.stop()  # chDB allows one process per data directory: read the log once the service is down
    time.sleep(0.2)
    rows = query_events_log(service, "SELECT pathname, type, session_id FROM events WHERE site_id = %(site_id)s "
                                     "ORDER BY ts_ms", sid)
    sessions = [int(r[2]) for r in rows]
    assert len(rows) == 6 and 0 not in sessions
    firefox_first, firefox_second, chrome = sessions[0], sessions[5], sessions[3]
    assert sessions[:3] == [firefox_first] * 3 and sessions[4] == chrome
    assert len({firefox_first, firefox_second, chrome}) == 3
