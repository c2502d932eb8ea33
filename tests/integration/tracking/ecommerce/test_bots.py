"""Bots are left out of every ecommerce report unless `include_bots` (issue 12): shoppers' paths
and orders of people and of bots (flagged as device_intel flags them), on both ledgers and both
ClickHouse engines; each report against the truth computed in Python, with and without bots. (The
revenue breakdown is the query engine's: test_breakdown.py holds it to its truth with and without.)"""

import uuid
from decimal import Decimal

import pytest

from core.ingest.event_log import EventLog
from core.tenancy.service import TenancyService
from tracking.ecommerce.clickhouse import EcommerceStore
from tracking.ecommerce.service.currency import CurrencyService
from tracking.ecommerce.service.recorder import OrderRecorder
from tracking.ecommerce.service.reports import ReportsService

from .crowd import Order, events_of, rounded, seeded_orders, truth
from .funnel_truth import MINUTE, funnel_by_hand, generate_paths
from .shop import NOON, NOON_MS, day_window, shop_event, site

D = Decimal
BOT_OFFSET = 200_000
SKU_F = {"item_id": "SKU-F", "price": "1", "quantity": 1}


def path_event(sid: str, visitor: int, session: int, ts: int, name: str, bot: bool):
    payload = {"currency": "USD", "items": [SKU_F]} if name in ("view_item", "add_to_cart", "purchase") else {}
    if name == "purchase":
        payload.update(order_id=f"F-{visitor}", value="1")  # a repeated purchase repeats the order
    return shop_event(sid, name, payload, visitor=visitor, session=session, ts_ms=ts, is_bot=int(bot))


@pytest.fixture
def crowd(ecommerce_ch, ledger_uow):
    """A shop with 150 people's and 60 bots' paths, and 40 orders a third of which are bots'."""
    sid = TenancyService(uow=ledger_uow).create_site(domain="shop.example").site_id
    people = generate_paths(seed=11, visitors=150, start_ms=NOON_MS, spread_ms=3600_000)
    bots = [(v + BOT_OFFSET, s and s + BOT_OFFSET * 10, ts, name)
            for v, s, ts, name in generate_paths(seed=12, visitors=60, start_ms=NOON_MS, spread_ms=3600_000)]
    orders = seeded_orders(seed=5, n=40, currencies=("USD",), bot_share=0.35)
    store = EcommerceStore(analytics=ecommerce_ch)
    events = [path_event(sid, v, s, ts, name, bot=v > BOT_OFFSET) for v, s, ts, name in people + bots]
    OrderRecorder(uow=ledger_uow, store=store).record(events + events_of(sid, orders))
    path_orders = [Order(f"F-{v}", v, "USD", (("SKU-F", D(1), 1),), v > BOT_OFFSET, "", "", D(0))
                   for v in sorted({v for v, _, _, name in people + bots if name == "purchase"})]
    visits = [(v, v > BOT_OFFSET) for v in {v for v, *_ in people + bots}] + [(o.visitor, o.bot) for o in orders]
    EventLog(store=ecommerce_ch).write([
        {"site_id": sid, "event_id": str(uuid.uuid4()), "type": "pageview", "name": "pageview", "ts_ms": NOON_MS,
         "received_ms": NOON_MS, "visitor_id": v, "is_bot": int(bot)} for v, bot in visits])
    reports = ReportsService(store=store, currency=CurrencyService(uow=ledger_uow, default_currency="EUR",
                                                                   configured_rates=""), fallback_window_minutes=10)
    return site(sid), reports, people, bots, orders + path_orders, visits


def test_bots_are_left_out_of_every_report_unless_asked_for(crowd):
    s, reports, people, bots, orders, visits = crowd
    assert sum(o.bot for o in orders) > 10 and any(o.bot and o.refund for o in orders)  # the seed has bots that buy
    assert truth(orders, include_bots=False) != truth(orders, include_bots=True)  # so a report ignoring the flag shows
    for include_bots in (False, True):
        check_reports(s, reports, people + bots if include_bots else people, orders,
                      {v for v, bot in visits if include_bots or not bot}, include_bots)


def check_reports(s, reports, rows, orders, visitors, include_bots):
    w, t = day_window(), truth(orders, include_bots=include_bots)
    overview = reports.overview(site=s, window=w, include_bots=include_bots)
    gross, refunds = rounded(t.gross["USD"]), rounded(t.refunds["USD"])
    assert (overview.currency, overview.orders, overview.gross_revenue, overview.refunds, overview.revenue,
            overview.refund_count) == ("USD", t.orders, gross, refunds, gross - refunds, t.refund_count)
    assert (overview.visitors, overview.purchasing_visitors, overview.conversion_rate) == (
        len(visitors), t.buyers, round(t.buyers / len(visitors), 4))

    for minutes in (None, 30):
        got = reports.funnel(site=s, window=w, minutes=minutes, include_bots=include_bots)
        assert [step.visitors for step in got.steps] == funnel_by_hand(
            rows, window_ms=(minutes or 10) * MINUTE, by_session=minutes is None)

    products = {p.item_id: p for p in reports.products(site=s, window=w, limit=100, include_bots=include_bots)}
    assert {k: (p.revenue, p.quantity, p.purchases) for k, p in products.items()} == {
        sku: (rounded(rev["USD"]), t.product_quantity[sku], t.product_orders[sku])
        for sku, rev in t.product_revenue.items()}
    views = sum(1 for *_, name in rows if name == "view_item")
    carts = sum(1 for *_, name in rows if name == "add_to_cart")
    assert (products["SKU-F"].views, products["SKU-F"].add_to_carts) == (views, carts)



def test_rows_written_before_the_flag_existed_read_as_people(ecommerce_ch, unique):
    """Analytics migration 2 on tables that already hold rows (a copy under other names, on each engine)."""
    from tracking.ecommerce.clickhouse import MIGRATIONS

    def renamed(sql: str) -> str:
        return sql.replace("ecommerce_", f"old{unique}_")

    v1, v2 = MIGRATIONS
    for statement in v1.statements:
        ecommerce_ch.execute(renamed(statement))
    try:
        ecommerce_ch.insert(f"old{unique}_orders", ("site_id", "day", "ts", "kind", "order_id", "entry_key", "value"),
                            [{"site_id": "s", "day": NOON.date(), "ts": NOON, "kind": "purchase", "order_id": "A",
                              "entry_key": "A", "value": D("9.5")}])
        for statement in v2.statements:
            ecommerce_ch.execute(renamed(statement))
        tables = ("events", "items", "orders")
        assert [ecommerce_ch.query(f"SELECT count() FROM old{unique}_{t} WHERE is_bot = 0")[0][0]
                for t in tables] == [0, 0, 1]
    finally:
        for t in ("events", "items", "orders"):
            ecommerce_ch.execute(f"DROP TABLE IF EXISTS old{unique}_{t}")
