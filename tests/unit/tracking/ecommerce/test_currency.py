"""Currency conversion: rates from the site, from configuration, crossed; nothing guessed."""

from decimal import Decimal

import pytest

import tracking.ecommerce.models  # noqa: F401 - registers the module's tables for the unit `uow`
from core.tenancy.service import TenancyService
from tracking.ecommerce.service.currency import (
    Converter,
    CurrencyService,
    UnknownCurrency,
    currency_code,
    parse_rates,
    reporting_currency,
)

D = Decimal


def test_configured_rates_parse_or_name_the_bad_pair():
    assert parse_rates("") == {}
    assert parse_rates("USD=0.92, gbp=1.17") == {"USD": D("0.92"), "GBP": D("1.17")}
    for bad in ("USD", "USD=x", "USD=0", "USD=-1", "XYZ=1", "USD=NaN"):
        with pytest.raises(ValueError, match="UT_ECOMMERCE_CURRENCY_RATES"):
            parse_rates(bad)


def test_rates_come_from_the_site_then_the_configuration_directly_or_crossed():
    configured = {"USD": D("0.8"), "GBP": D("1.2"), "JPY": D("0.006")}
    in_eur = Converter("EUR", {"USD": D("0.9")}, "EUR", configured)
    assert [in_eur.rate(c) for c in ("EUR", "USD", "GBP", "CHF")] == [D(1), D("0.9"), D("1.2"), None]
    in_gbp = Converter("GBP", {}, "EUR", configured)  # a site reporting in GBP, rates configured into EUR
    assert in_gbp.rate("EUR") == 1 / D("1.2") and in_gbp.rate("USD") == D("0.8") / D("1.2")
    assert in_gbp.rate("GBP") == 1
    assert Converter("CHF", {}, "EUR", configured).rate("USD") is None  # CHF has no configured rate


def test_conversion_is_exact_rounded_once_and_lists_what_it_could_not_convert():
    converter = Converter("EUR", {"USD": D("0.3333")}, "EUR", {})
    got = converter.convert({"EUR": D("0.1"), "USD": D("0.3"), "CHF": D("5"), "JPY": D("0")})
    assert got.total == D("0.2000")  # 0.1 + 0.09999 = 0.19999 -> 0.2000 (one rounding, at the end)
    assert got.unconverted == {"CHF": D("5.0000")}  # a zero amount is not worth a warning


def test_the_site_settings_replace_and_read_back(uow):
    site_id = TenancyService(uow=uow).create_site(domain="shop.example").site_id
    service = CurrencyService(uow=uow, default_currency="eur", configured_rates="USD=0.9")
    assert service.converter(site_id).currency == "EUR"
    assert service.settings(site_id).reporting_currency is None  # no choice yet
    got = service.replace(site_id, "GBP", {"EUR": D("0.85"), "USD": D("0.75")})
    assert (got.reporting_currency, got.rates, got.configured_rates) == (
        "GBP", {"EUR": D("0.85"), "USD": D("0.75")}, {"USD": D("0.9")})
    service.replace(site_id, "GBP", {"EUR": D("0.86")})  # PUT replaces the whole set
    assert service.settings(site_id).rates == {"EUR": D("0.86")}
    with pytest.raises(ValueError, match="UT_ECOMMERCE_REPORTING_CURRENCY"):
        CurrencyService(uow=uow, default_currency="EURO", configured_rates="")


def test_the_reporting_currency_is_the_choice_else_the_orders_one_currency_else_the_default():
    assert reporting_currency("GBP", ["USD"], "EUR") == ("GBP", "site")  # a choice always wins
    assert reporting_currency(None, ["USD", "USD", ""], "EUR") == ("USD", "orders")  # "" = an order without money
    assert reporting_currency(None, ["USD", "JPY"], "EUR") == ("EUR", "default")
    assert reporting_currency(None, [], "EUR") == ("EUR", "default")


def test_a_choice_is_an_iso_code_and_can_be_made_and_withdrawn(uow):
    assert currency_code(" usd ") == "USD"
    for bad in ("US", "USDX", "XYZ", ""):
        with pytest.raises(UnknownCurrency, match="ISO 4217"):
            currency_code(bad)
    site_id = TenancyService(uow=uow).create_site(domain="shop.example").site_id
    service = CurrencyService(uow=uow, default_currency="EUR", configured_rates="")
    service.replace(site_id, "GBP", {"USD": D("0.8")})
    assert service.choose(site_id, "chf").reporting_currency == "CHF"
    assert service.settings(site_id).rates == {"USD": D("0.8")}  # choosing keeps the rates
    converter = service.converter(site_id, order_currencies=["USD"])
    assert (converter.currency, converter.source) == ("CHF", "site")
    service.replace(site_id, None, {"USD": D("0.9")})  # PUT with null: no choice any more
    assert service.settings(site_id).reporting_currency is None
    converter = service.converter(site_id, order_currencies=["USD"])
    assert (converter.currency, converter.source) == ("USD", "orders")
    converter = service.converter(site_id, order_currencies=["USD", "EUR"])
    assert (converter.currency, converter.source, converter.rate("USD")) == ("EUR", "default", D("0.9"))
