"""ecommerce: GA4-named shop events, exactly-once orders and refunds, revenue and funnels.

Registers the `ecommerce` event type (validated at the edge, payload kept in `data`), subscribes
to `EcommerceEventTracked`, keeps the order ledger in the transactional store (Alembic branch
`ecommerce`) and its events, items and orders in ClickHouse, and serves `POST /collect/ecommerce`,
the currency settings and the `/api/v1/ecommerce/*` reports.
"""

from core.bus.events import EcommerceEventTracked
from core.modules import Subscription, TrackingModule
from tracking.ecommerce import clickhouse, routes
from tracking.ecommerce.container import EcommerceContainer

MODULE = TrackingModule(
    name="ecommerce",
    container=EcommerceContainer,
    router=routes.router,
    subscriptions=(Subscription(EcommerceEventTracked, "handlers.on_ecommerce_event"),),
    analytics_migrations=clickhouse.MIGRATIONS,
    event_types=("event_type",),
)
