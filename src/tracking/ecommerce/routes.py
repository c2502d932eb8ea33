"""HTTP routes of ecommerce: collect, currency settings, reports. Thin: parse, call, answer."""

from datetime import date

from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from core.analytics.time_range import UtcRange
from core.http.access import site_id_in_path, site_in_query
from core.http.collect import collect_one  # the one browser collect route, shared with core
from core.http.errors import COLLECT_400, errors
from core.http.responses import CollectResponse
from core.http.stats import FROM, INCLUDE_BOTS, TO, report_window
from core.query.plan import QueryError
from core.tenancy.scopes import SITES_WRITE, STATS_READ
from core.tenancy.service import SiteInfo
from tracking.ecommerce.schemas.reports import (
    BreakdownRow,
    CurrencyRatesUpdate,
    CurrencySettings,
    Funnel,
    Overview,
    ProductRow,
)
from tracking.ecommerce.service.breakdown import BREAKDOWN_PROPERTIES, RevenueBreakdown, UnknownBreakdown
from tracking.ecommerce.service.currency import CurrencyService
from tracking.ecommerce.service.reports import MAX_WINDOW_MINUTES, ReportsService

router = APIRouter(tags=["ecommerce"])

_COLLECT_ERRORS = {**COLLECT_400, **errors(403, 413)}
_READ_ERRORS = errors(400, 401, 403, 404)
_PURCHASE_EXAMPLE = {
    "site_id": "site_0123456789abcdef", "name": "purchase", "url": "https://shop.example/thank-you",
    "event_id": "0b7e3c1e-2f4d-4e43-9b0a-8f1f3c2d4e5a",
    "ecommerce": {"order_id": "A-1001", "currency": "EUR", "value": "59.80", "tax": "9.55", "shipping": "4.90",
                  "items": [{"item_id": "SKU-1", "item_name": "Mug", "price": "27.45", "quantity": 2}]},
}
REPORTS = Provide["ecommerce.reports"]
READ = Depends(site_in_query(STATS_READ))
WRITE = Depends(site_id_in_path(SITES_WRITE))


@router.post("/collect/ecommerce", status_code=202, response_model=CollectResponse, responses=_COLLECT_ERRORS,
             summary="Record one shop event (GA4 names)",
             openapi_extra={"requestBody": {"content": {"application/json": {"example": _PURCHASE_EXAMPLE}}}})
async def collect_ecommerce(request: Request) -> Response:
    """`{site_id, name, ecommerce: {order_id, value, currency, tax, shipping, coupon, items: [...]}, ...}`
    with `name` one of view_item_list, view_item, add_to_cart, remove_from_cart, view_cart,
    begin_checkout, add_shipping_info, add_payment_info, purchase, refund. `type` is implied.
    A purchase or refund needs `order_id`; amounts need `currency`. Purchases count once per order_id."""
    return await collect_one(request, "ecommerce")


@router.put("/api/v1/sites/{site_id}/currency-rates", response_model=CurrencySettings, responses=_READ_ERRORS,
            summary="Set the site's reporting currency and conversion rates")
@inject
def put_currency_rates(update: CurrencyRatesUpdate, site_id: str = WRITE,
                       currency: CurrencyService = Depends(Provide["ecommerce.currency"])) -> CurrencySettings:
    """Replaces the site's reporting currency and rates: `{"reporting_currency": "EUR", "rates": {"USD":
    "0.92"}}` means revenue is reported in EUR and one USD is worth 0.92 EUR. `"reporting_currency":
    null` leaves the choice open: a range whose orders are all in one currency is reported in it
    (a USD-only shop sees its USD revenue, no rates needed), a range with several in the configured
    default (`UT_ECOMMERCE_REPORTING_CURRENCY`), into which the rates then convert. Reports convert at
    read time, so past revenue follows the new rates."""
    return currency.replace(site_id, update.reporting_currency, update.rates)


@router.get("/api/v1/sites/{site_id}/currency-rates", response_model=CurrencySettings, responses=_READ_ERRORS,
            summary="The site's reporting currency and conversion rates")
@inject
def get_currency_rates(site_id: str = WRITE,
                       currency: CurrencyService = Depends(Provide["ecommerce.currency"])) -> CurrencySettings:
    """The site's own settings (`reporting_currency: null`: no choice, see PUT) and the configured
    defaults they fall back to."""
    return currency.settings(site_id)


@router.get("/api/v1/ecommerce/overview", response_model=Overview, responses=_READ_ERRORS,
            summary="Revenue, orders, AOV, conversion rate, refunds")
@inject
def overview(site: SiteInfo = READ, period: UtcRange = Depends(report_window),
             include_bots: bool = INCLUDE_BOTS, reports: ReportsService = Depends(REPORTS)) -> Overview:
    """Money in the reporting currency: the site's choice; without one, the currency of the range's
    orders when they are all in one (`currency_source: orders`), else the configured default with
    the currencies it has no rate for in `unconverted_currencies`. Each order_id counted once;
    refunds on their own day; bots' orders and visits left out unless `include_bots`."""
    return reports.overview(site=site, window=period, include_bots=include_bots)


@router.get("/api/v1/ecommerce/funnel", response_model=Funnel, responses=_READ_ERRORS,
            summary="Checkout funnel: view_item, add_to_cart, begin_checkout, add_payment_info, purchase")
@inject
def funnel(funnel_window: str = Query("session", alias="window", pattern=r"^(session|\d{1,4})$", description=(
               "`session`: the steps in order within one session; or a number of minutes from the first step.")),
           site: SiteInfo = READ, period: UtcRange = Depends(report_window),
           include_bots: bool = INCLUDE_BOTS, reports: ReportsService = Depends(REPORTS)) -> Funnel:
    """Visitors reaching each step after all earlier ones, in order, with drop-off and conversion."""
    minutes = None if funnel_window == "session" else int(funnel_window)
    if minutes is not None and not 1 <= minutes <= MAX_WINDOW_MINUTES:
        raise HTTPException(400, f"window: between 1 and {MAX_WINDOW_MINUTES} minutes, or `session`")
    return reports.funnel(site=site, window=period, minutes=minutes, include_bots=include_bots)


@router.get("/api/v1/ecommerce/products", response_model=list[ProductRow], responses=_READ_ERRORS,
            summary="Per item: views, add-to-cart rate, purchases, revenue")
@inject
def products(limit: int = Query(50, ge=1, le=1000), site: SiteInfo = READ,
             period: UtcRange = Depends(report_window), include_bots: bool = INCLUDE_BOTS,
             reports: ReportsService = Depends(REPORTS)) -> list[ProductRow]:
    """Items by revenue (then views), revenue net of refunded lines, in the reporting currency (the
    overview's, named in each row)."""
    return reports.products(site=site, window=period, limit=limit, include_bots=include_bots)


@router.get("/api/v1/ecommerce/breakdown", response_model=list[BreakdownRow], responses=_READ_ERRORS,
            summary="Revenue by source, channel, device or country")
@inject
def breakdown(prop: str = Query(..., alias="property", description=f"One of: {', '.join(BREAKDOWN_PROPERTIES)}."),
              limit: int = Query(10, ge=1, le=1000), site: SiteInfo = READ,
              date_from: date = FROM, date_to: date = TO, include_bots: bool = INCLUDE_BOTS,
              revenue: RevenueBreakdown = Depends(Provide["ecommerce.breakdown"])) -> list[BreakdownRow]:
    """Orders and revenue per value of the *visit's* property (`visit:source`, `visit:channel`,
    `visit:device`, `visit:country` in the query engine, whose `orders`, `total_revenue` and
    `refunds` these are): a purchase counts under the visit it was made in, a refund on its own day
    under its order's visit, so the rows add up to the overview. In the overview's reporting currency."""
    try:
        return revenue.breakdown(site=site, date_from=date_from, date_to=date_to, prop=prop, limit=limit,
                                 include_bots=include_bots)
    except (UnknownBreakdown, QueryError) as exc:
        raise HTTPException(400, str(exc)) from exc
