"""Real time through the real service, on both store sets: presence within a second of a pageview
and gone after the window, the live feed over SSE and WebSocket, Last-Event-ID, keep-alives, and
read access (secret key or share token) that never shows one site another's data."""

import asyncio
import time

import httpx
import orjson
import pytest
import websockets

from tests.e2e.harness import Service
from tests.e2e.live import SseReader

WINDOW_S = 3
FEED_KEYS = {"id", "type", "name", "pathname", "country", "device_type", "ts"}


@pytest.fixture
def live_service(store_settings, tmp_path):
    svc = Service(store_settings, tmp_path / "service.log")
    svc.env.update({"UT_PRESENCE_WINDOW_S": str(WINDOW_S), "UT_LIVE_PING_S": "1"})
    svc.migrate()
    svc.site = svc.create_site(domain="shop.example", timezone="Europe/Berlin")
    svc.other = svc.create_site(domain="other.example")
    svc.start()
    yield svc
    svc.stop()
    if store_settings.redis_url:
        import redis

        client = redis.Redis.from_url(store_settings.redis_url)
        for site in (svc.site, svc.other):
            keys = list(client.scan_iter(match=f"active_users:{site['site_id']}:*"))
            if keys:
                client.delete(*keys)
        client.close()


def _pageview(http: httpx.Client, site: dict, path: str, ua: str) -> None:
    resp = http.post("/collect/pageview", json={"site_id": site["site_id"], "url": f"https://{site['domain']}{path}"},
                     headers={"User-Agent": ua})
    assert resp.status_code == 202, resp.text


def _auth_is_enforced(http: httpx.Client, a: dict, b: dict) -> str:
    """Returns a share token of site a, after checking who may read what."""
    params = {"site_id": a["site_id"]}
    assert http.get("/presence", params=params).status_code == 401
    # Another site's secret key: that site only, so this one reads as unknown (no existence leak).
    assert http.get("/presence", params=params, headers={"X-API-Key": b["secret_key"]}).status_code == 404
    assert http.get("/presence", params=params, headers={"X-API-Key": a["public_key"]}).status_code == 403
    assert http.post(f"/api/v1/sites/{a['site_id']}/share-tokens", json={"label": "tv"},
                     headers={"X-API-Key": b["secret_key"]}).status_code == 404
    created = http.post(f"/api/v1/sites/{a['site_id']}/share-tokens", json={"label": "tv"},
                        headers={"X-API-Key": a["secret_key"]})
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    assert http.get("/presence", params={**params, "token": token}).status_code == 200
    assert http.get("/presence", params={"site_id": b["site_id"], "token": token}).status_code == 403
    assert http.get("/presence", params={**params, "token": "st_forged"}).status_code == 401
    assert http.get("/api/v1/stats/aggregate", params={**params, "from": "2026-01-01", "to": "2026-01-01",
                                                        "token": token}).status_code == 401  # stats: no
    return token


async def _ws_frames(url: str, n: int) -> list[dict]:
    async with websockets.connect(url) as ws:
        return [orjson.loads(await asyncio.wait_for(ws.recv(), 5)) for _ in range(n)]


async def _ws_refused(url: str) -> bool:
    try:
        async with websockets.connect(url) as ws:
            await asyncio.wait_for(ws.recv(), 5)
    except websockets.InvalidStatus as exc:
        return exc.response.status_code == 403
    return False


def test_presence_and_the_live_feed_end_to_end(live_service):
    svc, a, b = live_service, live_service.site, live_service.other
    http = svc.client()
    token = _auth_is_enforced(http, a, b)
    b_token = http.post(f"/api/v1/sites/{b['site_id']}/share-tokens", headers={"X-API-Key": b["secret_key"]}).json()[
        "token"]
    ws_base = svc.url.replace("http", "ws") + "/events/ws"
    assert asyncio.run(_ws_refused(f"{ws_base}?site_id={b['site_id']}&token={token}"))

    presence_a = SseReader(f"{svc.url}/presence/stream", {"site_id": a["site_id"], "token": token})
    presence_b = SseReader(f"{svc.url}/presence/stream", {"site_id": b["site_id"]}, {"X-API-Key": b["secret_key"]})
    feed_a = SseReader(f"{svc.url}/events/stream", {"site_id": a["site_id"], "token": token})
    readers = (presence_a, presence_b, feed_a)
    try:
        assert all(r.status == 200 for r in readers)
        first = presence_a.next()
        assert (first.event, first.data["visitors"], first.retry) == ("snapshot", 0, 3000)
        # Site b's visitor first (it also warms the pipeline: the first event after a start loads the
        # lazy parts, e.g. the GeoIP and user-agent databases).
        _pageview(http, b, "/b-only", "ua-b")
        presence_b.until(lambda m: m.data["visitors"] == 1, timeout=15)

        sent = time.perf_counter()
        _pageview(http, a, "/pricing", "ua-one")
        seen = presence_a.until(lambda m: m.data["visitors"] == 1)
        assert seen.at - sent < 1.0, f"presence took {seen.at - sent:.3f}s"
        assert seen.data["top_pages"] == [{"pathname": "/pricing", "visitors": 1}]
        assert seen.data["window_s"] == WINDOW_S and int(seen.id) > int(first.id)

        event = feed_a.until(lambda m: m.event == "event")
        assert set(event.data) == FEED_KEYS and event.id == event.data["id"]
        assert (event.data["type"], event.data["pathname"]) == ("pageview", "/pricing")
        frames = asyncio.run(_ws_frames(f"{ws_base}?site_id={a['site_id']}&token={token}&backlog=1", 1))
        assert frames == [{"event": "event", "id": event.id, "data": event.data}]  # the same message

        # Resuming: presence sends the current snapshot with a newer id; the feed only what is new.
        again = SseReader(f"{svc.url}/presence/stream", {"site_id": a["site_id"], "token": token},
                          {"Last-Event-ID": seen.id})
        resumed = SseReader(f"{svc.url}/events/stream", {"site_id": a["site_id"], "token": token},
                            {"Last-Event-ID": event.id})
        readers += (again, resumed)
        snap = again.next()
        assert snap.event == "snapshot" and int(snap.id) > int(seen.id) and snap.data["visitors"] == 1
        last_activity = time.perf_counter()
        _pageview(http, a, "/checkout", "ua-two")
        assert resumed.next().data["pathname"] == "/checkout"  # not /pricing again
        assert presence_a.until(lambda m: m.data["visitors"] == 2).data["top_pages"] == [
            {"pathname": "/checkout", "visitors": 1}, {"pathname": "/pricing", "visitors": 1}]

        # Both visitors leave the window; the stream says so on its own.
        gone = presence_a.until(lambda m: m.data["visitors"] == 0, timeout=WINDOW_S + 4)
        assert WINDOW_S - 0.1 < gone.at - last_activity < WINDOW_S + 2.5
        assert any(c.startswith(": ping") for c in presence_a.comments)  # keep-alives (UT_LIVE_PING_S=1)

        # Neither site saw the other's visitors, pages or events.
        a_pages = {p["pathname"] for m in [first, seen, *presence_a.drain()] for p in m.data["top_pages"]}
        b_pages = {p["pathname"] for m in presence_b.drain() for p in m.data["top_pages"]}
        assert a_pages <= {"/pricing", "/checkout"} and b_pages <= {"/b-only"}
        b_frames = asyncio.run(_ws_frames(f"{ws_base}?site_id={b['site_id']}&token={b_token}&backlog=10", 1))
        assert [f["data"]["pathname"] for f in b_frames] == ["/b-only"]

        # Revoking a share token closes the door to it (listed first: only its prefix is shown).
        b_auth = {"X-API-Key": b["secret_key"]}
        listed = http.get(f"/api/v1/sites/{b['site_id']}/share-tokens", headers=b_auth).json()
        assert [t["prefix"] for t in listed] == [b_token[:7]] and "token" not in listed[0]
        assert http.delete(f"/api/v1/sites/{a['site_id']}/share-tokens/{listed[0]['id']}",
                           headers={"X-API-Key": a["secret_key"]}).status_code == 404  # not a's token
        assert http.delete(f"/api/v1/sites/{b['site_id']}/share-tokens/{listed[0]['id']}",
                           headers=b_auth).status_code == 204
        assert http.get("/presence", params={"site_id": b["site_id"], "token": b_token}).status_code == 401
    finally:
        for reader in readers:
            reader.close()
