"""Reporting currencies and conversion rates.

The reporting currency of a report, first match wins (`reporting_currency`):

1. the one the site chose (`utrack sites create --currency`, `PUT /api/v1/sites/{id}/currency-rates`);
2. without a choice, the currency of the range's orders and refunds when they all share one, so a
   shop selling only in USD reports its USD revenue exactly, with no rates to set;
3. otherwise (several currencies, or none) the configured `UT_ECOMMERCE_REPORTING_CURRENCY`.

Rows keep the currency each order was placed in; reports convert at read time, so correcting a
rate corrects every report. A rate is what one unit of a currency is worth in the reporting
currency. Where it comes from, first match wins:

1. the currency is the reporting currency: 1;
2. the site's own rates (`PUT /api/v1/sites/{id}/currency-rates`);
3. the configured rates (`UT_ECOMMERCE_CURRENCY_RATES`, into `UT_ECOMMERCE_REPORTING_CURRENCY`),
   directly or crossed through that currency when the site reports in another one.

A site that chose no currency keeps its own rates into the configured one. Amounts in a currency
without a rate are left out of converted totals and listed, never guessed.
"""

from collections.abc import Callable, Iterable, Mapping
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


class UnknownCurrency(ValueError):
    pass


def currency_code(text: str) -> str:
    """`usd` -> `USD`; UnknownCurrency for anything that is not an ISO 4217 code."""
    code = text.strip().upper()
    if code not in CURRENCIES:
        raise UnknownCurrency(f"{text!r} is not an ISO 4217 currency code (e.g. EUR, USD, GBP)")
    return code


def reporting_currency(chosen: str | None, order_currencies: Iterable[str], default: str) -> tuple[str, str]:
    """(currency, why): the site's choice ("site"), else the one currency of the range's orders
    ("orders"), else the configured default ("default")."""
    if chosen:
        return chosen, "site"
    seen = set(filter(None, order_currencies))
    if len(seen) == 1:
        return seen.pop(), "orders"
    return default, "default"


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
    source: str = "site"  # why `currency` reports: see reporting_currency

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

    def converter(self, site_id: str, *, order_currencies: Iterable[str] = ()) -> Converter:
        """Into the range's reporting currency; `order_currencies`: those of its orders and refunds."""
        with self._uow() as session:
            repo = CurrencyRepository(session)
            chosen, rates = repo.reporting_currency(site_id), repo.rates(site_id)
        currency, source = reporting_currency(chosen, order_currencies, self._default)
        return Converter(currency, rates, self._default, self._configured, source)

    def settings(self, site_id: str) -> CurrencySettings:
        with self._uow() as session:
            repo = CurrencyRepository(session)
            chosen, rates = repo.reporting_currency(site_id), repo.rates(site_id)
        return CurrencySettings(reporting_currency=chosen, rates=rates, configured_currency=self._default,
                                configured_rates=self._configured)

    def replace(self, site_id: str, reporting_currency: str | None,
                rates: Mapping[str, Decimal]) -> CurrencySettings:
        """PUT: the site's choice (None: no choice) and its whole set of rates."""
        with self._uow() as session:
            CurrencyRepository(session).replace(site_id, reporting_currency, dict(rates))
        return self.settings(site_id)

    def choose(self, site_id: str, currency: str) -> CurrencySettings:
        """The site's reporting currency, its rates kept (`utrack sites create --currency`)."""
        code = currency_code(currency)
        with self._uow() as session:
            CurrencyRepository(session).choose(site_id, code)
        return self.settings(site_id)
