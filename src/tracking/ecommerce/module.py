"""ecommerce: GA4-named shop events, exactly-once orders and refunds, revenue and funnels.

Registers the `ecommerce` event type (validated at the edge, payload kept in `data`), subscribes
to `EcommerceEventTracked`, keeps the order ledger in the transactional store (Alembic branch
`ecommerce`) and its events, items and orders in ClickHouse, and serves `POST /collect/ecommerce`,
the currency settings and the `/api/v1/ecommerce/*` reports.
"""

from core.bus.events import EcommerceEventTracked
from core.modules import Hooks, Subscription, TrackingModule
from tracking.ecommerce import clickhouse, routes
from tracking.ecommerce.container import EcommerceContainer
from tracking.ecommerce.handlers import EcommerceHandlers
from tracking.ecommerce.settings import EcommerceSettings


def hooks(c: EcommerceContainer) -> Hooks:
    return Hooks(
        event_types=(c.event_type,),
        # Orders keep their session (the engine attributes them to its visit); bots' are flagged.
        subscriptions=(Subscription(EcommerceEventTracked, c.handlers, EcommerceHandlers.on_ecommerce_event,
                                    reads=("session_id", "is_bot")),),
        erasers=(c.tables_eraser, c.rows_eraser),
        query_metrics=(c.orders_metric, c.total_revenue_metric, c.average_revenue_metric, c.refunds_metric),
        site_settings=(c.reporting_currency_setting,),
    )


MODULE = TrackingModule(
    name="ecommerce",
    container=EcommerceContainer,
    settings=EcommerceSettings,
    hooks=hooks,
    router=routes.router,
    analytics_migrations=clickhouse.MIGRATIONS,
)
