"""Exactly-once orders on the real stores: ledger on SQLite and PostgreSQL, rows on chDB and 18.16."""

import uuid
from decimal import Decimal

import pytest

from core.ingest.event_log import EventLog
from tracking.ecommerce.clickhouse import EcommerceStore
from tracking.ecommerce.service.currency import CurrencyService
from tracking.ecommerce.service.recorder import OrderRecorder
from tracking.ecommerce.service.reports import ReportsService

from .shop import NOON_MS, day_window, purchase, shop_event, site

D = Decimal


@pytest.fixture
def shop(ecommerce_ch, ledger_uow, unique):
    store = EcommerceStore(analytics=ecommerce_ch)
    currency = CurrencyService(uow=ledger_uow, default_currency="EUR", configured_rates="")
    reports = ReportsService(store=store, currency=currency, fallback_window_minutes=30)
    return OrderRecorder(uow=ledger_uow, store=store), reports, site(f"site_{unique}")


def overview(reports, s):
    return reports.overview(site=s, window=day_window())


def test_a_purchase_sent_three_times_counts_once(shop, ecommerce_ch):
    recorder, reports, s = shop
    item = {"items": [{"item_id": "SKU-1", "price": "12.50", "quantity": 2}]}
    browser = purchase(s.id, "A-1", "25.00", visitor=1, extra=item)
    reload = purchase(s.id, "A-1", "25.00", visitor=1, ts_ms=NOON_MS + 60_000, extra=item)
    server = purchase(s.id, "A-1", "99.00", visitor=2, ts_ms=NOON_MS + 1000)  # the server's copy, other visitor
    recorder.record([reload, browser])  # one batch, newest first: the oldest copy is the one recorded
    recorder.record([server])
    recorder.record([reload, browser])  # the bus redelivers the first batch
    got = overview(reports, s)
    assert (got.orders, got.gross_revenue, got.revenue, got.purchasing_visitors) == (1, D("25.0000"), D("25.0000"), 1)
    (product,) = reports.products(site=s, window=day_window(), limit=10)
    assert (product.item_id, product.purchases, product.quantity, product.revenue) == ("SKU-1", 1, 2, D("25.0000"))
    ecommerce_ch.execute("OPTIMIZE TABLE ecommerce_orders FINAL")
    rows = ecommerce_ch.query("SELECT count() FROM ecommerce_orders WHERE site_id = %(s)s", {"s": s.id})
    assert rows == [(1,)]


def test_refunds_lower_revenue_by_exactly_their_amount(shop):
    recorder, reports, s = shop
    lines = [{"item_id": "A", "price": "10.01", "quantity": 5}, {"item_id": "B", "price": "50.05", "quantity": 1}]
    recorder.record([purchase(s.id, "R-1", "100.10", extra={"items": lines}, source="Google")])
    assert overview(reports, s).revenue == D("100.1000")

    partial = {"order_id": "R-1", "refund_id": "rf-1", "currency": "EUR", "value": "30.03"}
    recorder.record([shop_event(s.id, "refund", partial, ts_ms=NOON_MS + 1)])
    got = overview(reports, s)
    assert (got.revenue, got.refunds, got.refund_count) == (D("70.0700"), D("30.0300"), 1)
    # the same refund again (retry, or sent by the server too): same refund_id, another event id
    recorder.record([shop_event(s.id, "refund", partial, ts_ms=NOON_MS + 2)])
    assert overview(reports, s).revenue == D("70.0700")

    by_items = {"order_id": "R-1", "currency": "EUR", "items": [{"item_id": "A", "price": "10.01", "quantity": 2}]}
    recorder.record([shop_event(s.id, "refund", by_items, ts_ms=NOON_MS + 3)])
    got = overview(reports, s)
    assert (got.revenue, got.refunds, got.refund_count) == (D("50.0500"), D("50.0500"), 2)
    products = {p.item_id: p.revenue for p in reports.products(site=s, window=day_window(), limit=10)}
    assert products == {"B": D("50.0500"), "A": D("30.0300")}  # item refunds come off the item

    recorder.record([shop_event(s.id, "refund", {"order_id": "R-1"}, ts_ms=NOON_MS + 4)])  # full: the rest
    recorder.record([shop_event(s.id, "refund", {"order_id": "R-1"}, ts_ms=NOON_MS + 5)])  # nothing left
    got = overview(reports, s)
    assert (got.gross_revenue, got.refunds, got.revenue, got.orders) == (D("100.1000"), D("100.1000"), D(0), 1)


def test_decimals_are_exact(shop):
    recorder, reports, s = shop
    tenths = [purchase(s.id, f"T-{i}", "0.1") for i in range(10)]
    sum_of_lines = shop_event(s.id, "purchase", {"order_id": "L", "currency": "EUR", "items": [
        {"item_id": "x", "price": 0.1}, {"item_id": "y", "price": 0.2}]})  # JSON floats, no value: 0.1 + 0.2
    recorder.record([*tenths, sum_of_lines])
    got = overview(reports, s)
    assert got.gross_revenue == D("1.3000") and str(got.gross_revenue) == "1.3000"
    assert got.orders == 11 and got.average_order_value == D("0.1182")  # 1.3 / 11, half-even


class CrashingStore:
    """The process dies after the ledger commit, before the order rows reach ClickHouse."""

    def __init__(self, store: EcommerceStore) -> None:
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def add_orders(self, entries) -> None:
        raise ConnectionError("killed between the ledger commit and the ClickHouse insert")


def test_a_crash_between_ledger_and_clickhouse_is_repaired_by_redelivery(shop, ecommerce_ch, ledger_uow):
    recorder, reports, s = shop
    batch = [purchase(s.id, "C-1", "40.00", extra={"items": [{"item_id": "K", "price": "40", "quantity": 1}]}),
             shop_event(s.id, "refund", {"order_id": "C-1", "currency": "EUR", "value": "15"}, ts_ms=NOON_MS + 9)]
    crashing = OrderRecorder(uow=ledger_uow, store=CrashingStore(EcommerceStore(analytics=ecommerce_ch)))
    with pytest.raises(ConnectionError):
        crashing.record(batch)
    assert overview(reports, s).orders == 0  # the ledger has it, ClickHouse does not yet

    recorder.record(batch)  # redelivered: the ledger says these very events are the recorded ones
    recorder.record(batch)  # and once more (a crash after the insert): the copies collapse
    recorder.record([purchase(s.id, "C-1", "40.00")])  # a real duplicate still does not count
    got = overview(reports, s)
    assert (got.orders, got.gross_revenue, got.refunds, got.revenue) == (1, D("40.0000"), D("15.0000"), D("25.0000"))
    (product,) = reports.products(site=s, window=day_window(), limit=10)
    assert (product.quantity, product.revenue) == (1, D("40.0000"))


def test_overview_converts_currencies_and_measures_conversion(shop, ecommerce_ch, ledger_uow):
    from core.tenancy.service import TenancyService

    recorder, reports, _ = shop
    s = TenancyService(uow=ledger_uow).create_site(domain="shop.example")  # rates belong to a real site
    sid = s.site_id
    EventLog(store=ecommerce_ch).write([
        {"site_id": sid, "event_id": str(uuid.uuid4()), "type": "pageview", "name": "pageview", "ts_ms": NOON_MS,
         "received_ms": NOON_MS, "visitor_id": v} for v in (1, 2, 3, 4)])
    recorder.record([purchase(sid, "E", "10.00", visitor=1, source="Google", country="DE"),
                     purchase(sid, "U", "20.00", "USD", visitor=2, source="Newsletter", country="US"),
                     purchase(sid, "J", "1000", "JPY", visitor=2)])
    info = site(sid)
    got = reports.overview(site=info, window=day_window())
    assert (got.currency, got.gross_revenue, got.orders, got.unconverted_currencies) == (
        "EUR", D("10.0000"), 3, ["JPY", "USD"])
    assert (got.visitors, got.purchasing_visitors, got.conversion_rate) == (4, 2, 0.5)

    reports._currency.replace(sid, "EUR", {"USD": D("0.9"), "JPY": D("0.006")})
    got = reports.overview(site=info, window=day_window())
    assert (got.gross_revenue, got.average_order_value, got.unconverted_currencies) == (
        D("34.0000"), D("11.3333"), [])
    assert {c.currency: c.gross_revenue for c in got.by_currency} == {
        "EUR": D("10.0000"), "USD": D("20.0000"), "JPY": D("1000.0000")}
