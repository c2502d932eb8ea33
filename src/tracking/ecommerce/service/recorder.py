"""Recording shop events exactly once: the ledger decides, ClickHouse follows.

Every shop event goes to ClickHouse for funnels and product views (idempotent rows). Purchases
and refunds first go through the order ledger in the transactional store: a purchase is counted
only if its event is the one the ledger recorded for `(site, order_id)`; a refund only if it is
the one recorded for `(site, order_id, refund_id or refund event id)`. Retries, reloads of the
thank-you page and a server sending the same order as the browser all hit the unique key and
are not counted again.

The crash window: the ledger commits before the ClickHouse rows are written. If the process
dies in between, the bus delivers the batch again (at least once) and the ledger answers "this
very event is the recorded one", so its rows are written then. Writing them twice (a crash just
after the insert) is harmless: the tables are keyed by order entry and every query collapses
copies. The other order (ClickHouse first) would need a way to take rows back when the ledger
then says "duplicate"; this one never needs to.

Bots: rows carry the event's `is_bot`, and the ledger keeps the order's, so a refund (often sent by
the shop's server) is left out or counted together with the order it takes money from.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import groupby

from core.bus.events import TrackedEvent
from core.db.unit_of_work import UnitOfWork
from tracking.ecommerce.clickhouse import EcommerceStore, OrderEntry, bot_flag
from tracking.ecommerce.models import LedgerOrder, LedgerRefund
from tracking.ecommerce.repository import LedgerRepository
from tracking.ecommerce.schemas.payload import LEDGER_EVENTS, Payload, parse_payload

Parsed = tuple[TrackedEvent, Payload]


class OrderRecorder:
    def __init__(self, *, uow: Callable[[], UnitOfWork], store: EcommerceStore) -> None:
        self._uow = uow
        self._store = store

    def record(self, batch: Sequence[TrackedEvent]) -> None:
        events = [(e, parse_payload(e.data)) for e in batch]
        self._store.add_events(events)
        self._store.add_items([(e, p, bot_flag(e)) for e, p in events if e.name not in LEDGER_EVENTS])
        ledger_events = [(e, p) for e, p in events if e.name in LEDGER_EVENTS]
        if not ledger_events:
            return
        entries = self._record_in_ledger(ledger_events)  # committed here
        payloads = {(e.site_id, e.event_id): p for e, p in ledger_events}
        self._store.add_orders(entries)
        self._store.add_items([(o.event, payloads[o.event.site_id, o.event.event_id], o.is_bot) for o in entries])

    def _record_in_ledger(self, events: list[Parsed]) -> list[OrderEntry]:
        # Oldest first, so within a batch the first copy of an order is the one recorded.
        events = sorted(events, key=lambda ep: (ep[0].site_id, ep[0].ts_ms, ep[0].event_id))
        entries: list[OrderEntry] = []
        with self._uow() as session:
            repo = LedgerRepository(session)
            for site_id, group in groupby(events, key=lambda ep: ep[0].site_id):
                site_events = list(group)
                purchases = [(e, p) for e, p in site_events if e.name == "purchase"]
                repo.add_orders([_ledger_order(e, p) for e, p in purchases])
                recorded = repo.orders(site_id, (p.order_id for _, p in purchases))
                entries += [_purchase_entry(e, p) for e, p in purchases
                            if recorded[p.order_id].event_id == e.event_id]
                for e, p in site_events:
                    if e.name == "refund":
                        entries += self._refund(repo, e, p)
        return entries

    def _refund(self, repo: LedgerRepository, e: TrackedEvent, p: Payload) -> list[OrderEntry]:
        key = p.refund_id or e.event_id
        row = repo.refund(e.site_id, p.order_id, key)
        if row is None:
            order = repo.order_for_update(e.site_id, p.order_id)
            previous = repo.refunds_of(e.site_id, p.order_id)
            currency, amount = refund_amount(p, order, previous)
            repo.add_refund({"site_id": e.site_id, "order_id": p.order_id, "refund_key": key,
                             "event_id": e.event_id, "currency": currency, "amount": amount})
            row = repo.refund(e.site_id, p.order_id, key)
        if row is None or row.event_id != e.event_id:
            return []  # another event already recorded this refund
        order = repo.orders(e.site_id, [p.order_id]).get(p.order_id)
        # A refund is a bot's when its order is (the engine counts it under the order's visit).
        return [OrderEntry("refund", e, p.order_id, key, row.currency, row.amount,
                           is_bot=order.is_bot if order is not None else bot_flag(e))]


def refund_amount(p: Payload, order: LedgerOrder | None, previous: Sequence[LedgerRefund]) -> tuple[str, Decimal]:
    """(currency, amount) of a refund: its `value`, else the sum of its items, else the rest of the
    order (a full refund). Never more than what is left of a known order in the same currency."""
    requested = p.value if p.value is not None else (p.items_total() if p.items else None)
    if order is None:  # an order never recorded here: there is no revenue to take back beyond what is sent
        return p.currency or "", requested if requested is not None else Decimal("0.0000")
    currency = p.currency or order.currency
    if currency != order.currency:
        return currency, requested if requested is not None else Decimal("0.0000")
    refunded = sum((r.amount for r in previous if r.currency == order.currency), Decimal(0))
    left = max(order.value - refunded, Decimal(0))
    return currency, left if requested is None else min(requested, left)


def _ledger_order(e: TrackedEvent, p: Payload) -> dict:
    return {"site_id": e.site_id, "order_id": p.order_id, "event_id": e.event_id, "currency": p.currency or "",
            "value": p.value or Decimal(0), "is_bot": bot_flag(e)}


def _purchase_entry(e: TrackedEvent, p: Payload) -> OrderEntry:
    zero = Decimal("0.0000")
    return OrderEntry("purchase", e, p.order_id, p.order_id, p.currency or "", p.value or zero, p.tax or zero,
                      p.shipping or zero, p.coupon, bot_flag(e))
