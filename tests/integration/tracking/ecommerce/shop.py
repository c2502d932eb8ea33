"""Building shop events the way the edge and the worker do: validated payload kept as `data`."""

import uuid
from datetime import UTC, date, datetime

import orjson

from core.analytics.time_range import local_days_to_utc
from core.bus.events import EcommerceEventTracked
from core.ingest.schemas import BrowserEvent
from core.tenancy.service import SiteInfo
from tracking.ecommerce.schemas.payload import EcommerceEventType

NOON = datetime(2024, 5, 6, 12, tzinfo=UTC)
NOON_MS = int(NOON.timestamp() * 1000)
_SPEC = EcommerceEventType()


def shop_event(site_id: str, name: str, ecommerce: dict | None = None, *, visitor: int = 1, session: int = 0,
               ts_ms: int = NOON_MS, event_id: str | None = None, **fields) -> EcommerceEventTracked:
    base = BrowserEvent(site_id=site_id, type="ecommerce", name=name)
    data = _SPEC.validate(base, {"ecommerce": ecommerce or {}})
    return EcommerceEventTracked(site_id=site_id, event_id=event_id or str(uuid.uuid4()), type="ecommerce",
                                 name=name, ts_ms=ts_ms, received_ms=ts_ms, visitor_id=visitor, session_id=session,
                                 data=orjson.dumps(data).decode(), **fields)


def purchase(site_id: str, order_id: str, value: str, currency: str = "EUR", **kwargs) -> EcommerceEventTracked:
    return shop_event(site_id, "purchase", {"order_id": order_id, "value": value, "currency": currency,
                                            **kwargs.pop("extra", {})}, **kwargs)


def site(site_id: str, timezone: str = "UTC") -> SiteInfo:
    return SiteInfo(site_id, "shop.example", (), timezone)


def day_window(first: date = NOON.date(), last: date | None = None, timezone: str = "UTC"):
    return local_days_to_utc(first, last or first, timezone)
