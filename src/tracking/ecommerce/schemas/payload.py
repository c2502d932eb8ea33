"""The `ecommerce` object of a shop event, validated at the edge before the 202.

Amounts are exact decimals, never floats: the edge parses JSON with orjson, so a number arrives
as a Python float and is taken back to its shortest decimal text (`0.1` stays `0.1`), strings
like `"19.99"` are read as they are, and everything is rounded half-even to 4 places (what
ClickHouse `Decimal(18,4)` keeps; it also drops JavaScript artefacts like 0.30000000000000004).
The normalised payload travels in `TrackedEvent.data` with decimals as strings.

GA4 data layers map 1:1: `transaction_id` is accepted for `order_id`, and GA4 fields this module
does not use (affiliation, item_category2..5, index...) are accepted and dropped. Any other field
is a typo and is rejected with its path, e.g. `ecommerce.items.2.price: must not be negative`.
"""

import math
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Annotated, Any

import iso4217
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from core.bus.events import EcommerceEventTracked
from core.ingest.schemas import BrowserEvent

EVENT_NAMES = ("view_item_list", "view_item", "add_to_cart", "remove_from_cart", "view_cart", "begin_checkout",
               "add_shipping_info", "add_payment_info", "purchase", "refund")
LEDGER_EVENTS = frozenset({"purchase", "refund"})  # counted once per order / refund, via the ledger
FUNNEL_STEPS = ("view_item", "add_to_cart", "begin_checkout", "add_payment_info", "purchase")
CURRENCIES = frozenset(c.code for c in iso4217.Currency)
MAX_ITEMS = 200
_PLACES = Decimal("0.0001")
_LIMIT = Decimal(10) ** 14  # Decimal(18,4) holds 14 integer digits
_GA4_EVENT_EXTRAS = frozenset({"affiliation", "item_list_id", "item_list_name", "payment_type", "shipping_tier",
                               "promotion_id", "promotion_name", "creative_name", "creative_slot"})
_GA4_ITEM_EXTRAS = frozenset({"affiliation", "coupon", "index", "item_category2", "item_category3",
                              "item_category4", "item_category5", "item_list_id", "item_list_name", "location_id",
                              "promotion_id", "promotion_name", "creative_name", "creative_slot"})

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Key = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


def to_amount(value: Any) -> Decimal:
    """A non-negative amount as an exact Decimal with 4 places (from int, float, numeric string)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise PydanticCustomError("amount", "must be a number or a numeric string")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PydanticCustomError("amount", "must be a finite number")
        value = repr(value)  # the shortest text that reads back as this float: the JSON the client sent
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise PydanticCustomError("amount", "must be a number or a numeric string") from None
    if not amount.is_finite():
        raise PydanticCustomError("amount", "must be a finite number")
    if amount < 0:
        raise PydanticCustomError("amount", "must not be negative")
    if amount >= _LIMIT:
        raise PydanticCustomError("amount", "must be less than 10^14")
    return amount.quantize(_PLACES, rounding=ROUND_HALF_EVEN)


def to_currency(value: Any) -> str:
    if not isinstance(value, str) or value.strip().upper() not in CURRENCIES:
        raise PydanticCustomError("currency", "must be an ISO 4217 currency code like EUR or USD")
    return value.strip().upper()


Amount = Annotated[Decimal, BeforeValidator(to_amount)]
Currency = Annotated[str, BeforeValidator(to_currency)]


def _drop(extras: frozenset[str]):
    def drop(data: Any) -> Any:
        return {k: v for k, v in data.items() if k not in extras} if isinstance(data, dict) else data
    return drop


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_id: Key = ""
    item_name: Text = ""
    item_brand: Text = ""
    item_category: Text = ""
    item_variant: Text = ""
    price: Amount | None = Field(None, description="Unit price after discount (GA4 semantics).")
    quantity: int = Field(1, ge=1, le=1_000_000, strict=True)
    discount: Amount | None = Field(None, description="Unit discount already taken off `price`.")

    _ga4 = model_validator(mode="before")(_drop(_GA4_ITEM_EXTRAS))

    @model_validator(mode="after")
    def _named(self) -> "Item":
        if not (self.item_id or self.item_name):
            raise PydanticCustomError("item", "needs item_id or item_name")
        return self

    @property
    def key(self) -> str:
        """What the products report groups by: the id, or the name for items sent without one."""
        return self.item_id or self.item_name


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_id: Key = ""
    refund_id: Key = Field("", description="Identifies one refund of an order; retries of it count once.")
    currency: Currency | None = None
    value: Amount | None = None
    tax: Amount | None = None
    shipping: Amount | None = None
    coupon: Key = ""
    items: list[Item] = Field(default_factory=list, max_length=MAX_ITEMS)

    @model_validator(mode="before")
    @classmethod
    def _ga4_names(cls, data: Any) -> Any:
        data = _drop(_GA4_EVENT_EXTRAS)(data)
        if isinstance(data, dict) and "transaction_id" in data:
            if "order_id" in data:
                raise PydanticCustomError("order", "send order_id or transaction_id, not both")
            data = {**data, "order_id": data["transaction_id"]}
            del data["transaction_id"]
        return data

    def priced(self) -> bool:
        return any(a is not None for a in (self.value, self.tax, self.shipping)) or any(
            i.price is not None or i.discount is not None for i in self.items)

    def items_total(self) -> Decimal:
        return sum(((i.price or Decimal(0)) * i.quantity for i in self.items), Decimal("0.0000"))


class _Envelope(BaseModel):
    """Validating through the envelope puts `ecommerce.` in front of every error path."""

    ecommerce: Payload = Field(default_factory=Payload)


class EcommerceEventType:
    """The `ecommerce` event type for the collect endpoints (core.ingest.event_types.EventTypeSpec)."""

    type = "ecommerce"
    event_class = EcommerceEventTracked
    fields = frozenset({"ecommerce"})

    def validate(self, event: BrowserEvent, extra: dict) -> dict:
        if event.name not in EVENT_NAMES:
            raise ValueError(f"name: {event.name!r} is not an ecommerce event (one of: {', '.join(EVENT_NAMES)})")
        payload = _Envelope.model_validate(extra).ecommerce
        if payload.currency is None and payload.priced():
            raise ValueError("ecommerce.currency: required when an amount (value, tax, shipping, price) is sent")
        if event.name in LEDGER_EVENTS and not payload.order_id:
            raise ValueError(f"ecommerce.order_id: required for {event.name}")
        if event.name == "purchase" and payload.value is None:
            if not payload.items:
                raise ValueError("ecommerce.value: a purchase needs a value or priced items")
            payload.value = payload.items_total()  # GA4 leaves it to the sender; the sum of the lines
        return payload.model_dump(mode="json", exclude_defaults=True)


def parse_payload(data: str | bytes) -> Payload:
    """The payload a handler reads back from `TrackedEvent.data` (validated at the edge already)."""
    return Payload.model_validate_json(data or "{}")

