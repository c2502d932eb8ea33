"""Shapes of the ecommerce reports and of the currency settings.

The reporting currency of a report (`currency` below) is the site's choice; without one, the
currency of the range's orders when they all share one; otherwise the configured default.

Money is a decimal with 4 places, serialised as a JSON string ("12.3400") so no client parses it
into a float by accident; rates are decimals too. Ratios (conversion, add-to-cart) are floats.
"""

import math
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from tracking.ecommerce.schemas.payload import Currency


def to_rate(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise PydanticCustomError("rate", "must be a positive number or numeric string")
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("rate", "must be a finite number")
    try:
        rate = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise PydanticCustomError("rate", "must be a positive number or numeric string") from None
    if not rate.is_finite() or rate <= 0 or rate >= Decimal(10) ** 12:
        raise PydanticCustomError("rate", "must be a positive number below 10^12")
    return rate


Rate = Annotated[Decimal, BeforeValidator(to_rate)]


_CHOICE = ("ISO 4217 code the site's revenue is always reported in; `null`: no choice, so a range whose "
           "orders are all in one currency reports in that currency, and one with several in the configured "
           "default (`configured_currency`).")


class CurrencyRatesUpdate(BaseModel):
    reporting_currency: Currency | None = Field(description=_CHOICE, examples=["USD", None])
    rates: dict[Currency, Rate] = Field(default_factory=dict, description=(
        "Value of one unit of each currency in the reporting currency (without a choice: in the configured "
        "default), e.g. {\"USD\": \"0.92\"}. Replaces the site's previous rates."))

    @model_validator(mode="after")
    def _no_rate_for_itself(self) -> "CurrencyRatesUpdate":
        if self.reporting_currency is not None and self.reporting_currency in self.rates:
            raise PydanticCustomError("rate", "rates: the reporting currency itself always converts at 1")
        return self


class CurrencySettings(BaseModel):
    reporting_currency: str | None = Field(description=_CHOICE)
    rates: dict[str, Decimal] = Field(description="The site's own rates (set by PUT).")
    configured_currency: str = Field(description="UT_ECOMMERCE_REPORTING_CURRENCY, the default.")
    configured_rates: dict[str, Decimal] = Field(description="UT_ECOMMERCE_CURRENCY_RATES, into the default.")


class CurrencyTotal(BaseModel):
    currency: str
    orders: int
    gross_revenue: Decimal = Field(description="Purchases, in this original currency.")
    refunds: Decimal = Field(description="Refunds, in this original currency.")


class Overview(BaseModel):
    currency: str = Field(description="The reporting currency every amount below is converted into.")
    currency_source: Literal["site", "orders", "default"] = Field(description=(
        "Why: `site` the site chose it; `orders` no choice, and every order and refund in the range is in it; "
        "`default` no choice and several currencies (or none), so the configured default."))
    revenue: Decimal = Field(description="gross_revenue - refunds.")
    gross_revenue: Decimal = Field(description="Recorded purchases (each order_id once).")
    refunds: Decimal = Field(description="Recorded refunds (full or partial) in the range.")
    refund_count: int
    orders: int
    average_order_value: Decimal = Field(description="gross_revenue / orders (orders with a rate).")
    tax: Decimal
    shipping: Decimal
    visitors: int = Field(description="Unique visitors of the site (any event).")
    purchasing_visitors: int
    conversion_rate: float = Field(description="purchasing_visitors / visitors.")
    by_currency: list[CurrencyTotal] = Field(description="The same money in the original currencies.")
    unconverted_currencies: list[str] = Field(description="Currencies without a rate: left out of the totals.")


class FunnelStep(BaseModel):
    step: int
    name: str
    visitors: int = Field(description="Visitors who did this step after all earlier ones, in order.")
    conversion_rate: float = Field(description="visitors / visitors of step 1.")
    drop_off: int = Field(description="Visitors of the previous step who did not get here.")
    drop_off_rate: float = Field(description="drop_off / visitors of the previous step.")


class Funnel(BaseModel):
    window: str = Field(description="`session`, or the window in minutes from the first step.")
    steps: list[FunnelStep]
    conversion_rate: float = Field(description="Visitors who purchased / visitors who viewed an item.")


class ProductRow(BaseModel):
    item_id: str = Field(description="The item id (or the item name for items sent without an id).")
    item_name: str
    views: int = Field(description="view_item events listing the item.")
    add_to_carts: int = Field(description="add_to_cart events listing the item.")
    add_to_cart_rate: float | None = Field(description="add_to_carts / views; null without views.")
    purchases: int = Field(description="Recorded orders containing the item.")
    quantity: int = Field(description="Units in recorded orders.")
    revenue: Decimal = Field(description="price x quantity of recorded orders, minus refunded lines.")
    currency: str = Field(description="The reporting currency of `revenue` (the overview's `currency`).")


class BreakdownRow(BaseModel):
    value: str | None = Field(description="The property value; null when unknown.")
    orders: int
    gross_revenue: Decimal
    refunds: Decimal
    revenue: Decimal
    currency: str = Field(description="The reporting currency of the amounts (the overview's `currency`).")
