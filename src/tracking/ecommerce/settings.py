"""The `UT_*` settings of ecommerce: the reporting currency, its rates and the funnel window."""

from pydantic import Field

from core.config.settings import ModuleSettings


class EcommerceSettings(ModuleSettings):
    ecommerce_reporting_currency: str = Field(
        "EUR", pattern=r"^[A-Z]{3}$", description=(
            "ISO 4217 currency revenue is reported in for a site that chose none, when the range's orders are "
            "in several currencies (all in one: that one)."))
    ecommerce_currency_rates: str = Field(
        "", pattern=r"^([A-Z]{3}=[0-9]+(\.[0-9]+)?)?(,[A-Z]{3}=[0-9]+(\.[0-9]+)?)*$",
        description="CODE=rate pairs, comma-separated: one unit of CODE in the reporting currency.")
    ecommerce_funnel_window_minutes: int = Field(
        30, ge=1, le=1440, description="Funnel window for events without a session (sessions module absent).")
