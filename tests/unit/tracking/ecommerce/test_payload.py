"""The `ecommerce` event type at the edge: exact decimals, ISO 4217, GA4 names, errors that name
the field, the item index and the event index."""

from datetime import date
from decimal import Decimal

import orjson
import pytest

from core.ingest.context import RequestContext
from core.ingest.edge import Edge
from core.ingest.service import IngestService
from core.metrics import Metrics
from core.tenancy.salts import DailySalts
from core.tenancy.service import TenancyService
from tests.unit.core.ingest.test_service import RecordingBuffer
from tracking.ecommerce.schemas.payload import EcommerceEventType, parse_payload, to_amount

CTX = RequestContext("203.0.113.5", "Mozilla/5.0", 1_710_000_000_000)


@pytest.fixture
def collect(uow):
    tenancy, buffer = TenancyService(uow=uow), RecordingBuffer()
    sid = tenancy.create_site(domain="shop.example").site_id
    edge = Edge(salts=DailySalts(uow=uow, today=lambda: date(2024, 3, 9)))
    ingest = IngestService(edge=edge, buffer=buffer, tenancy=tenancy, metrics=Metrics(),
                           event_types=[EcommerceEventType()])

    def run(*events: dict):
        result = ingest.collect_browser([{"site_id": sid, "type": "ecommerce", **e} for e in events], CTX, None)
        return result, [orjson.loads(r["data"]) for r in buffer.records()]
    return run


def test_a_ga4_purchase_is_kept_with_exact_decimal_strings(collect):
    ga4 = {"transaction_id": "T-1", "currency": "eur", "tax": 0.05, "shipping": 4.9, "affiliation": "web",
           "items": [{"item_id": "a", "price": 0.1, "quantity": 2, "index": 0, "item_category2": "x"},
                     {"item_name": "b", "price": "0.2", "discount": 1}]}
    result, (data,) = collect({"name": "purchase", "ecommerce": ga4})
    assert (result.accepted, result.rejected) == (1, [])
    assert data == {"order_id": "T-1", "currency": "EUR", "value": "0.4000", "tax": "0.0500", "shipping": "4.9000",
                    "items": [{"item_id": "a", "price": "0.1000", "quantity": 2},
                              {"item_name": "b", "price": "0.2000", "discount": "1.0000"}]}
    payload = parse_payload(orjson.dumps(data))
    assert payload.value == Decimal("0.4") and payload.items_total() == Decimal("0.4")


@pytest.mark.parametrize(("raw", "kept"), [
    (0.1, "0.1000"), (19.99, "19.9900"), (0.30000000000000004, "0.3000"), ("  7 ", "7.0000"),
    (10**13, "10000000000000.0000"),
    ("1e2", "100.0000"), (0.00005, "0.0000"), (0.00015, "0.0002"),  # half-even at the 4th place
])
def test_amounts_become_exact_decimals(raw, kept):
    assert str(to_amount(raw)) == kept


def test_errors_name_the_event_index_the_field_and_the_item_index(collect):
    result, kept = collect(
        {"name": "view_item", "ecommerce": {"currency": "EUR", "items": [{"item_id": "ok", "price": 1}]}},
        {"name": "purchase", "ecommerce": {"currency": "EUR", "items": [{"item_id": "a", "price": 1},
                                                                        {"item_id": "b", "price": -2}]}},
        {"name": "purchase", "ecommerce": {"currency": "EUR", "value": 5}},
        {"name": "refund", "ecommerce": {"order_id": "A", "currency": "EURO", "value": 1}},
        {"name": "add_to_cart", "ecommerce": {"value": 3, "items": [{"item_id": "a"}]}},
        {"name": "add_to_cart", "ecommerce": {"currency": "EUR", "items": [{"price": 1}, {"item_id": "x", "qty": 2}]}},
        {"name": "checkout", "ecommerce": {}},
        {"name": "purchase", "ecommerce": {"order_id": "A", "currency": "EUR", "value": float("inf")}},
        {"name": "purchase", "ecommerce": {"order_id": "A", "currency": "EUR", "value": True}},
        {"name": "view_item", "ecommerce": {"curency": "EUR"}},
        {"name": "purchase", "ecommerce": {"order_id": "A", "currency": "EUR"}},
        {"name": "view_item", "ecommerce": {"items": [{"item_id": "x", "quantity": 1.5}]}},
    )
    assert result.accepted == 1 and len(kept) == 1
    errors = {r["index"]: r["error"] for r in result.rejected}
    assert errors == {
        1: "ecommerce.items.1.price: must not be negative",
        2: "ecommerce.order_id: required for purchase",
        3: "ecommerce.currency: must be an ISO 4217 currency code like EUR or USD",
        4: "ecommerce.currency: required when an amount (value, tax, shipping, price) is sent",
        5: "ecommerce.items.0: needs item_id or item_name; ecommerce.items.1.qty: Extra inputs are not permitted",
        6: "name: 'checkout' is not an ecommerce event (one of: view_item_list, view_item, add_to_cart, "
           "remove_from_cart, view_cart, begin_checkout, add_shipping_info, add_payment_info, purchase, refund)",
        7: "ecommerce.value: must be a finite number",
        8: "ecommerce.value: must be a number or a numeric string",
        9: "ecommerce.curency: Extra inputs are not permitted",
        10: "ecommerce.value: a purchase needs a value or priced items",
        11: "ecommerce.items.0.quantity: Input should be a valid integer",
    }


def test_limits_and_ga4_alias_conflicts_are_rejected(collect):
    result, _ = collect(
        {"name": "purchase", "ecommerce": {"order_id": "A", "transaction_id": "B", "currency": "EUR", "value": 1}},
        {"name": "view_item", "ecommerce": {"items": [{"item_id": "x"}] * 201}},
        {"name": "purchase", "ecommerce": {"order_id": "A", "currency": "EUR", "value": "1e14"}},
        {"name": "refund", "ecommerce": {"order_id": "A" * 201}},
        {"name": "view_item", "ecommerce": "not an object"},
    )
    errors = [r["error"] for r in result.rejected]
    assert result.accepted == 0 and len(errors) == 5
    assert errors[0] == "ecommerce: send order_id or transaction_id, not both"
    assert errors[1].startswith("ecommerce.items: List should have at most 200 items")
    assert errors[2] == "ecommerce.value: must be less than 10^14"
    assert errors[3].startswith("ecommerce.order_id: String should have at most 200 characters")
    assert errors[4].startswith("ecommerce: Input should be a valid dictionary")
