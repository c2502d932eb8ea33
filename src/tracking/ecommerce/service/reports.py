"""Ecommerce reports over a site's local days: overview, funnel, products (the revenue breakdown
is the query engine's: service.breakdown).

ClickHouse sums money per original currency; conversion into the range's reporting currency
(service.currency: the site's choice, else its orders' one currency, else the configured one)
happens here, in Decimal, so totals are exact and a rate change applies to the past too.
Bots' events and orders are left out unless `include_bots`, as in every other report.
"""

from collections import defaultdict
from decimal import Decimal

from core.analytics.time_range import UtcRange
from core.tenancy.service import SiteInfo
from tracking.ecommerce.clickhouse import EcommerceStore
from tracking.ecommerce.schemas.payload import FUNNEL_STEPS
from tracking.ecommerce.schemas.reports import (
    CurrencyTotal,
    Funnel,
    FunnelStep,
    Overview,
    ProductRow,
)
from tracking.ecommerce.service.currency import CurrencyService, rounded

MAX_WINDOW_MINUTES = 1440  # visitor ids rotate daily: no funnel outlives a UTC day


def _params(site: SiteInfo, window: UtcRange, include_bots: bool) -> dict:
    return {"site_id": site.id, "max_bot": int(include_bots), **window.params()}


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


class ReportsService:
    def __init__(self, *, store: EcommerceStore, currency: CurrencyService, fallback_window_minutes: int) -> None:
        self._store = store
        self._currency = currency
        self._fallback_minutes = fallback_window_minutes

    def overview(self, *, site: SiteInfo, window: UtcRange, include_bots: bool = False) -> Overview:
        params = _params(site, window, include_bots)
        money: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for kind, currency, entries, value, tax, shipping in self._store.order_totals(params):
            counts[kind][currency] += entries
            money[kind][currency] += value
            if kind == "purchase":
                money["tax"][currency] += tax
                money["shipping"][currency] += shipping
        currencies = sorted(set(money["purchase"]) | set(money["refund"]))
        convert = self._currency.converter(site.id, order_currencies=currencies)
        gross, refunds = convert.convert(money["purchase"]), convert.convert(money["refund"])
        converted_orders = sum(n for c, n in counts["purchase"].items() if convert.can_convert(c))
        visitors, buyers = self._store.visitors(params), self._store.purchasing_visitors(params)
        return Overview(
            currency=convert.currency, currency_source=convert.source, revenue=gross.total - refunds.total,
            gross_revenue=gross.total, refunds=refunds.total, refund_count=sum(counts["refund"].values()),
            orders=sum(counts["purchase"].values()),
            average_order_value=rounded(gross.total / converted_orders) if converted_orders else rounded(Decimal(0)),
            tax=convert.convert(money["tax"]).total, shipping=convert.convert(money["shipping"]).total,
            visitors=visitors, purchasing_visitors=buyers, conversion_rate=_ratio(buyers, visitors),
            by_currency=[CurrencyTotal(currency=c, orders=counts["purchase"][c],
                                       gross_revenue=rounded(money["purchase"][c]),
                                       refunds=rounded(money["refund"][c])) for c in currencies if c],
            unconverted_currencies=sorted(set(gross.unconverted) | set(refunds.unconverted)))

    def funnel(self, *, site: SiteInfo, window: UtcRange, minutes: int | None, include_bots: bool = False) -> Funnel:
        """`minutes=None`: steps within one session (events without a session: the fallback window)."""
        params = _params(site, window, include_bots)
        window_minutes = self._fallback_minutes if minutes is None else minutes
        reached = self._store.funnel(params, window_ms=window_minutes * 60_000, by_session=minutes is None)
        steps, previous = [], reached[0]
        for i, (name, visitors) in enumerate(zip(FUNNEL_STEPS, reached, strict=True)):
            drop = previous - visitors
            steps.append(FunnelStep(step=i + 1, name=name, visitors=visitors,
                                    conversion_rate=_ratio(visitors, reached[0]),
                                    drop_off=drop, drop_off_rate=_ratio(drop, previous)))
            previous = visitors
        return Funnel(window="session" if minutes is None else str(minutes), steps=steps,
                      conversion_rate=_ratio(reached[-1], reached[0]))

    def products(self, *, site: SiteInfo, window: UtcRange, limit: int,
                 include_bots: bool = False) -> list[ProductRow]:
        params = _params(site, window, include_bots)
        sales: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
        quantity: dict[str, int] = defaultdict(int)
        for key, kind, currency, units, amount in self._store.product_sales(params):
            sales[key][kind][currency] = amount
            quantity[key] += units if kind == "purchase" else 0
        # The orders' currencies, not the item lines': an order sent without items still counts.
        convert = self._currency.converter(site.id, order_currencies=self._store.order_currencies(params))
        rows = []
        for key, name, views, carts, orders in self._store.product_counts(params):
            revenue = (convert.convert(sales[key]["purchase"]).total
                       - convert.convert(sales[key]["refund"]).total)
            rows.append(ProductRow(item_id=key, item_name=name, views=views, add_to_carts=carts,
                                   add_to_cart_rate=round(carts / views, 4) if views else None,
                                   purchases=orders, quantity=quantity[key], revenue=revenue,
                                   currency=convert.currency))
        rows.sort(key=lambda r: (-r.revenue, -r.views, r.item_id))
        return rows[:limit]
