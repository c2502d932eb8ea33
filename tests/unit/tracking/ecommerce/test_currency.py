"""Currency conversion: rates from the site, from configuration, crossed; nothing guessed."""

from decimal import Decimal

import pytest

import tracking.ecommerce.models  # noqa: F401 - registers the module's tables for the unit `uow`
from core.tenancy.service import TenancyService
from tracking.ecommerce.service.currency import Converter, CurrencyService, parse_rates

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
    got = service.replace(site_id, "GBP", {"EUR": D("0.85"), "USD": D("0.75")})
    assert (got.reporting_currency, got.rates, got.configured_rates) == (
        "GBP", {"EUR": D("0.85"), "USD": D("0.75")}, {"USD": D("0.9")})
    service.replace(site_id, "GBP", {"EUR": D("0.86")})  # PUT replaces the whole set
    assert service.settings(site_id).rates == {"EUR": D("0.86")}
    with pytest.raises(ValueError, match="UT_ECOMMERCE_REPORTING_CURRENCY"):
        CurrencyService(uow=uow, default_currency="EURO", configured_rates="")
