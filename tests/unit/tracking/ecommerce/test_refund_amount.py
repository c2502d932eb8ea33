"""How much a refund takes back: its value, else its lines, else the rest of the order; capped."""

from decimal import Decimal

from tracking.ecommerce.models import LedgerOrder, LedgerRefund
from tracking.ecommerce.schemas.payload import Payload
from tracking.ecommerce.service.recorder import refund_amount

D = Decimal
ORDER = LedgerOrder(order_id="A", currency="EUR", value=D("100.10"))


def refund(**fields) -> Payload:
    return Payload.model_validate({"order_id": "A", **fields})


def refunded(*amounts: str, currency: str = "EUR") -> list[LedgerRefund]:
    return [LedgerRefund(currency=currency, amount=D(a)) for a in amounts]


def test_by_value_by_items_and_in_full():
    assert refund_amount(refund(currency="EUR", value="30.03"), ORDER, []) == ("EUR", D("30.03"))
    lines = [{"item_id": "a", "price": "10.01", "quantity": 2}, {"item_id": "b", "price": "0.5"}]
    assert refund_amount(refund(currency="EUR", items=lines), ORDER, []) == ("EUR", D("20.52"))
    assert refund_amount(refund(), ORDER, refunded("30.03")) == ("EUR", D("70.07"))


def test_never_more_than_what_is_left_of_the_order():
    assert refund_amount(refund(currency="EUR", value="80"), ORDER, refunded("30.03")) == ("EUR", D("70.07"))
    assert refund_amount(refund(), ORDER, refunded("60", "40.10")) == ("EUR", D("0"))
    # refunds in another currency are not comparable: they neither cap nor get capped
    assert refund_amount(refund(currency="USD", value="500"), ORDER, []) == ("USD", D("500"))
    assert refund_amount(refund(), ORDER, refunded("500", currency="USD")) == ("EUR", D("100.10"))


def test_an_order_never_recorded_refunds_only_what_is_sent():
    assert refund_amount(refund(currency="EUR", value="12"), None, []) == ("EUR", D("12"))
    assert refund_amount(refund(), None, []) == ("", D("0"))
