"""Data rights on both store sets, through the API and the real worker: a visitor, a session and a
user are deleted from every module's tables; a whole site is deleted and a scan of every store
(every ClickHouse table, every real-time key and the buffer, every transactional table, the disk
buffer's files) finds none of its rows, while another site's data is untouched."""

import time
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from bootstrap.app import create_app
from bootstrap.migrate import migrate_all
from tracking.export.settings import ExportModuleSettings

AUDIT = {"export_deletions"}  # the deletion audit outlives the site by design (README "Data rights")


@pytest.fixture(params=["embedded", "servers"])
def service(request, tmp_path):
    fixture = {"embedded": "embedded_settings", "servers": "server_settings"}[request.param]
    settings = request.getfixturevalue(fixture).model_copy(update={"worker_enabled": False})
    migrate_all(settings)
    app = create_app(settings, module_settings={"export": ExportModuleSettings(export_local_root=tmp_path / "x")})
    c = app.state.container
    c.core.core_data().tenancy_cache_s = 0.5  # the wait covers the tenancy cache of every API process
    with TestClient(app) as client:
        yield client, c, settings


def seed(client, c, domain: str) -> dict:
    """A site with data in every module: pageviews, custom events, engagement, vitals, an order,
    identified server events, and per-site settings of every module that has some."""
    site = c.core.tenancy().create_site(domain=domain)
    sid, auth = site.site_id, {"X-API-Key": site.secret_key}
    origin = {"Origin": f"https://{domain}"}
    for visitor in range(3):
        ua = {"User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) Visitor/{visitor}.0"}
        events = [{"site_id": sid, "type": "pageview", "url": f"https://{domain}/p{i}"} for i in range(3)]
        events += [{"site_id": sid, "type": "event", "name": "signup", "url": f"https://{domain}/p0",
                    "props": {"plan": "pro"}},
                   {"site_id": sid, "type": "engagement", "url": f"https://{domain}/p0", "engaged_ms": 1200,
                    "scroll_depth": 60},
                   {"site_id": sid, "type": "vitals", "url": f"https://{domain}/p0", "name": "LCP", "value": 1800,
                    "id": f"v-{uuid.uuid4()}"},
                   {"site_id": sid, "type": "ecommerce", "name": "purchase", "url": f"https://{domain}/thanks",
                    "ecommerce": {"order_id": f"O-{visitor}", "currency": "EUR", "value": "9.90",
                                  "items": [{"item_id": "SKU-1", "price": "9.90"}]}}]
        r = client.post("/collect/batch", headers={**origin, **ua}, json={"events": events})
        assert r.status_code == 202 and r.json()["rejected"] == [], r.text
    assert client.put(f"/api/v1/sites/{sid}/meta-capi", headers=auth, json={
        "pixel_id": "123456", "access_token": "EAAB-token-0123456789", "event_mapping": {"pageview": "PageView"}}
    ).status_code == 200
    server = [{"eventName": "page_view", "userId": "customer-42", "url": f"https://{domain}/account",
               "ip": "198.51.100.9", "userAgent": "Mozilla/5.0 Server"} for _ in range(2)]
    assert client.post("/api/v1/events", headers=auth, json=server).status_code == 202
    assert client.post(f"/api/v1/sites/{sid}/goals", headers=auth, json={"event_name": "signup"}).status_code == 201
    assert client.post(f"/api/v1/sites/{sid}/share-tokens", headers=auth, json={"label": "tv"}).status_code == 201
    assert client.put("/api/v1/sessions/settings", params={"site_id": sid}, headers=auth,
                      json={"timeout_min": 20}).status_code == 200
    assert client.put(f"/api/v1/sites/{sid}/currency-rates", headers=auth,
                      json={"reporting_currency": "EUR", "rates": {"USD": "0.9"}}).status_code == 200
    assert client.post(f"/api/v1/sites/{sid}/exports", headers=auth, json={"kind": "local", "path": sid}
                       ).status_code == 201
    assert client.put(f"/api/v1/sites/{sid}/retention", headers=auth, json={"days": 400}).status_code == 200
    c.core.worker().drain()
    return {"site_id": sid, "auth": auth}


def clickhouse_counts(c, site_id: str) -> dict[str, int]:
    store = c.core.analytics()
    out = {}
    for (table,) in store.query("SHOW TABLES"):
        cols = {name for (name,) in store.query(
            "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = %(t)s", {"t": table})}
        if "site_id" in cols and not table.startswith(".inner"):
            out[table] = store.query(f"SELECT count() FROM {table} WHERE site_id = %(s)s", {"s": site_id})[0][0]
    return out


def transactional_hits(c, site_id: str) -> dict[str, int]:
    engine = c.core.engine()
    hits = {}
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            rows = [str(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{table}"'))]
            n = sum(site_id in r for r in rows)
            if n:
                hits[table] = n
    return hits


def realtime_hits(c, settings, site_id: str) -> list:
    r = c.core.redis()
    keys = [k for k in r.scan_iter(match=f"*{site_id}*", count=1000)]
    stream = [e for e in r.xrange(settings.buffer_stream) if site_id.encode() in repr(e).encode()] \
        if r.exists(settings.buffer_stream) else []
    return keys + stream


def disk_buffer_hits(settings, site_id: str) -> list[str]:
    folder = settings.data_dir / "buffer"
    return [p.name for p in folder.glob("*") if p.is_file() and site_id.encode() in p.read_bytes()] \
        if folder.exists() else []


def wait_until(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if not value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_a_deleted_site_leaves_no_row_in_any_store(service):
    client, c, settings = service
    gone = seed(client, c, f"gone-{uuid.uuid4().hex[:6]}.example")
    kept = seed(client, c, f"kept-{uuid.uuid4().hex[:6]}.example")
    before = clickhouse_counts(c, gone["site_id"])
    assert before["events"] == 3 * 7 + 2
    # page_analytics_pageviews and sessions_summary are retired projections (no longer written): the
    # scan still covers them, for the rows older versions wrote.
    assert all(before[t] > 0 for t in ("visits", "sessions_engagement", "ecommerce_orders",
                                       "ecommerce_items", "web_vitals_measurements"))
    assert set(transactional_hits(c, gone["site_id"])) >= {"core_sites", "core_api_keys", "core_goals",
                                                          "core_user_keys", "meta_capi_pixels", "meta_capi_outbox",
                                                          "active_users_share_tokens", "sessions_site_settings",
                                                          "ecommerce_orders", "export_destinations"}
    kept_before = clickhouse_counts(c, kept["site_id"])

    r = client.delete(f"/api/v1/sites/{gone['site_id']}", headers=gone["auth"])
    assert r.status_code == 200 and r.json()["flushed"] is True, r.text
    assert client.get(f"/api/v1/sites/{gone['site_id']}/exports", headers=gone["auth"]).status_code == 401

    assert wait_until(lambda: {t: n for t, n in clickhouse_counts(c, gone["site_id"]).items() if n}) == {}
    assert set(transactional_hits(c, gone["site_id"])) == AUDIT
    assert realtime_hits(c, settings, gone["site_id"]) == []
    assert disk_buffer_hits(settings, gone["site_id"]) == []
    assert clickhouse_counts(c, kept["site_id"]) == kept_before
    audit = client.get(f"/api/v1/sites/{kept['site_id']}/deletions", headers=kept["auth"]).json()
    assert audit == []


def test_visitor_session_and_user_deletions_reach_every_module(service):
    client, c, _ = service
    site = seed(client, c, f"rights-{uuid.uuid4().hex[:6]}.example")
    sid, auth = site["site_id"], site["auth"]
    store = c.core.analytics()
    by_visitor = dict(store.query("SELECT visitor_id, count() FROM events WHERE site_id = %(s)s AND user_id = '' "
                                  "GROUP BY visitor_id", {"s": sid}))
    assert sorted(by_visitor.values()) == [7, 7, 7]
    visitor, other, third = sorted(by_visitor)
    r = client.delete(f"/api/v1/sites/{sid}/visitors/{visitor}", headers=auth)
    assert r.status_code == 200 and r.json()["removed"] > 7
    (session,) = store.query("SELECT DISTINCT session_id FROM events WHERE site_id = %(s)s AND visitor_id = %(v)s",
                             {"s": sid, "v": other})[0]
    assert client.delete(f"/api/v1/sites/{sid}/sessions/{session}", headers=auth).status_code == 200
    exported = client.get(f"/api/v1/sites/{sid}/users/customer-42/events", headers=auth).json()["events"]
    assert len(exported) == 2 and all(e["url"].endswith("/account") and e["name"] == "pageview" for e in exported)
    assert client.delete(f"/api/v1/sites/{sid}/users/customer-42", headers=auth).json()["removed"] >= 2

    def left(table: str, column: str, value) -> int:
        return store.query(f"SELECT count() FROM {table} WHERE site_id = %(s)s AND {column} = %(v)s",
                           {"s": sid, "v": value})[0][0]

    def remaining():
        counts = {(t, col): left(t, col, v) for t, col, v in (
            ("events", "visitor_id", visitor), ("page_analytics_pageviews", "visitor_id", visitor),
            ("sessions_summary", "visitor_id", visitor), ("sessions_engagement", "visitor_id", visitor),
            ("ecommerce_orders", "visitor_id", visitor), ("ecommerce_items", "visitor_id", visitor),
            ("visits", "visitor_id", visitor), ("events", "session_id", session),
            ("sessions_summary", "session_id", session), ("events", "visitor_id", other))}
        return {k: n for k, n in counts.items() if n}

    assert wait_until(remaining) == {}
    assert left("events", "visitor_id", third) == 7  # the third visitor is untouched
    assert wait_until(lambda: client.get(f"/api/v1/sites/{sid}/users/customer-42/events",
                                         headers=auth).json()["events"]) == []
    audit = client.get(f"/api/v1/sites/{sid}/deletions", headers=auth).json()
    assert [a["scope"] for a in audit] == ["user", "session", "visitor"]
    assert "customer-42" not in str(audit) and audit[0]["requested_by"].startswith("key:sk_")


def test_retention_cuts_every_modules_rows_of_the_days_it_passes(service):
    """Retention reaches the modules' own tables (core.modules.Eraser.erase_before), not only the
    events log: 401 days on, a 400-day retention leaves none of the site's event-derived rows."""
    client, c, settings = service
    cut = seed(client, c, f"cut-{uuid.uuid4().hex[:6]}.example")  # retention 400 days
    kept = seed(client, c, f"kept-{uuid.uuid4().hex[:6]}.example")
    assert client.put(f"/api/v1/sites/{kept['site_id']}/retention", headers=kept["auth"],
                      json={"days": 3650}).status_code == 200
    before, kept_before = clickhouse_counts(c, cut["site_id"]), clickhouse_counts(c, kept["site_id"])
    derived = ("events", "visits", "sessions_engagement", "ecommerce_events", "ecommerce_orders", "ecommerce_items",
               "web_vitals_measurements")
    assert all(before[t] > 0 for t in derived), before
    ledger_before = transactional_hits(c, cut["site_id"])
    assert ledger_before.get("ecommerce_orders", 0) == 3

    c.export.rights.reset()
    rights = c.export.rights(clock=lambda: time.time() + 401 * 86_400)
    done = rights.apply_retention()
    # (sites of earlier tests on the shared servers are cut too: they have 400 days as well)
    assert kept["site_id"] not in done and done[cut["site_id"]] >= sum(before[t] for t in derived)

    assert wait_until(lambda: {t: n for t, n in clickhouse_counts(c, cut["site_id"]).items() if n}) == {}
    after = transactional_hits(c, cut["site_id"])
    assert "ecommerce_orders" not in after  # the order ledger's rows of those days too
    assert after["core_sites"] == ledger_before["core_sites"]  # the site and its settings stay
    assert clickhouse_counts(c, kept["site_id"]) == kept_before
    assert transactional_hits(c, kept["site_id"]).get("ecommerce_orders") == 3
