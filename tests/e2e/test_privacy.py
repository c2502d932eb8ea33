"""The raw IP and user agent of a visitor are used at the edge and stored nowhere: not in the
buffer, not in any store, not in the log."""

from pathlib import Path

from tests.e2e.harness import query_events_log, wait_for

SECRET_UA = "Mozilla/5.0 PrivacyProbe/9.9.9-uniq"
SECRET_IP = "203.0.113.77"


def test_no_raw_ip_or_user_agent_reaches_any_store_or_log(service, store_settings):
    site = service.site
    with service.client() as c:
        r = c.post("/collect/pageview", json={"site_id": site["site_id"], "url": "https://shop.example/p"},
                   headers={"Origin": "https://shop.example", "User-Agent": SECRET_UA})
        assert r.status_code == 202
        r = c.post("/api/v1/events", headers={"X-API-Key": site["secret_key"]},
                   json={"userId": "u1", "eventName": "page_view", "ip": SECRET_IP, "userAgent": SECRET_UA,
                         "url": "https://shop.example/server"})
        assert r.status_code == 202
        # backlog 0 means written to the log and published to the modules (ack comes last)
        assert wait_for(lambda: c.get("/ready").json()["buffer_backlog"] == 0, timeout=30)
    service.stop()  # chDB has one owner process: read the stores after stopping

    rows = query_events_log(service, "SELECT * FROM events WHERE site_id = %(site_id)s", site["site_id"])
    projection = query_events_log(service, "SELECT * FROM page_analytics_pageviews WHERE site_id = %(site_id)s",
                                  site["site_id"])
    assert len(rows) == 2 and len(projection) == 2
    stored_text = repr(rows) + repr(projection)
    for secret in (SECRET_UA, "PrivacyProbe", SECRET_IP):
        assert secret not in stored_text

    # Every plain file the service wrote: the disk buffer, SQLite, the service log.
    for path in [*Path(store_settings.data_dir).rglob("*"), service.log_path]:
        if path.is_file() and "clickhouse" not in path.parts:  # ClickHouse parts are compressed: queried above
            data = path.read_bytes()
            for secret in (SECRET_UA.encode(), SECRET_IP.encode()):
                assert secret not in data, f"{secret!r} found in {path}"

