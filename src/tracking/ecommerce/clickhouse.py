"""All ClickHouse SQL of ecommerce: its three tables and the queries over them.

- `ecommerce_events`: one row per shop event (every name), for funnels.
- `ecommerce_items`: one row per item line: of browsing/cart/checkout events always, of purchases
  and refunds only when the ledger recorded them.
- `ecommerce_orders`: one row per recorded purchase and per recorded refund, original currency.

Idempotence: the bus delivers at least once, and a crash can come between the ledger commit and
these inserts, after which the recorded events are written again. So every table is a
ReplacingMergeTree keyed by what identifies a row (event, line, order entry), and every query
removes copies the merge has not removed yet without FINAL: counts are uniqExact of ids, sums go
through a `GROUP BY <identity>` subquery with any() (copies are identical by construction).
Types and functions run on ClickHouse 18.16 and on chDB 26.9 alike (Decimal(18,4), no windows).

Bots: every row carries `is_bot` (device_intel's verdict on the event; a refund takes its order's),
and every query keeps `is_bot <= %(max_bot)s`: 0 leaves bots out, 1 (`include_bots`) counts them.
Rows written before version 2 read 0.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from core.analytics.migrations import Migration
from core.analytics.port import AnalyticsStore
from core.bus.events import TrackedEvent
from tracking.ecommerce.schemas.payload import FUNNEL_STEPS, Payload

_TABLE_TAIL = "ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(day)"
CREATE_EVENTS = f"""
CREATE TABLE IF NOT EXISTS ecommerce_events (
    site_id String, day Date, ts DateTime('UTC'), ts_ms Int64, event_id UUID, name String,
    visitor_id UInt64, session_id UInt64, order_id String
) {_TABLE_TAIL} ORDER BY (site_id, day, name, event_id)
"""
CREATE_ITEMS = f"""
CREATE TABLE IF NOT EXISTS ecommerce_items (
    site_id String, day Date, ts DateTime('UTC'), event_id UUID, idx UInt16, name String,
    visitor_id UInt64, order_id String, item_key String, item_id String, item_name String,
    item_brand String, item_category String, item_variant String, currency String,
    price Decimal(18, 4), quantity UInt32, discount Decimal(18, 4)
) {_TABLE_TAIL} ORDER BY (site_id, day, item_key, event_id, idx)
"""
CREATE_ORDERS = f"""
CREATE TABLE IF NOT EXISTS ecommerce_orders (
    site_id String, day Date, ts DateTime('UTC'), kind String, order_id String, entry_key String,
    event_id UUID, visitor_id UInt64, session_id UInt64, currency String, value Decimal(18, 4),
    tax Decimal(18, 4), shipping Decimal(18, 4), coupon String,
    source String, channel String, device_type String, country String
) {_TABLE_TAIL} ORDER BY (site_id, day, kind, order_id, entry_key)
"""
# ecommerce_orders' source, channel, device_type and country (the purchase event's own, which
# carries no referrer) are no longer written or read: reports take the *visit's* attributes from
# the query engine. The columns stay for existing installs and read ''.
MIGRATIONS = (Migration(1, (CREATE_EVENTS, CREATE_ITEMS, CREATE_ORDERS)),
              Migration(2, tuple(f"ALTER TABLE {t} ADD COLUMN is_bot UInt8 DEFAULT 0"
                                 for t in ("ecommerce_events", "ecommerce_items", "ecommerce_orders"))))

# Every query's filter (also on core's `events`, which has `is_bot` too).
_RANGE = """site_id = %(site_id)s AND day BETWEEN %(day_from)s AND %(day_to)s
    AND ts >= %(start)s AND ts < %(end)s AND is_bot <= %(max_bot)s"""

# One row per recorded order entry (purchase or refund), copies collapsed.
_ENTRIES = f"""(SELECT kind, order_id, entry_key, any(currency) AS cur,
    any(value) AS v, any(tax) AS tx, any(shipping) AS sh
  FROM ecommerce_orders WHERE {_RANGE} GROUP BY kind, order_id, entry_key)"""

ORDER_TOTALS = f"""
SELECT kind, cur, count(), sum(v), sum(tx), sum(sh) FROM {_ENTRIES} GROUP BY kind, cur
"""
# The currencies recorded purchases and refunds were made in: what "a single-currency shop" means.
ORDER_CURRENCIES = f"SELECT DISTINCT currency FROM ecommerce_orders WHERE {_RANGE} AND currency != ''"
PURCHASING_VISITORS = f"SELECT uniqExact(visitor_id) FROM ecommerce_orders WHERE {_RANGE} AND kind = 'purchase'"
VISITORS = f"SELECT uniqExact(visitor_id) FROM events WHERE {_RANGE}"

# The query engine's `orders` / `total_revenue` / `average_revenue` (service/query_metrics.py):
# the purchases the ledger recorded, one row per purchase event, with its value and currency, for
# the engine to join to the events log (core.query.contributions `entries`). Copies collapse by
# event; the columns are named so they cannot clash with the events log's.
PURCHASE_ENTRIES = """SELECT event_id, any(currency) AS ec_currency, any(value) AS ec_value FROM ecommerce_orders
    WHERE site_id = %(site_id)s AND day BETWEEN %(pad_from)s AND %(pad_to)s AND kind = 'purchase'
    GROUP BY event_id"""
PURCHASE_NUMBERS = {"ec_orders": "count()", "ec_gross": "sum(ec_value)"}
PURCHASE_SPLIT = "ec_currency"
# The engine's `refunds`: the refunds the ledger recorded, one row per refund event, with their
# amount and currency, counted at the refund's own time but under its *order's* visit (`ec_visit`:
# the session of the order's recorded purchase, whenever that was; the refund's own session when
# the order was never recorded here). Bots follow the order (the refund row carries its flag).
REFUND_ENTRIES = """SELECT event_id, ec_currency, ec_refund, if(ec_order_session != 0, ec_order_session, ec_own_session)
        AS ec_visit
    FROM (SELECT event_id, any(order_id) AS ec_order, any(currency) AS ec_currency, any(value) AS ec_refund,
              any(session_id) AS ec_own_session
          FROM ecommerce_orders WHERE site_id = %(site_id)s AND day BETWEEN %(pad_from)s AND %(pad_to)s
              AND kind = 'refund' AND is_bot <= %(max_bot)s
          GROUP BY event_id) AS refund
    ANY LEFT JOIN (SELECT order_id AS ec_order, any(session_id) AS ec_order_session FROM ecommerce_orders
          WHERE site_id = %(site_id)s AND day <= %(pad_to)s AND kind = 'purchase' AND order_id IN (
              SELECT order_id FROM ecommerce_orders WHERE site_id = %(site_id)s
                  AND day BETWEEN %(pad_from)s AND %(pad_to)s AND kind = 'refund')
          GROUP BY order_id) AS ordered USING ec_order"""
REFUND_NUMBERS = {"ec_refunds": "sum(ec_refund)"}
REFUND_VISIT = "ec_visit"

PRODUCT_COUNTS = f"""
SELECT item_key, max(item_name), uniqExactIf(event_id, name = 'view_item'),
       uniqExactIf(event_id, name = 'add_to_cart'), uniqExactIf(order_id, name = 'purchase')
FROM ecommerce_items WHERE {_RANGE} GROUP BY item_key
"""
PRODUCT_SALES = f"""
SELECT k, n, cur, sum(q), sum(amount) FROM (
  SELECT event_id, idx, any(item_key) AS k, any(name) AS n, any(currency) AS cur, any(quantity) AS q,
         any(toDecimal128(price, 4) * quantity) AS amount
  FROM ecommerce_items WHERE {_RANGE} AND name IN ('purchase', 'refund') GROUP BY event_id, idx)
GROUP BY k, n, cur
"""

# Funnels use windowFunnel, which 18.16 only takes on DateTime or UInt32 and which orders equal
# timestamps differently across versions. So the timestamp is (ms since the UTC day began) * 5 +
# step: millisecond precision, no ties, equal milliseconds in funnel order. Grouping by day keeps
# it consistent, and costs nothing: visitor ids rotate at 00:00 UTC anyway.
_STEPS = "[" + ", ".join(f"'{s}'" for s in FUNNEL_STEPS) + "]"
_CONDITIONS = ", ".join(f"s = {i}" for i in range(len(FUNNEL_STEPS)))
_STEP_EVENTS = f"""(SELECT day, visitor_id, session_id, indexOf({_STEPS}, name) - 1 AS s,
    toUInt32((ts_ms % 86400000) * 5 + s) AS t
  FROM ecommerce_events WHERE {_RANGE} AND has({_STEPS}, name))"""
_REACHED = ", ".join(f"countIf(lvl >= {i + 1})" for i in range(len(FUNNEL_STEPS)))
FUNNEL_BY_WINDOW = f"""
SELECT {_REACHED} FROM (
  SELECT visitor_id, max(lvl_w) AS lvl FROM (
    SELECT day, visitor_id, windowFunnel(%(window)s)(t, {_CONDITIONS}) AS lvl_w
    FROM {_STEP_EVENTS} GROUP BY day, visitor_id)
  GROUP BY visitor_id)
"""
# Sessions come from the sessions module; an event without one (session_id 0) falls back to the window.
FUNNEL_BY_SESSION = f"""
SELECT {_REACHED} FROM (
  SELECT visitor_id, max(if(session_id = 0, lvl_w, lvl_s)) AS lvl FROM (
    SELECT day, visitor_id, session_id, windowFunnel(%(window)s)(t, {_CONDITIONS}) AS lvl_w,
           windowFunnel(%(day_window)s)(t, {_CONDITIONS}) AS lvl_s
    FROM {_STEP_EVENTS} GROUP BY day, visitor_id, session_id)
  GROUP BY visitor_id)
"""
_DAY_MS = 86_400_000


@dataclass(frozen=True, slots=True)
class OrderEntry:
    """A recorded purchase or refund, as the ledger decided it."""

    kind: str  # "purchase" | "refund"
    event: TrackedEvent
    order_id: str
    entry_key: str  # the order id for a purchase, the refund id (or refund event id) for a refund
    currency: str
    value: Decimal
    tax: Decimal = Decimal(0)
    shipping: Decimal = Decimal(0)
    coupon: str = ""
    is_bot: int = 0  # the purchase event's flag; a refund of a recorded order takes the order's


# An item row's source: the event, its payload, and the bot flag of the row (the order entry's).
ItemSource = tuple[TrackedEvent, Payload, int]


class EcommerceStore:
    def __init__(self, *, analytics: AnalyticsStore) -> None:
        self._ch = analytics

    def add_events(self, events: Sequence[tuple[TrackedEvent, Payload]]) -> None:
        rows = [{**_when(e), "ts_ms": e.ts_ms, "site_id": e.site_id, "event_id": e.event_id, "name": e.name,
                 "visitor_id": e.visitor_id, "session_id": e.session_id, "order_id": p.order_id,
                 "is_bot": bot_flag(e)} for e, p in events]
        self._ch.insert("ecommerce_events", _EVENT_COLUMNS, rows)

    def add_items(self, sources: Sequence[ItemSource]) -> None:
        rows = [_item_row(e, p, idx, bot) for e, p, bot in sources for idx in range(len(p.items))]
        self._ch.insert("ecommerce_items", _ITEM_COLUMNS, rows)

    def add_orders(self, entries: Sequence[OrderEntry]) -> None:
        self._ch.insert("ecommerce_orders", _ORDER_COLUMNS, [_order_row(o) for o in entries])

    def order_totals(self, params: dict) -> list[tuple]:
        """(kind, currency, entries, value, tax, shipping) per kind and currency."""
        return [(r[0], r[1], int(r[2]), Decimal(r[3]), Decimal(r[4]), Decimal(r[5]))
                for r in self._ch.query(ORDER_TOTALS, params)]

    def order_currencies(self, params: dict) -> set[str]:
        return {r[0] for r in self._ch.query(ORDER_CURRENCIES, params)}

    def visitors(self, params: dict) -> int:
        """Unique visitors of the site, from core's events log (every event type counts)."""
        return self._count(VISITORS, params)

    def purchasing_visitors(self, params: dict) -> int:
        return self._count(PURCHASING_VISITORS, params)

    def _count(self, sql: str, params: dict) -> int:
        rows = self._ch.query(sql, params)
        return int(rows[0][0]) if rows else 0

    def funnel(self, params: dict, *, window_ms: int, by_session: bool) -> list[int]:
        """Visitors reaching each FUNNEL_STEPS step in order within the window (or the session)."""
        sql = FUNNEL_BY_SESSION if by_session else FUNNEL_BY_WINDOW
        rows = self._ch.query(sql, {**params, "window": window_ms * 5 + 4, "day_window": _DAY_MS * 5 + 4})
        return [int(v) for v in rows[0]] if rows else [0] * len(FUNNEL_STEPS)

    def product_counts(self, params: dict) -> list[tuple[str, str, int, int, int]]:
        """(item key, a name, view_item events, add_to_cart events, recorded orders) per item."""
        return [(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in self._ch.query(PRODUCT_COUNTS, params)]

    def product_sales(self, params: dict) -> list[tuple[str, str, str, int, Decimal]]:
        """(item key, purchase|refund, currency, quantity, amount) of recorded lines."""
        return [(r[0], r[1], r[2], int(r[3]), Decimal(r[4])) for r in self._ch.query(PRODUCT_SALES, params)]


_EVENT_COLUMNS = ("site_id", "day", "ts", "ts_ms", "event_id", "name", "visitor_id", "session_id", "order_id",
                  "is_bot")
_ITEM_COLUMNS = ("site_id", "day", "ts", "event_id", "idx", "name", "visitor_id", "order_id", "item_key", "item_id",
                 "item_name", "item_brand", "item_category", "item_variant", "currency", "price", "quantity",
                 "discount", "is_bot")
_ORDER_COLUMNS = ("site_id", "day", "ts", "kind", "order_id", "entry_key", "event_id", "visitor_id", "session_id",
                  "currency", "value", "tax", "shipping", "coupon", "is_bot")
_ZERO = Decimal("0.0000")


def bot_flag(e: TrackedEvent) -> int:
    return 1 if e.is_bot else 0


def _when(e: TrackedEvent) -> dict:
    ts = datetime.fromtimestamp(e.ts_ms // 1000, UTC)
    return {"day": ts.date(), "ts": ts}


def _item_row(e: TrackedEvent, p: Payload, idx: int, is_bot: int) -> dict:
    item = p.items[idx]
    return {**_when(e), "site_id": e.site_id, "event_id": e.event_id, "idx": idx, "name": e.name,
            "visitor_id": e.visitor_id, "order_id": p.order_id, "item_key": item.key, "item_id": item.item_id,
            "item_name": item.item_name, "item_brand": item.item_brand, "item_category": item.item_category,
            "item_variant": item.item_variant, "currency": p.currency or "", "price": item.price or _ZERO,
            "quantity": item.quantity, "discount": item.discount or _ZERO, "is_bot": is_bot}


def _order_row(o: OrderEntry) -> dict:
    e = o.event
    return {**_when(e), "site_id": e.site_id, "kind": o.kind, "order_id": o.order_id, "entry_key": o.entry_key,
            "event_id": e.event_id, "visitor_id": e.visitor_id, "session_id": e.session_id, "currency": o.currency,
            "value": o.value, "tax": o.tax, "shipping": o.shipping, "coupon": o.coupon, "is_bot": o.is_bot}
