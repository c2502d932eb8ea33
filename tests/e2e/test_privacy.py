"""What a visitor sends that identifies them (IP, user agent, e-mail address, phone number, card
number) is used at the edge and stored nowhere: not in the buffer, the transactional store, Redis,
any ClickHouse table, nor a log line. Checked after a real end-to-end run on both store sets, with
PII in every free-text field: the URL, referrer, event name, prop keys and values, the user id, the
ecommerce order/refund/item fields and coupon (the order ledger included), the vitals metric id."""

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from tests.e2e.harness import Service, query_events_log, wait_for

SECRET_UA = "Mozilla/5.0 PrivacyProbe/9.9.9-uniq"
SECRET_IP = "203.0.113.77"
FORWARDED_IP = "81.2.69.142"  # a London address in the test GeoIP database
EMAIL = "jane.probe@example.org"
PHONE = "+49 151 98765432"
CARD = "4111 1111 1111 1111"
# Two orders whose ids are different phone numbers: still two orders after redaction.
ORDER_PHONES = ("+49 151 11122233", "+49 151 44455566")
SECRETS = (SECRET_UA, "PrivacyProbe", SECRET_IP, FORWARDED_IP, EMAIL, "jane.probe", "98765432", "4111 1111",
           "4111111111111111", "hunter2", "11122233", "44455566")


# Every row of every ClickHouse table, in one process (chDB: one owner; a process per table is slow).
# AggregateFunction states cannot be read back by the driver: they are folded numbers, not text.
_DUMP_SCRIPT = """
from core.analytics.factory import build_analytics_store
from core.config.settings import Settings
store = build_analytics_store(Settings())
for (table,) in store.query("SHOW TABLES"):
    cols = [n for n, t in store.query("SELECT name, type FROM system.columns WHERE database = currentDatabase() "
                                      "AND table = %(t)s", {"t": table}) if "AggregateFunction" not in t]
    if cols:
        print(table, repr(store.query("SELECT " + ", ".join("`" + c + "`" for c in cols) + " FROM " + table)))
store.close()
"""


def _clickhouse_dump(service: Service) -> str:
    out = subprocess.run([sys.executable, "-c", _DUMP_SCRIPT], env=service.env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "events [" in out.stdout
    return out.stdout


def _redis_dump(url: str) -> str:
    import redis

    client, parts = redis.Redis.from_url(url), []
    for key in client.scan_iter(count=1000):
        kind = client.type(key).decode()
        read = {"string": client.get, "list": lambda k: client.lrange(k, 0, -1), "set": client.smembers,
                "zset": lambda k: client.zrange(k, 0, -1, withscores=True), "hash": client.hgetall,
                "stream": lambda k: client.xrange(k)}.get(kind)
        parts.append(repr(key) + repr(read(key) if read else None))
    client.close()
    return "\n".join(parts)


def _database_dump(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return "\n".join(repr(conn.execute(text(f'SELECT * FROM "{t}"')).fetchall())
                             for t in inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_no_identifying_value_reaches_any_store_or_log(geo_service, store_settings):
    site, sid = geo_service.site, geo_service.site["site_id"]
    with geo_service.client() as c:
        r = c.post("/collect/pageview", headers={"Origin": "https://shop.example", "User-Agent": SECRET_UA,
                                                 "X-Forwarded-For": FORWARDED_IP},
                   json={"site_id": sid, "url": f"https://shop.example/u/{EMAIL}?email={EMAIL}&tel={PHONE}",
                         "referrer": f"https://mail.example.net/read?from={EMAIL}",
                         "props": {"contact": f"call me at {PHONE}", "card": CARD, "password": "hunter2"}})
        assert r.status_code == 202
        r = c.post("/collect/event", headers={"Origin": "https://shop.example", "User-Agent": SECRET_UA,
                                              "X-Forwarded-For": FORWARDED_IP, "DNT": "1"},
                   json={"site_id": sid, "name": "signup", "props": {"note": f"{EMAIL} / {CARD}"}})
        assert r.status_code == 202
        r = c.post("/api/v1/events", headers={"X-API-Key": site["secret_key"]},
                   json={"userId": EMAIL, "eventName": "page_view", "ip": SECRET_IP, "userAgent": SECRET_UA,
                         "url": "https://shop.example/server", "properties": {"phone": PHONE}})
        assert r.status_code == 202
        browser = {"Origin": "https://shop.example", "User-Agent": SECRET_UA}
        items = [{"item_id": f"sku {PHONE}", "item_name": f"gift for {EMAIL}", "item_brand": CARD,
                  "item_category": EMAIL, "item_variant": PHONE, "price": 5, "quantity": 2}]
        shop = [{"site_id": sid, "type": "ecommerce", "name": "purchase", "url": "https://shop.example/thanks",
                 "ecommerce": {"order_id": order, "currency": "EUR", "coupon": f"for {EMAIL}", "items": items}}
                for order in ORDER_PHONES]
        refund = {"site_id": sid, "type": "ecommerce", "name": "refund", "url": "https://shop.example/thanks",
                  "ecommerce": {"order_id": ORDER_PHONES[0], "refund_id": f"rf {CARD}", "currency": "EUR",
                                "value": 1}}
        custom = {"site_id": sid, "type": "event", "name": f"contact {EMAIL}", "url": "https://shop.example/c",
                  "props": {f"phone {PHONE}": "1", f"card {CARD}": "2"}}
        vitals = {"site_id": sid, "type": "vitals", "name": "LCP", "url": "https://shop.example/thanks",
                  "value": 1200.0, "metric_id": f"v4-{EMAIL}"}
        r = c.post("/collect/batch", headers=browser, json={"events": [*shop, shop[1], refund, custom, vitals]})
        assert r.status_code == 202 and r.json() == {"accepted": 6, "rejected": []}
        # backlog 0 means written to the log and published to the modules (ack comes last)
        assert wait_for(lambda: c.get("/ready").json()["buffer_backlog"] == 0, timeout=30)
        assert wait_for(lambda: c.get("/api/v1/stats/breakdown", headers={"X-API-Key": site["secret_key"]},
                                      params={"site_id": sid, "property": "country", "from": "2000-01-01",
                                              "to": "2099-12-31"}).json() != [], timeout=30)
        # two orders (the second sent twice), whose distinct phone-number ids were pseudonymised apart
        overview = c.get("/api/v1/ecommerce/overview", headers={"X-API-Key": site["secret_key"]},
                         params={"site_id": sid, "from": str(date.today() - timedelta(days=2)),
                                 "to": str(date.today() + timedelta(days=2))}).json()
        assert (overview.get("orders"), overview.get("refund_count")) == (2, 1), overview
    geo_service.stop()  # chDB has one owner process: read the stores after stopping

    events = query_events_log(geo_service, "SELECT * FROM events WHERE site_id = %(site_id)s", sid)
    assert len(events) == 9  # the repeated purchase is logged (its own event id); the ledger counts it once
    assert any("GB" in row for row in events), "the forwarded IP was used (country) before being dropped"
    stored = [_clickhouse_dump(geo_service)]
    if store_settings.redis_url:
        stored.append(_redis_dump(store_settings.redis_url))
    if store_settings.database_url:
        stored.append(_database_dump(store_settings.database_url))
    stored_text = "\n".join(stored)
    # the dumps did read the rows, the pseudonymised payloads included
    assert "[redacted]" in stored_text and "signup" in stored_text and "[redacted:" in stored_text
    for secret in SECRETS:
        assert secret not in stored_text, secret

    # Every plain file the service wrote: the disk buffer, SQLite, the service log.
    for path in [*Path(store_settings.data_dir).rglob("*"), geo_service.log_path]:
        if path.is_file() and "clickhouse" not in path.parts:  # ClickHouse parts are compressed: queried above
            data = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in data, f"{secret!r} found in {path}"
