"""Ecommerce end to end over real HTTP, on both store sets: 200 shoppers' paths and two orders go
in through the collect endpoints (an order sent three times, a refund retried, a bad line), and
the funnel, overview, products and breakdown come back exactly as computed by hand."""

import json
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.harness import wait_for
from tests.integration.tracking.ecommerce.funnel_truth import MINUTE, funnel_by_hand, generate_paths

ORIGIN = {"Origin": "https://shop.example"}
D = Decimal
SKU_F = {"item_id": "SKU-F", "item_name": "Funnel mug", "price": "1.00", "quantity": 1}
BUYER = 1001


def ua(n: int) -> dict:
    return {"User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) Shopper/{n}.0"}


def shop_event(sid: str, visitor: int, name: str, ts: int, now: int) -> dict:
    ecommerce = {"currency": "EUR", "items": [SKU_F]} if name in ("view_item", "add_to_cart", "purchase") else {}
    if name == "purchase":
        ecommerce.update(order_id=f"F-{visitor}", value="1.00")  # a repeated purchase repeats the order id
    return {"site_id": sid, "type": "ecommerce", "name": name, "ts": ts, "sent_at": now, "ecommerce": ecommerce}


def test_orders_funnel_and_revenue_are_exact(service):
    site, sid = service.site, service.site["site_id"]
    now = int(time.time() * 1000)
    rows = generate_paths(seed=7, visitors=200, start_ms=now - 10 * MINUTE, spread_ms=0, max_sessions=1,
                          gaps=(0, 1, 500, 5_000, 30_000, 70_000), sessionless_share=0)
    buyer_path = ["view_item", "add_to_cart", "begin_checkout", "add_payment_info", "purchase"]
    rows += [(BUYER, BUYER, now - 5 * MINUTE + i * 1000, name) for i, name in enumerate(buyer_path)]
    order = {"order_id": "E2E-1", "currency": "EUR", "value": "59.80", "tax": "9.55", "shipping": "4.90",
             "items": [{"item_id": "SKU-1", "item_name": "Mug", "price": "27.45", "quantity": 2}]}
    auth = {"X-API-Key": site["secret_key"]}
    with service.client() as c:
        by_visitor: dict[int, list[dict]] = {}
        for visitor, _, ts, name in rows:
            event = shop_event(sid, visitor, name, ts, now)
            if visitor == BUYER and name != "begin_checkout":
                event["ecommerce"] = order if name == "purchase" else {"currency": "EUR", "items": order["items"]}
            by_visitor.setdefault(visitor, []).append(event)
        for visitor, events in by_visitor.items():  # one request per visitor keeps its offsets exact
            r = c.post("/collect/batch", headers={**ORIGIN, **ua(visitor)}, json={"events": events})
            assert r.status_code == 202 and r.json() == {"accepted": len(events), "rejected": []}, r.text

        # the buyer's purchase (in the batch above) again: a reload of the thank-you page, and the shop's server
        server = {"User-Agent": "shop-backend/1.0"}
        purchase = {"site_id": sid, "name": "purchase", "ecommerce": order}
        for headers in ({**ORIGIN, **ua(BUYER)}, server):
            r = c.post("/collect/ecommerce", headers=headers, json=purchase)
            assert r.status_code == 202 and r.json() == {"accepted": 1, "rejected": []}
        # a partial refund from the server, retried (same event id) and sent again (same refund_id)
        refund = {"site_id": sid, "name": "refund", "event_id": str(uuid.uuid4()),
                  "ecommerce": {"order_id": "E2E-1", "refund_id": "RF-1", "currency": "EUR", "value": "10.01"}}
        for body in (refund, refund, {**refund, "event_id": str(uuid.uuid4())}):
            assert c.post("/collect/ecommerce", headers=server, json=body).status_code == 202
        # an order in USD whose value is the sum of its lines (0.1 + 0.2), next to a bad one
        usd = {"order_id": "E2E-2", "currency": "USD", "items": [{"item_id": "SKU-D1", "price": 0.1},
                                                                  {"item_id": "SKU-D2", "price": 0.2}]}
        bad = {**usd, "order_id": "E2E-3", "items": [{"item_id": "SKU-D1", "price": 0.1},
                                                     {"item_id": "SKU-D2", "price": -0.2}]}
        r = c.post("/collect/batch", headers={**ORIGIN, **ua(2002)}, json={"events": [
            {"site_id": sid, "type": "ecommerce", "name": "purchase", "ecommerce": usd},
            {"site_id": sid, "type": "ecommerce", "name": "purchase", "ecommerce": bad}]})
        assert r.status_code == 202
        assert r.json() == {"accepted": 1, "rejected": [{"index": 1, "error": "ecommerce.items.1.price: must "
                                                                              "not be negative"}]}

        rates = {"reporting_currency": "EUR", "rates": {"USD": "0.5"}}
        path = f"/api/v1/sites/{sid}/currency-rates"
        assert c.put(path, json=rates, headers={"X-API-Key": site["public_key"]}).status_code == 403
        assert c.put(path, json={**rates, "rates": {"USX": 1}}, headers=auth).status_code == 422
        r = c.put(path, json=rates, headers=auth)
        assert r.status_code == 200 and r.json()["rates"] == {"USD": "0.5"}
        assert c.get(path, headers=auth).json()["reporting_currency"] == "EUR"

        today = datetime.now(ZoneInfo("Europe/Berlin")).date()
        window = {"site_id": sid, "from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()}

        def report(name: str, **params):
            resp = c.get(f"/api/v1/ecommerce/{name}", params={**window, **params}, headers=auth)
            assert resp.status_code == 200, resp.text
            return resp.json()

        buyers = {v for v, _, _, name in rows if name == "purchase" and v != BUYER}
        expected_orders = len(buyers) + 2
        got = wait_for(lambda: (o := report("overview"))["orders"] == expected_orders and o["refund_count"] == 1
                       and o, timeout=30)
        assert got, report("overview")
        gross = D(len(buyers)) + D("59.80") + D("0.15")
        assert {k: got[k] for k in ("currency", "orders", "gross_revenue", "refunds", "revenue", "tax", "shipping")} \
            == {"currency": "EUR", "orders": expected_orders, "gross_revenue": f"{gross:.4f}", "refunds": "10.0100",
                "revenue": f"{gross - D('10.01'):.4f}", "tax": "9.5500", "shipping": "4.9000"}
        assert got["average_order_value"] == f"{(gross / expected_orders).quantize(D('0.0001')):.4f}"
        # the query engine's revenue metrics: the same ledger, the same currency rule (gross, not net)
        r = c.post("/api/v2/query", headers=auth, json={
            "site_id": sid, "metrics": ["orders", "total_revenue", "average_revenue"],
            "date_range": [window["from"], window["to"]]})
        assert r.status_code == 200, r.text
        assert r.json()["results"][0]["metrics"] == [expected_orders, float(gross),
                                                     float((gross / expected_orders).quantize(D("0.0001")))]
        assert r.json()["meta"] == {"currency": "EUR", "currency_source": "site"}
        visitors = len(by_visitor) + 2  # the shoppers (a few of the 200 sent nothing), the USD buyer, the server
        assert (got["visitors"], got["purchasing_visitors"]) == (visitors, len(buyers) + 2)
        assert got["conversion_rate"] == round((len(buyers) + 2) / visitors, 4)
        assert {c["currency"]: c["gross_revenue"] for c in got["by_currency"]} == {
            "EUR": f"{D(len(buyers)) + D('59.80'):.4f}", "USD": "0.3000"}

        for minutes, by_session in ((None, True), (1, False), (3, False)):
            expected = funnel_by_hand(rows, window_ms=(minutes or 30) * MINUTE, by_session=by_session)
            funnel = report("funnel", window=minutes or "session")
            assert [s["visitors"] for s in funnel["steps"]] == expected, (minutes, funnel)
        assert expected[0] > expected[-1] > 0

        products = {p["item_id"]: p for p in report("products")}
        views = sum(1 for v, _, _, name in rows if name == "view_item" and v != BUYER)
        carts = sum(1 for v, _, _, name in rows if name == "add_to_cart" and v != BUYER)
        assert products["SKU-F"] == {"item_id": "SKU-F", "item_name": "Funnel mug", "views": views,
                                     "add_to_carts": carts, "add_to_cart_rate": round(carts / views, 4),
                                     "purchases": len(buyers), "quantity": len(buyers),
                                     "revenue": f"{len(buyers)}.0000", "currency": "EUR"}
        assert {k: products["SKU-1"][k] for k in ("views", "add_to_carts", "purchases", "quantity", "revenue")} == {
            "views": 1, "add_to_carts": 1, "purchases": 1, "quantity": 2, "revenue": "54.9000"}
        assert (products["SKU-D1"]["revenue"], products["SKU-D2"]["revenue"]) == ("0.0500", "0.1000")

        for prop in ("source", "channel", "device", "country"):
            rows_by = report("breakdown", property=prop, limit=1000)
            assert sum(r["orders"] for r in rows_by) == expected_orders
            assert sum(D(r["revenue"]) for r in rows_by) == D(got["revenue"])
        assert c.get("/api/v1/ecommerce/breakdown", params={**window, "property": "colour"},
                     headers=auth).status_code == 400
        assert c.get("/api/v1/ecommerce/funnel", params={**window, "window": "0"}, headers=auth).status_code == 400
        assert c.get("/api/v1/ecommerce/overview", params=window).status_code == 401
    reporting_currency_and_bots(service)  # on the same running service: a second start costs ~15 s


BOT_UA = {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}


def reporting_currency_and_bots(service):
    """Issue 12: a USD shop that chose nothing reports USD; `sites create --currency` chooses; bots'
    orders are left out unless include_bots=true."""
    usd_site = service.create_site(domain="usd.example")  # without --currency
    gbp_site = json.loads(service.utrack("sites", "create", "--domain", "gbp.example", "--currency", "gbp"))
    assert gbp_site["reporting_currency"] == "GBP"
    # checked before the site is created (`sites list` would cost ~3 s per store set to show it)
    with pytest.raises(RuntimeError, match="--currency: 'EURO' is not an ISO 4217 currency code"):
        service.utrack("sites", "create", "--domain", "typo.example", "--currency", "EURO")
    people = [D("19.99"), D("5.01"), D("100.00")]
    with service.client() as c:
        def order(site: dict, origin: str, n: int, currency: str, value: D, headers: dict) -> None:
            body = {"site_id": site["site_id"], "name": "purchase", "ecommerce": {
                "order_id": f"{currency}-{n}", "currency": currency, "value": str(value),
                "items": [{"item_id": "SKU-1", "price": str(value)}]}}
            r = c.post("/collect/ecommerce", headers={"Origin": origin, **headers}, json=body)
            assert r.status_code == 202 and r.json()["accepted"] == 1, r.text

        for n, value in enumerate(people):
            order(usd_site, "https://usd.example", n, "USD", value, ua(n))
        order(usd_site, "https://usd.example", 9, "USD", D("500.00"), BOT_UA)  # a crawler completing a checkout
        refund = {"site_id": usd_site["site_id"], "name": "refund",
                  "ecommerce": {"order_id": "USD-9", "currency": "USD", "value": "200.00"}}  # by the shop's server
        assert c.post("/collect/ecommerce", headers={"User-Agent": "shop-backend/1.0"}, json=refund).status_code == 202
        order(gbp_site, "https://gbp.example", 1, "GBP", D("10.00"), ua(1))
        order(gbp_site, "https://gbp.example", 2, "USD", D("7.77"), ua(2))

        today = datetime.now(ZoneInfo("Europe/Berlin")).date()
        days = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}

        def report(site: dict, name: str = "overview", **params):
            r = c.get(f"/api/v1/ecommerce/{name}", headers={"X-API-Key": site["secret_key"]},
                      params={"site_id": site["site_id"], **days, **params})
            assert r.status_code == 200, r.text
            return r.json()

        everything = wait_for(lambda: (o := report(usd_site, include_bots="true"))["refund_count"] == 1 and o,
                              timeout=30)
        assert everything, report(usd_site, include_bots="true")
        got = report(usd_site)
        assert {k: got[k] for k in ("currency", "currency_source", "orders", "revenue", "refunds",
                                    "unconverted_currencies")} == {
            "currency": "USD", "currency_source": "orders", "orders": 3, "revenue": f"{sum(people):.4f}",
            "refunds": "0.0000", "unconverted_currencies": []}
        assert {k: everything[k] for k in ("orders", "gross_revenue", "refunds", "revenue")} == {
            "orders": 4, "gross_revenue": f"{sum(people) + 500:.4f}", "refunds": "200.0000",
            "revenue": f"{sum(people) + 300:.4f}"}
        assert [(p["item_id"], p["revenue"], p["currency"]) for p in report(usd_site, "products")] == [
            ("SKU-1", f"{sum(people):.4f}", "USD")]
        assert sum(D(r["revenue"]) for r in report(usd_site, "breakdown", property="device",
                                                    include_bots="true")) == sum(people) + 300
        assert c.get("/api/v1/ecommerce/overview", headers={"X-API-Key": usd_site["secret_key"]},
                      params={"site_id": usd_site["site_id"], **days, "include_bots": "maybe"}).status_code == 422

        got = wait_for(lambda: (o := report(gbp_site))["orders"] == 2 and o, timeout=30)
        assert (got["currency"], got["currency_source"], got["revenue"], got["unconverted_currencies"]) == (
            "GBP", "site", "10.0000", ["USD"])
        path, auth = f"/api/v1/sites/{gbp_site['site_id']}/currency-rates", {"X-API-Key": gbp_site["secret_key"]}
        assert c.get(path, headers=auth).json()["reporting_currency"] == "GBP"
        r = c.put(path, headers=auth, json={"reporting_currency": "GBP", "rates": {"USD": "0.8"}})
        assert r.status_code == 200 and r.json()["reporting_currency"] == "GBP"
        assert report(gbp_site)["revenue"] == f"{D('10.00') + D('7.77') * D('0.8'):.4f}"  # 16.2160
        r = c.put(path, headers=auth, json={"reporting_currency": None, "rates": {}})  # the choice withdrawn
        assert r.status_code == 200 and r.json()["reporting_currency"] is None
        got = report(gbp_site)  # two currencies, no choice, no rates: the default, both listed
        assert (got["currency"], got["currency_source"], got["revenue"], got["unconverted_currencies"]) == (
            "EUR", "default", "0.0000", ["GBP", "USD"])
        assert c.put(path, headers=auth, json={"rates": {}}).status_code == 422  # the choice must be explicit
