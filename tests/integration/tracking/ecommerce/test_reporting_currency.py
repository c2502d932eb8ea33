"""Which currency a report is in (issue 12): the site's choice; without one, a single-currency
shop's own currency; with several, the configured default and the unconverted listed. Seeded
orders on both ledgers and both ClickHouse engines, against the truth computed in Python."""

from decimal import Decimal

import pytest

from core.query.clickhouse import QueryStore
from core.query.service import QueryService
from core.tenancy.service import TenancyService
from tests.integration.core.test_query_engine import write_in_random_order
from tracking.ecommerce.clickhouse import EcommerceStore
from tracking.ecommerce.service.breakdown import RevenueBreakdown
from tracking.ecommerce.service.currency import CurrencyService
from tracking.ecommerce.service.query_metrics import purchase_metric
from tracking.ecommerce.service.recorder import OrderRecorder
from tracking.ecommerce.service.reports import ReportsService

from .crowd import converted, events_of, net, rounded, seeded_orders, truth, visits_of
from .shop import NOON, day_window, site

D = Decimal


class Reports:
    """The overview and products (ecommerce's own SQL) and the revenue breakdown (the query engine's)."""

    def __init__(self, ch, currency: CurrencyService) -> None:
        self.store = EcommerceStore(analytics=ch)
        self.reports = ReportsService(store=self.store, currency=currency, fallback_window_minutes=30)
        engine = QueryService(store=QueryStore(store=ch), metrics=[
            purchase_metric(n, currency) for n in ("orders", "total_revenue", "refunds")])
        self.breakdown = RevenueBreakdown(engine=engine)

    def of(self, site_id: str):
        s, w = site(site_id), day_window()
        return (self.reports.overview(site=s, window=w), self.reports.products(site=s, window=w, limit=100),
                self.breakdown.breakdown(site=s, date_from=NOON.date(), date_to=NOON.date(), prop="source",
                                         limit=100))


@pytest.fixture
def shop(ecommerce_ch, ledger_uow):
    """(record, reports, currency service, new site) with rates configured into EUR."""
    currency = CurrencyService(uow=ledger_uow, default_currency="EUR", configured_rates="USD=0.9,GBP=1.2")
    reports = Reports(ecommerce_ch, currency)
    recorder = OrderRecorder(uow=ledger_uow, store=reports.store)

    def record(site_id: str, orders) -> None:
        """As the worker does: the ledger and ecommerce's tables, the events log and the visits."""
        events = events_of(site_id, orders)
        recorder.record(events)
        write_in_random_order(ecommerce_ch, visits_of(site_id, orders) + [e.to_record() for e in events], seed=1)

    def new_site() -> str:  # a real site: the choice and the rates reference it
        return TenancyService(uow=ledger_uow).create_site(domain="shop.example").site_id

    return record, reports, currency, new_site


def test_a_usd_only_shop_without_a_choice_reports_its_exact_usd_revenue(shop):
    record, reports, currency, new_site = shop
    sid = new_site()
    orders = seeded_orders(seed=1, n=40, currencies=("USD",))
    record(sid, orders)
    t = truth(orders, include_bots=False)
    overview, products, by_source = reports.of(sid)
    assert currency.settings(sid).reporting_currency is None  # no choice was made
    assert (overview.currency, overview.currency_source, overview.unconverted_currencies) == ("USD", "orders", [])
    gross, refunds = rounded(t.gross["USD"]), rounded(t.refunds["USD"])
    assert (overview.orders, overview.gross_revenue, overview.refunds, overview.revenue, overview.refund_count) == (
        t.orders, gross, refunds, gross - refunds, t.refund_count)
    assert t.refund_count > 5 and gross > 1000  # the seed exercises refunds and real money
    assert overview.average_order_value == rounded(gross / t.orders)
    assert {p.item_id: (p.revenue, p.quantity, p.purchases, p.currency) for p in products} == {
        sku: (rounded(rev["USD"]), t.product_quantity[sku], t.product_orders[sku], "USD")
        for sku, rev in t.product_revenue.items()}
    assert {r.value or "": (r.revenue, r.currency) for r in by_source} == {
        src: (net(m, {"USD": D(1)}), "USD") for src, m in t.by_source.items()}


def test_a_currency_chosen_at_creation_is_reported_in_with_conversion(shop):
    record, reports, currency, new_site = shop
    sid = new_site()
    assert currency.choose(sid, "gbp").reporting_currency == "GBP"  # what `sites create --currency gbp` does
    only_usd = seeded_orders(seed=2, n=6, currencies=("USD",))
    record(sid, only_usd)
    overview, _, _ = reports.of(sid)
    # a choice wins over "all orders in one currency"; USD crosses the configured rates: 0.9 EUR / 1.2 EUR
    into_gbp = {"GBP": D(1), "EUR": 1 / D("1.2"), "USD": D("0.9") / D("1.2")}
    t = truth(only_usd, include_bots=False)
    assert (overview.currency, overview.currency_source) == ("GBP", "site")
    assert overview.gross_revenue == converted(t.gross, into_gbp) and overview.unconverted_currencies == []

    orders = only_usd + seeded_orders(seed=3, n=30, currencies=("EUR", "USD", "GBP", "JPY"))
    record(sid, orders[len(only_usd):])
    t = truth(orders, include_bots=False)
    overview, products, by_source = reports.of(sid)
    assert set(t.gross) == {"EUR", "USD", "GBP", "JPY"}
    assert (overview.currency, overview.unconverted_currencies) == ("GBP", ["JPY"])  # no rate for JPY anywhere
    assert (overview.gross_revenue, overview.refunds, overview.revenue) == (
        converted(t.gross, into_gbp), converted(t.refunds, into_gbp),
        converted(t.gross, into_gbp) - converted(t.refunds, into_gbp))
    assert {c.currency: (c.gross_revenue, c.orders) for c in overview.by_currency} == {
        c: (rounded(a), sum(1 for o in orders if o.currency == c)) for c, a in t.gross.items()}
    assert {p.item_id: (p.revenue, p.currency) for p in products} == {
        sku: (converted(rev, into_gbp), "GBP") for sku, rev in t.product_revenue.items()}
    assert {r.value or "": r.revenue for r in by_source} == {
        src: net(m, into_gbp) for src, m in t.by_source.items()}


def test_a_mixed_currency_shop_without_a_choice_keeps_the_default_and_lists_the_unconverted(
        ecommerce_ch, ledger_uow):
    reports = Reports(ecommerce_ch, CurrencyService(uow=ledger_uow, default_currency="EUR", configured_rates=""))
    sid = TenancyService(uow=ledger_uow).create_site(domain="shop.example").site_id
    orders = seeded_orders(seed=4, n=30, currencies=("EUR", "USD", "JPY"))
    events = events_of(sid, orders)
    OrderRecorder(uow=ledger_uow, store=reports.store).record(events)
    write_in_random_order(ecommerce_ch, visits_of(sid, orders) + [e.to_record() for e in events], seed=4)
    t = truth(orders, include_bots=False)
    overview, products, by_source = reports.of(sid)
    eur_only = {"EUR": D(1)}
    assert (overview.currency, overview.currency_source, overview.unconverted_currencies) == (
        "EUR", "default", ["JPY", "USD"])
    assert (overview.orders, overview.gross_revenue, overview.revenue) == (
        t.orders, converted(t.gross, eur_only), converted(t.gross, eur_only) - converted(t.refunds, eur_only))
    assert {c.currency: (c.gross_revenue, c.refunds) for c in overview.by_currency} == {
        c: (rounded(a), rounded(t.refunds[c])) for c, a in t.gross.items()}
    assert {p.item_id: (p.revenue, p.currency) for p in products} == {
        sku: (converted(rev, eur_only), "EUR") for sku, rev in t.product_revenue.items()}
    assert {r.value or "": r.revenue for r in by_source} == {src: net(m, eur_only) for src, m in t.by_source.items()}
