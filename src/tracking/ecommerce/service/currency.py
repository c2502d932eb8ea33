"""Reporting currencies and conversion rates.

Rows keep the currency each order was placed in; reports convert at read time, so correcting a
rate corrects every report. A rate is what one unit of a currency is worth in the reporting
currency. Where it comes from, first match wins:

1. the currency is the reporting currency: 1;
2. the site's own rates (`PUT /api/v1/sites/{id}/currency-rates`);
3. the configured rates (`UT_ECOMMERCE_CURRENCY_RATES`, into `UT_ECOMMERCE_REPORTING_CURRENCY`),
   directly or crossed through that currency when the site reports in another one.

Amounts in a currency without a rate are left out of converted totals and listed, never guessed.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from core.db.unit_of_work import UnitOfWork
from tracking.ecommerce.repository import CurrencyRepository
from tracking.ecommerce.schemas.payload import CURRENCIES
from tracking.ecommerce.schemas.reports import CurrencySettings

PLACES = Decimal("0.0001")


def rounded(amount: Decimal) -> Decimal:
    return amount.quantize(PLACES, rounding=ROUND_HALF_EVEN)


def parse_rates(text: str) -> dict[str, Decimal]:
    """`USD=0.92,GBP=1.17` -> {"USD": Decimal("0.92"), ...}; ValueError names the bad pair."""
    rates: dict[str, Decimal] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        code, _, value = pair.partition("=")
        code = code.strip().upper()
        try:
            rate = Decimal(value.strip())
        except InvalidOperation:
            rate = Decimal("NaN")
        if code not in CURRENCIES or not rate.is_finite() or rate <= 0:
            raise ValueError(f"UT_ECOMMERCE_CURRENCY_RATES: {pair!r} is not CODE=positive number")
        rates[code] = rate
    return rates


@dataclass(frozen=True, slots=True)
class Converted:
    total: Decimal  # in the reporting currency, rounded half-even to 4 places
    unconverted: dict[str, Decimal] = field(default_factory=dict)  # currency -> amount left out


@dataclass(frozen=True, slots=True)
class Converter:
    currency: str
    site_rates: Mapping[str, Decimal]
    configured_currency: str
    configured_rates: Mapping[str, Decimal]

    def rate(self, currency: str) -> Decimal | None:
        if currency == self.currency:
            return Decimal(1)
        if currency in self.site_rates:
            return self.site_rates[currency]
        into_configured = (Decimal(1) if currency == self.configured_currency
                           else self.configured_rates.get(currency))
        if into_configured is None:
            return None
        if self.currency == self.configured_currency:
            return into_configured
        reporting = self.configured_rates.get(self.currency)  # the reporting currency, in configured units
        return into_configured / reporting if reporting else None

    def convert(self, amounts: Mapping[str, Decimal]) -> Converted:
        total, unconverted = Decimal(0), {}
        for currency, amount in amounts.items():
            rate = self.rate(currency)
            if rate is not None:
                total += amount * rate
            elif amount:
                unconverted[currency] = rounded(amount)
        return Converted(rounded(total), unconverted)

    def can_convert(self, currency: str) -> bool:
        return self.rate(currency) is not None


class CurrencyService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], default_currency: str, configured_rates: str) -> None:
        self._uow = uow
        if default_currency.upper() not in CURRENCIES:
            raise ValueError(f"UT_ECOMMERCE_REPORTING_CURRENCY: {default_currency!r} is not an ISO 4217 code")
        self._default = default_currency.upper()
        self._configured = parse_rates(configured_rates)

    def converter(self, site_id: str) -> Converter:
        with self._uow() as session:
            repo = CurrencyRepository(session)
            currency, rates = repo.reporting_currency(site_id), repo.rates(site_id)
        return Converter(currency or self._default, rates, self._default, self._configured)

    def settings(self, site_id: str) -> CurrencySettings:
        converter = self.converter(site_id)
        return CurrencySettings(reporting_currency=converter.currency, rates=dict(converter.site_rates),
                                configured_currency=self._default, configured_rates=self._configured)

    def replace(self, site_id: str, reporting_currency: str, rates: Mapping[str, Decimal]) -> CurrencySettings:
        with self._uow() as session:
            CurrencyRepository(session).replace(site_id, reporting_currency, dict(rates))
        return self.settings(site_id)
