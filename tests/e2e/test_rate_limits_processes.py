"""Rate limits across two real API processes (`utrack serve` twice) sharing one Redis: each limit
holds in sum, every 429 carries its headers, and every event answered 202 is stored exactly once.
(tests/integration/core/test_rate_limits.py covers the same rules with two apps in one process.)"""

import pytest

from tests.e2e.harness import query_events_log, two_api_processes, wait_for

SITE_EVENTS = 10
API_REQUESTS = 4


@pytest.fixture
def two_processes(server_settings, tmp_path):
    limits = {"UT_RATE_LIMIT_SITE_EVENTS": f"{SITE_EVENTS}/hour", "UT_RATE_LIMIT_API": f"{API_REQUESTS}/hour"}
    with two_api_processes(server_settings, tmp_path, limits) as services:
        yield services


def _assert_429(response, limit: int) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["detail"].startswith("rate limit exceeded")
    assert 1 <= int(response.headers["Retry-After"]) <= 3600
    assert response.headers["RateLimit-Limit"] == str(limit)
    assert response.headers["RateLimit-Remaining"] == "0"
    assert response.headers["RateLimit-Policy"] == f"{limit};w=3600"


def _batch(http, site_id: str, n: int, tag: str):
    events = [{"site_id": site_id, "type": "pageview", "url": f"https://shop.example/{tag}/{i}"}
              for i in range(n)]
    return http.post("/collect/batch", json={"events": events},
                     headers={"User-Agent": f"visitor-{tag}"})


def test_the_site_events_and_api_limits_hold_in_sum_across_two_processes(two_processes):
    first, second, site = two_processes
    sid = site["site_id"]
    with first.client() as a, second.client() as b:
        answers = [_batch(a, sid, 3, "a1"), _batch(b, sid, 3, "b1"), _batch(a, sid, 3, "a2"),
                   _batch(b, sid, 3, "b2")]  # 3 + 3 + 3 = 9 accepted; the fourth would make 12 > 10
        assert [r.status_code for r in answers] == [202, 202, 202, 429]
        _assert_429(answers[3], SITE_EVENTS)
        assert sum(r.json()["accepted"] for r in answers[:3]) == 9
        _assert_429(_batch(a, sid, 1, "a3"), SITE_EVENTS)  # a refused request counts too: 13 > 10

        goals = f"/api/v1/sites/{sid}/goals"
        key = {"X-API-Key": site["secret_key"]}
        reads = [(a, b)[i % 2].get(goals, headers=key) for i in range(API_REQUESTS + 1)]
        assert [r.status_code for r in reads] == [200] * API_REQUESTS + [429]
        _assert_429(reads[-1], API_REQUESTS)

        limited = [line for c in (a, b) for line in c.get("/metrics").text.splitlines()
                   if line.startswith("ut_http_rate_limited_total{")]
        total = {kind: sum(float(line.rsplit(" ", 1)[1]) for line in limited if f'limit="{kind}"' in line)
                 for kind in ("site_events", "api_key")}
        assert total == {"site_events": 2.0, "api_key": 1.0}

    sql = "SELECT count(), uniqExact(event_id) FROM events WHERE site_id = %(site_id)s"
    stored = wait_for(lambda: (rows := query_events_log(first, sql, sid)) and rows[0] == ["9", "9"] and rows,
                      timeout=30)
    assert stored == [["9", "9"]]  # every accepted event, once; none of the refused ones
