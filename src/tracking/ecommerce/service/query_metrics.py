"""ecommerce's metrics in the query engine (core.query.contributions): `orders`, `total_revenue`,
`average_revenue` and `refunds`, so revenue can be sliced like any number (by source, page,
country, day, with filters) and the dashboard's shop numbers follow its filters.

Definitions (Plausible's revenue metrics, on the orders our ledger recorded):
- `orders`: recorded purchases (an order sent twice, by the browser and the server, counts once);
- `total_revenue`: their value in the answer's reporting currency (service.currency: the site's
  choice, else the one currency of the window's purchases and refunds asked for, else the
  configured one); refunds are not subtracted here;
- `average_revenue`: total_revenue over the purchases whose currency could be converted;
- `refunds`: the value of the refunds recorded in the window (at the refund's time, by its own
  page), in the same currency, each under its *order's* visit: net revenue is
  `total_revenue - refunds`, as the ecommerce overview's and breakdown's `revenue`.
Amounts in a currency without a rate are left out and listed in `meta.unconverted_currencies`;
`meta.currency` names the reporting currency. Values are numbers rounded half-even to 4 places.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from core.query.contributions import MetricContext
from tracking.ecommerce.clickhouse import (
    PURCHASE_ENTRIES,
    PURCHASE_NUMBERS,
    PURCHASE_SPLIT,
    REFUND_ENTRIES,
    REFUND_NUMBERS,
    REFUND_VISIT,
)
from tracking.ecommerce.service.currency import Converter, CurrencyService, rounded

_KINDS = {
    "orders": "Purchases the order ledger recorded (each order once).",
    "total_revenue": "Value of those purchases in the reporting currency (meta.currency), refunds not "
                     "subtracted; amounts without a rate are left out (meta.unconverted_currencies).",
    "average_revenue": "total_revenue per purchase whose currency has a rate.",
    "refunds": "Value of the refunds recorded in the range, in the reporting currency, each under its "
               "order's visit: net revenue is total_revenue - refunds.",
}


@dataclass(frozen=True, slots=True)
class _Window:
    """One metric over one window, the currency decided once for all its rows."""

    kind: str
    convert: Converter
    meta: Mapping[str, object] = field(default_factory=dict)

    def value(self, numbers: Mapping[str, object]) -> int | float:
        orders: Mapping[str, int] = numbers.get("ec_orders") or {}  # type: ignore[assignment]
        if self.kind == "orders":
            return sum(int(n) for n in orders.values())
        amounts: Mapping[str, Decimal] = numbers.get("ec_refunds" if self.kind == "refunds" else "ec_gross") or {}  # type: ignore[assignment]
        total = self.convert.convert({c: Decimal(a) for c, a in amounts.items()}).total
        if self.kind != "average_revenue":
            return float(total)
        counted = sum(int(n) for c, n in orders.items() if self.convert.can_convert(c))
        return float(rounded(total / counted)) if counted else 0.0


@dataclass(frozen=True, slots=True)
class LedgerMetric:
    name: str
    description: str
    currency: CurrencyService
    event_type: str = "ecommerce"
    entries: str | None = PURCHASE_ENTRIES
    split: str | None = PURCHASE_SPLIT
    visit_of: str | None = None  # a purchase counts under its own visit
    numbers: Mapping[str, str] = field(default_factory=lambda: dict(PURCHASE_NUMBERS))

    def over(self, context: MetricContext) -> _Window:
        convert = self.currency.converter(context.site_id, order_currencies=context.splits)
        unconverted = sorted(c for c in context.splits if c and not convert.can_convert(c))
        meta: dict[str, object] = {}
        if self.name != "orders":  # a count has no currency
            meta = {"currency": convert.currency, "currency_source": convert.source}
            meta.update({"unconverted_currencies": unconverted} if unconverted else {})
        return _Window(self.name, convert, meta)


def purchase_metric(name: str, currency: CurrencyService) -> LedgerMetric:
    """`orders`, `total_revenue`, `average_revenue` (over recorded purchases) or `refunds` (over
    recorded refunds, each under its order's visit)."""
    if name == "refunds":
        return LedgerMetric(name, _KINDS[name], currency, entries=REFUND_ENTRIES, visit_of=REFUND_VISIT,
                            numbers=dict(REFUND_NUMBERS))
    return LedgerMetric(name, _KINDS[name], currency)
