"""Two API processes on the server stores (one of them without a worker) stream the same numbers:
the worker publishes each change once on Redis pub/sub, and every process relays the same message."""

import pytest

from tests.e2e.harness import two_api_processes
from tests.e2e.live import SseReader


@pytest.fixture
def two_processes(server_settings, tmp_path):
    with two_api_processes(server_settings, tmp_path) as (first, second, site):
        yield first, second, site
    import redis

    client = redis.Redis.from_url(server_settings.redis_url)
    keys = list(client.scan_iter(match=f"active_users:{site['site_id']}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def _numbers(message) -> tuple:
    d = message.data
    return d["visitors"], d["top_pages"], d["countries"], d["devices"]


def test_two_api_processes_serve_the_same_stream_numbers(two_processes):
    first, second, site = two_processes
    auth = ({"site_id": site["site_id"]}, {"X-API-Key": site["secret_key"]})
    presence = [SseReader(f"{svc.url}/presence/stream", *auth) for svc in (first, second)]
    feeds = [SseReader(f"{svc.url}/events/stream", {**auth[0], "backlog": 0}, auth[1]) for svc in (first, second)]
    try:
        for reader in presence:
            assert reader.next().data["visitors"] == 0
        for n, (svc, path) in enumerate([(first, "/warm-up"), (second, "/via-second")], start=1):
            with svc.client() as http:  # the second process has no worker: the first one's does the work
                resp = http.post("/collect/pageview", json={"site_id": site["site_id"],
                                                             "url": f"https://shop.example{path}"},
                                 headers={"User-Agent": f"visitor-{n}"})
                assert resp.status_code == 202
            updates = [r.until(lambda m, n=n: m.data["visitors"] == n, timeout=15) for r in presence]
            assert _numbers(updates[0]) == _numbers(updates[1])
            # Both relay the worker's publication as the very same message, id included (each process
            # may also push its own EMA refresh, which can supersede it in a presence client's queue).
            seen = [{m.id: m.data for m in (u, *r.drain_for(1.0))} for u, r in zip(updates, presence, strict=True)]
            assert all(seen[0][i] == seen[1][i] for i in set(seen[0]) & set(seen[1]))
            events = [f.until(lambda m: m.event == "event", timeout=15) for f in feeds]
            assert events[0].data == events[1].data and events[0].data["pathname"] == path
        assert {p["pathname"] for p in updates[0].data["top_pages"]} == {"/warm-up", "/via-second"}
        snapshots = []
        for svc in (first, second):
            with svc.client() as http:
                snapshots.append(http.get("/presence", params=auth[0], headers=auth[1]).json())
        assert [(s["visitors"], s["top_pages"]) for s in snapshots] == [(2, updates[0].data["top_pages"])] * 2
    finally:
        for reader in (*presence, *feeds):
            reader.close()
