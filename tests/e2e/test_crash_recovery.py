"""An event answered 202 survives a SIGKILL of the server and is stored exactly once after restart."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.e2e.harness import Service, query_events_log, wait_for

ORIGIN = {"Origin": "https://shop.example"}
REQUESTS, PER_REQUEST = 60, 25


def _post_batch(service: Service, n: int) -> int:
    sid = service.site["site_id"]
    events = [{"site_id": sid, "type": "pageview", "url": f"https://shop.example/p/{n}/{i}"}
              for i in range(PER_REQUEST)]
    with service.client() as c:
        r = c.post("/collect/batch", json={"events": events},
                   headers={**ORIGIN, "User-Agent": f"crash-test/{n % 7}"})
    return r.json()["accepted"] if r.status_code == 202 else 0


def test_sigkill_right_after_202_loses_nothing_and_duplicates_nothing(service, store_settings, tmp_path):
    with ThreadPoolExecutor(max_workers=4) as pool:
        accepted = sum(pool.map(lambda n: _post_batch(service, n), range(REQUESTS)))
    service.kill()  # immediately: the worker is mid-way through the backlog
    assert accepted == REQUESTS * PER_REQUEST

    restarted = Service(store_settings, tmp_path / "restarted.log")
    restarted.site = service.site
    restarted.start()
    site = service.site
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    params = {"site_id": site["site_id"], "from": today, "to": today}

    def pageviews() -> int:
        with restarted.client() as c:
            r = c.get("/api/v1/stats/aggregate", params=params, headers={"X-API-Key": site["secret_key"]})
            return r.json()["pageviews"]

    try:
        wait_for(lambda: pageviews() >= accepted, timeout=60)
        assert pageviews() == accepted
        restarted.stop()
        rows = query_events_log(restarted, "SELECT count(), uniqExact(event_id) FROM events "
                                           "WHERE site_id = %(site_id)s", site["site_id"])
        assert rows == [[str(accepted), str(accepted)]], "each accepted event exactly once in the log"
    finally:
        restarted.stop()
