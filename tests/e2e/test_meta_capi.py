"""Meta CAPI end to end: the real service forwards consented events to a fake Graph API over HTTP,
the token never comes back from the API or shows in a log, and the user's raw data and ip/UA are
in no store (ClickHouse, Redis, Postgres/SQLite tables, buffer files) nor the log afterwards."""

import hashlib
import uuid
from pathlib import Path

import pytest

from tests.e2e.harness import Service, wait_for
from tests.e2e.test_privacy import _clickhouse_dump, _database_dump, _redis_dump
from tests.integration.tracking.meta_capi.fake_graph import FakeGraph

TOKEN = "EAAB-e2e-secret-token-QWERTY-9876"
EMAIL, PHONE = "Capi.Probe@Example.org", "+49 151 2468013579"
UA, IP = "Mozilla/5.0 CapiProbe/7.7.7", "198.51.100.99"
SECRETS = (TOKEN, "QWERTY", "capi.probe", "Capi.Probe", "2468013579", "CapiProbe", IP)


@pytest.fixture
def graph():
    fake = FakeGraph()
    yield fake
    fake.close()


def test_forwarding_end_to_end_keeps_token_and_pii_out_of_every_store_and_log(store_settings, tmp_path, graph):
    svc = Service(store_settings, tmp_path / "service.log")
    svc.env.update({"UT_META_GRAPH_BASE": graph.url, "UT_META_SEND_INTERVAL_MS": "50", "UT_LOG_LEVEL": "info"})
    svc.migrate()
    site = svc.create_site(domain="shop.example")
    sid, key = site["site_id"], {"X-API-Key": site["secret_key"]}
    svc.start()
    try:
        with svc.client() as c:
            r = c.put(f"/api/v1/sites/{sid}/meta-capi", headers=key,
                      json={"pixel_id": "1234567890", "access_token": TOKEN, "test_event_code": "TEST1"})
            assert r.status_code == 200 and TOKEN not in r.text and r.json()["access_token_last4"] == "9876"
            got = c.get(f"/api/v1/sites/{sid}/meta-capi", headers=key)
            assert got.json()["has_access_token"] is True and TOKEN not in got.text
            assert c.get(f"/api/v1/sites/{sid}/meta-capi", headers={"X-API-Key": site["public_key"]}
                         ).status_code == 403
            browser_id = str(uuid.uuid4())
            r = c.post("/collect/event", headers={"Origin": "https://shop.example", "User-Agent": UA},
                       json={"site_id": sid, "name": "add_to_cart", "event_id": browser_id,
                             "consent": {"marketing": True}})
            assert r.status_code == 202
            r = c.post("/collect/event", headers={"Origin": "https://shop.example", "User-Agent": UA},
                       json={"site_id": sid, "name": "add_to_cart", "consent": {"marketing": False}})
            assert r.status_code == 202
            r = c.post("/api/v1/events", headers=key,
                       json={"userId": "cust-9", "eventName": "purchase", "ip": IP, "userAgent": UA,
                             "user": {"email": EMAIL, "phone": PHONE}, "url": "https://shop.example/thanks"})
            assert r.status_code == 202
            assert wait_for(lambda: len(graph.events()) == 2, timeout=30)
            assert wait_for(lambda: c.get(f"/api/v1/sites/{sid}/meta-capi/deliveries", headers=key)
                            .json()["counts"] == {"delivered": 2}, timeout=30)
            status = c.get(f"/api/v1/sites/{sid}/meta-capi/deliveries", headers=key)
            assert TOKEN not in status.text and status.json()["recent_requests"]
            assert "ut_meta_capi_events_total{outcome=\"sent\"} 2.0" in c.get("/metrics").text
            assert wait_for(lambda: c.get("/ready").json()["buffer_backlog"] == 0, timeout=30)
    finally:
        svc.stop()

    by_name = {e["event_name"]: e for e in graph.events()}
    assert by_name["AddToCart"]["event_id"] == browser_id  # the pixel's eventID: Meta deduplicates
    assert by_name["AddToCart"]["user_data"]["client_user_agent"] == UA
    purchase = by_name["Purchase"]["user_data"]
    assert purchase["em"] == [hashlib.sha256(b"capi.probe@example.org").hexdigest()]
    assert purchase["ph"] == [hashlib.sha256(b"491512468013579").hexdigest()]
    assert (purchase["client_ip_address"], purchase["client_user_agent"]) == (IP, UA)
    assert {r["body"]["access_token"] for r in graph.requests} == {TOKEN}

    stored = [_clickhouse_dump(svc)]
    if store_settings.redis_url:
        stored.append(_redis_dump(store_settings.redis_url))
    if store_settings.database_url:
        stored.append(_database_dump(store_settings.database_url))
    stored_text = "\n".join(stored)
    assert "add_to_cart" in stored_text  # the dumps did read the rows
    for secret in SECRETS:
        assert secret not in stored_text, secret
    for path in [*Path(store_settings.data_dir).rglob("*"), svc.log_path]:
        if path.is_file() and "clickhouse" not in path.parts:
            data = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in data, f"{secret!r} found in {path}"


def test_partial_put_and_cli_set_keep_the_other_settings_and_cli_and_api_speak_the_same_keys(store_settings,
                                                                                            tmp_path):
    import json
    import subprocess

    from tests.e2e.harness import UTRACK

    svc = Service(store_settings, tmp_path / "service.log")
    svc.migrate()
    site = svc.create_site(domain="shop.example")
    sid, key = site["site_id"], {"X-API-Key": site["secret_key"]}
    mapping = {"purchase": "Purchase", "wishlist": "AddToWishlist"}
    out = subprocess.run([UTRACK, "meta-capi", "set", sid, "--pixel-id", "1234567890", "--token-stdin",
                          "--test-event-code", "TEST1", "--graph-version", "v22.0", "--ldu", "--ldu-state", "1000"],
                         input=TOKEN + "\n", env=svc.env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert TOKEN not in out.stdout
    svc.start()
    try:
        with svc.client() as c:
            base = f"/api/v1/sites/{sid}/meta-capi"
            first = c.get(base, headers=key).json()
            assert json.loads(out.stdout) == first  # the CLI prints what the API shows, key for key
            assert (first["test_event_code"], first["graph_version"], first["ldu"], first["ldu_state"]) == (
                "TEST1", "v22.0", True, 1000)
            r = c.put(base, headers=key, json={"event_mapping": mapping})  # no pixel_id, no token, no code
            assert r.status_code == 200, r.text
            assert r.json() == {**first, "event_mapping": mapping}
            r = c.put(base, headers=key, json={"test_event_code": "TEST2"})
            assert r.json() == {**first, "event_mapping": mapping, "test_event_code": "TEST2"}
            kept = c.get(base, headers=key).json()
            assert kept == r.json() and kept["has_access_token"] and kept["access_token_last4"] == "9876"

            cli_set = json.loads(svc.utrack("meta-capi", "set", sid, "--disabled"))
            assert cli_set == {**kept, "enabled": False, "active": False}
            assert wait_for(lambda: c.get(base, headers=key).json() == cli_set, timeout=10)
            cli_show = json.loads(svc.utrack("meta-capi", "show", sid))
            api_show = c.get(f"{base}/deliveries", headers=key).json()
            assert cli_show == api_show and cli_show["pixel"] == cli_set
            assert set(cli_show) == {"pixel", "counts", "recent_failures", "recent_requests", "user_data_left_out"}

            other = svc.create_site(domain="other.example")
            r = c.put(f"/api/v1/sites/{other['site_id']}/meta-capi", headers={"X-API-Key": other["secret_key"]},
                      json={"test_event_code": "X"})
            assert r.status_code == 400 and "pixel_id" in r.json()["detail"]
    finally:
        svc.stop()
