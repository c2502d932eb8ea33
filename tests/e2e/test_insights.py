"""Insights over real HTTP on both store sets: funnels saved and ad hoc, retention, a user's
journey, paths and the /api/v1/metrics alias, from server events with user ids and a browser
that called ut.identify(). Then every store, file and log line is scanned: no raw user id
(plain, e-mail or phone-shaped) is anywhere; only keyed pseudonyms are."""

import time
from pathlib import Path

from tests.e2e.harness import wait_for
from tests.e2e.test_privacy import _clickhouse_dump, _database_dump, _redis_dump

USERS = ("cust-rawqz-8842", "jane.insight@example.org", "+49 151 55577788")
BROWSER_USER = "cust-browserqz-7731"
# the ids and the parts of them no redaction would leave behind (no hex-like fragments: hashes hold those)
RAW = (*USERS, BROWSER_USER, "rawqz", "browserqz", "jane.insight", "151 55577788", "15155577788")
STEPS = [{"page": "/pricing"}, {"event": "signup"}, {"event": "purchase"}]


def test_insights_answer_over_http_and_no_raw_user_id_is_stored(service, store_settings):
    sid, key = service.site["site_id"], {"X-API-Key": service.site["secret_key"]}
    site = f"/api/v1/sites/{sid}"
    now = int(time.time() * 1000) - 600_000
    events = []
    for n, user in enumerate(USERS):  # the first two sign up, only the first purchases
        names = ["page_view", "signup", "purchase"][: 3 - n]
        events += [{"userId": user, "eventName": name, "timestamp": now + n * 1000 + i * 60_000,
                    "url": "https://shop.example/pricing" if name == "page_view" else ""}
                   for i, name in enumerate(names)]
    with service.client() as c:
        assert c.post("/api/v1/events", headers=key, json=events).status_code == 202
        browser = {"Origin": "https://shop.example", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Insight/1.0"}
        batch = [{"site_id": sid, "type": "pageview", "url": "https://shop.example/pricing", "ts": now},
                 {"site_id": sid, "type": "event", "name": "signup", "url": "https://shop.example/pricing",
                  "ts": now + 5_000, "user_id": BROWSER_USER}]
        assert c.post("/collect/batch", headers=browser, json={"events": batch}).json()["accepted"] == 2
        assert wait_for(lambda: c.get("/ready").json()["buffer_backlog"] == 0, timeout=30)

        saved = c.post(f"{site}/funnels", headers=key, json={"name": "Checkout", "steps": STEPS, "window_s": 3600})
        assert saved.status_code == 201, saved.text
        fid = saved.json()["id"]
        assert [f["name"] for f in c.get(f"{site}/funnels", headers=key).json()] == ["Checkout"]

        def counts(unit: str) -> list[int]:
            r = c.get(f"{site}/funnels/{fid}/analytics", headers=key, params={"date_range": "day", "unit": unit})
            assert r.status_code == 200, r.text
            return [s["count"] for s in r.json()["results"][0]["steps"]]

        # users: the three server users (the browser user's pageview came before identify);
        # visitors: the browser visitor too, whose pageview and signup share its daily hash
        assert wait_for(lambda: counts("users") == [3, 2, 1], timeout=30), counts("users")
        assert counts("visitors") == [4, 3, 1]
        adhoc = c.post(f"{site}/funnels/analytics", headers=key,
                       json={"steps": STEPS, "date_range": "day", "unit": "users", "order": "strict"}).json()
        assert [s["count"] for s in adhoc["results"][0]["steps"]] == [3, 2, 1] and "daily" in adhoc["note"]
        assert c.post(f"{site}/funnels/analytics", headers=key, json={"steps": STEPS[:1]}).status_code == 422
        bad = c.get(f"{site}/funnels/{fid}/analytics", headers=key, params={"breakdown": "visit:nope"})
        assert bad.status_code == 400 and "visit:nope" in bad.json()["detail"]
        assert c.get(f"{site}/funnels/{fid + 99}/analytics", headers=key).status_code == 404
        for path, params, says in [  # bad input is a 400 that names the problem, never a 500
                (f"{site}/funnels/{fid}/analytics", {"unit": "cats"}, "unit"),
                (f"{site}/funnels/{fid}/analytics", {"filters": "[oops"}, "filters"),
                (f"{site}/funnels/{fid}/analytics", {"filters": '[["is", "event:goal", ["x"]]]'}, "event:goal"),
                (f"{site}/funnels/{fid}/analytics", {"date_range": "fortnight"}, "date_range"),
                (f"{site}/retention/cohorts", {"cohort_event": "a", "return_event": "b", "period": "year"}, "period"),
                (f"{site}/paths", {"page": "/", "depth": 9}, "depth"),
                (f"{site}/paths", {}, "anchor"),
                ("/api/v1/metrics", {"site_id": sid, "event": "signup", "interval": "yearly"}, "interval")]:
            r = c.get(path, headers=key, params=params)
            assert r.status_code == 400 and says in r.json()["detail"], (path, params, r.text)
        assert c.get(f"{site}/funnels", headers={"X-API-Key": service.site["public_key"]}).status_code == 403

        r = c.get(f"{site}/retention/cohorts", headers=key,
                  params={"cohort_event": "signup", "return_event": "purchase", "period": "day", "periods": 1,
                          "date_range": "day"})
        assert r.status_code == 200, r.text
        assert [(x["size"], x["returned"]) for x in r.json()["cohorts"]] == [(3, [None])], r.json()  # tomorrow: not yet

        journey = c.get(f"{site}/users/{USERS[0]}/journey", headers=key, params={"date_range": "day"}).json()
        assert [e["name"] for v in journey["visits"] for e in v["events"]] == ["pageview", "signup", "purchase"]
        nobody = c.get(f"{site}/users/nobody-here/journey", headers=key, params={"date_range": "day"}).json()
        assert nobody["events"] == 0

        paths = c.get(f"{site}/paths", headers=key, params={"page": "/pricing", "depth": 2, "date_range": "day"}).json()
        assert paths["anchors"] == 4
        assert {tuple(n["steps"]): n["count"] for n in paths["levels"][0]} == {("event:signup",): 3}

        m = c.get("/api/v1/metrics", headers=key, params={"site_id": sid, "event": "signup", "interval": "daily",
                                                          "date_range": "day"})
        assert m.status_code == 200 and [(p["events"], p["visitors"]) for p in m.json()["results"]] == [(3, 3)]
    service.stop()
    assert '"secret_deleted": true' in service.utrack("sites", "forget-user-ids", sid)

    stored = [_clickhouse_dump(service)]
    if store_settings.redis_url:
        stored.append(_redis_dump(store_settings.redis_url))
    stored.append(_database_dump(store_settings.database_url or
                                 f"sqlite:///{Path(store_settings.data_dir) / 'utrack.sqlite3'}"))
    stored_text = "\n".join(stored)
    assert "signup" in stored_text and "Checkout" in stored_text  # the dumps did read the rows
    for raw in RAW:
        assert raw not in stored_text, raw
    for path in [*Path(store_settings.data_dir).rglob("*"), service.log_path]:
        if path.is_file() and "clickhouse" not in path.parts:  # ClickHouse parts are compressed: queried above
            data = path.read_bytes()
            for raw in RAW:
                assert raw.encode() not in data, f"{raw!r} found in {path}"
