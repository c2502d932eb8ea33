"""A seeded crowd of shop orders (lines, refunds, bots), and the truth about it computed in Python:
what the reports must say, from the definitions alone."""

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from .shop import NOON_MS, purchase, shop_event

PLACES = Decimal("0.0001")
SOURCES = ("Google", "Newsletter", "")
COUNTRIES = ("DE", "US", "FR")


@dataclass(frozen=True)
class Order:
    order_id: str
    visitor: int
    currency: str
    lines: tuple[tuple[str, Decimal, int], ...]  # (sku, unit price, quantity)
    bot: bool
    source: str
    country: str
    refund: Decimal  # 0: none; refunded by the shop's server (never flagged as a bot)

    @property
    def value(self) -> Decimal:
        return sum((price * qty for _, price, qty in self.lines), Decimal(0))


def seeded_orders(seed: int, n: int, currencies: tuple[str, ...], bot_share: float = 0.0) -> list[Order]:
    rng, orders = random.Random(seed), []
    for i in range(n):
        lines = tuple((f"SKU-{rng.randrange(6)}", Decimal(rng.randrange(1, 50_000)) / 100, rng.randint(1, 3))
                      for _ in range(rng.randint(1, 3)))
        value = sum((p * q for _, p, q in lines), Decimal(0))
        refund = (value * rng.randrange(1, 100) / 100).quantize(Decimal("0.01")) if rng.random() < 0.25 else Decimal(0)
        visitor = 10_000 * (seed + 1) + i
        orders.append(Order(f"O-{seed}-{i}", visitor, rng.choice(currencies), lines, rng.random() < bot_share,
                            rng.choice(SOURCES), rng.choice(COUNTRIES), refund))
    return orders


def events_of(site_id: str, orders: list[Order]) -> list:
    """The purchases (as the browser sends them in the order's visit, bots flagged by device_intel;
    no referrer of their own) and the refunds (by the shop's server, outside any visit)."""
    out = []
    for i, o in enumerate(orders):
        items = [{"item_id": sku, "price": str(price), "quantity": qty} for sku, price, qty in o.lines]
        out.append(purchase(site_id, o.order_id, str(o.value), o.currency, visitor=o.visitor, session=o.visitor,
                            ts_ms=NOON_MS + i, is_bot=int(o.bot), extra={"items": items}))
        if o.refund:
            out.append(shop_event(site_id, "refund", {"order_id": o.order_id, "refund_id": "r", "currency": o.currency,
                                                      "value": str(o.refund)}, visitor=9, ts_ms=NOON_MS + 10_000 + i))
    return out


def visits_of(site_id: str, orders: list[Order]) -> list[dict]:
    """Each order's visit in the events log: its entry pageview, a minute before the purchase, with
    the order's source and country (the visit's attributes the breakdown reports by)."""
    return [{"site_id": site_id, "event_id": str(uuid.uuid4()), "type": "pageview", "name": "pageview",
             "ts_ms": NOON_MS + i - 60_000, "received_ms": NOON_MS, "visitor_id": o.visitor, "session_id": o.visitor,
             "source": o.source, "country": o.country, "is_bot": int(o.bot)} for i, o in enumerate(orders)]


def rounded(amount: Decimal) -> Decimal:
    return amount.quantize(PLACES, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Truth:
    orders: int
    gross: dict[str, Decimal]  # per original currency
    refunds: dict[str, Decimal]
    refund_count: int
    product_revenue: dict[str, dict[str, Decimal]]  # sku -> currency -> amount
    product_quantity: dict[str, int]
    product_orders: dict[str, int]
    by_source: dict[str, tuple[dict[str, Decimal], dict[str, Decimal]]]  # source -> (gross, refunds) per currency
    buyers: int


def truth(orders: list[Order], *, include_bots: bool) -> Truth:
    kept = [o for o in orders if include_bots or not o.bot]
    gross, refunds = defaultdict(Decimal), defaultdict(Decimal)
    revenue, quantity, with_sku = defaultdict(lambda: defaultdict(Decimal)), defaultdict(int), defaultdict(set)
    by_source = defaultdict(lambda: (defaultdict(Decimal), defaultdict(Decimal)))
    for o in kept:
        gross[o.currency] += o.value
        refunds[o.currency] += o.refund
        by_source[o.source][0][o.currency] += o.value
        by_source[o.source][1][o.currency] += o.refund
        for sku, price, qty in o.lines:
            revenue[sku][o.currency] += price * qty
            quantity[sku] += qty
            with_sku[sku].add(o.order_id)
    return Truth(len(kept), dict(gross), dict(refunds), sum(1 for o in kept if o.refund),
                 {k: dict(v) for k, v in revenue.items()}, dict(quantity), {k: len(v) for k, v in with_sku.items()},
                 {k: (dict(g), dict(r)) for k, (g, r) in by_source.items()}, len({o.visitor for o in kept}))


def converted(amounts: dict[str, Decimal], rates: dict[str, Decimal]) -> Decimal:
    """Into the reporting currency: the amounts with a rate, rounded once."""
    return rounded(sum((a * rates[c] for c, a in amounts.items() if c in rates), Decimal(0)))


def net(gross_and_refunds: tuple[dict[str, Decimal], dict[str, Decimal]], rates: dict[str, Decimal]) -> Decimal:
    """Revenue as the reports define it: converted gross minus converted refunds, each rounded once."""
    gross, refunds = gross_and_refunds
    return converted(gross, rates) - converted(refunds, rates)
