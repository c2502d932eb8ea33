"""`reporting_currency` as a site setting of the site admin API and `utrack sites` (core.modules.SiteSetting):
the same choice as `PUT …/currency-rates` makes, the site's rates kept."""

from tracking.ecommerce.service.currency import CurrencyService, currency_code


class ReportingCurrencySetting:
    name = "reporting_currency"

    def __init__(self, *, currency: CurrencyService) -> None:
        self._currency = currency

    def check(self, value: str | None) -> str | None:
        return None if value is None else currency_code(value)  # UnknownCurrency is a ValueError

    def read(self, site_id: str) -> str | None:
        return self._currency.settings(site_id).reporting_currency

    def write(self, site_id: str, value: str | None) -> None:
        if value is None:  # no choice: the orders' currency, or the configured default (see PUT currency-rates)
            self._currency.replace(site_id, None, self._currency.settings(site_id).rates)
        else:
            self._currency.choose(site_id, value)
