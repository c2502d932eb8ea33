"""ecommerce's container: declares that it needs core, builds its stores, services, handlers."""

from dependency_injector import containers, providers

from core.analytics.erasure import TablesEraser
from core.db.erasure import RowsEraser
from tracking.ecommerce.clickhouse import EcommerceStore
from tracking.ecommerce.handlers import EcommerceHandlers
from tracking.ecommerce.models import CurrencyRate, LedgerOrder, LedgerRefund, SiteCurrency
from tracking.ecommerce.schemas.payload import EcommerceEventType
from tracking.ecommerce.service.breakdown import RevenueBreakdown
from tracking.ecommerce.service.currency import CurrencyService
from tracking.ecommerce.service.query_metrics import purchase_metric
from tracking.ecommerce.service.recorder import OrderRecorder
from tracking.ecommerce.service.reports import ReportsService
from tracking.ecommerce.service.site_setting import ReportingCurrencySetting
from tracking.ecommerce.settings import EcommerceSettings


class EcommerceContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    config = providers.Dependency(instance_of=EcommerceSettings)  # this module's UT_* settings

    event_type = providers.Singleton(EcommerceEventType)
    store = providers.Singleton(EcommerceStore, analytics=core.analytics)
    currency = providers.Singleton(
        CurrencyService, uow=core.uow.provider,
        default_currency=config.provided.ecommerce_reporting_currency,
        configured_rates=config.provided.ecommerce_currency_rates)
    reporting_currency_setting = providers.Singleton(ReportingCurrencySetting, currency=currency)  # /api/v1/sites
    recorder = providers.Singleton(OrderRecorder, uow=core.uow.provider, store=store)
    reports = providers.Singleton(ReportsService, store=store, currency=currency,
                                  fallback_window_minutes=config.provided.ecommerce_funnel_window_minutes)
    breakdown = providers.Singleton(RevenueBreakdown, engine=core.query)  # the engine's numbers, v1's shape
    handlers = providers.Singleton(EcommerceHandlers, recorder=recorder)
    # query engine metrics (core.query.contributions): revenue sliced like any other number
    orders_metric = providers.Singleton(purchase_metric, "orders", currency=currency)
    total_revenue_metric = providers.Singleton(purchase_metric, "total_revenue", currency=currency)
    average_revenue_metric = providers.Singleton(purchase_metric, "average_revenue", currency=currency)
    refunds_metric = providers.Singleton(purchase_metric, "refunds", currency=currency)
    # Data rights: the order/item/event tables and the order ledger (its rows by event id).
    tables_eraser = providers.Singleton(TablesEraser, store=core.analytics, tables={
        "ecommerce_events": ("event_id", "visitor_id", "session_id"), "ecommerce_items": ("event_id", "visitor_id"),
        "ecommerce_orders": ("event_id", "visitor_id", "session_id")})
    rows_eraser = providers.Singleton(RowsEraser, uow=core.uow.provider,
                                      models=(LedgerOrder, LedgerRefund, SiteCurrency, CurrencyRate),
                                      event_models=(LedgerOrder, LedgerRefund))
