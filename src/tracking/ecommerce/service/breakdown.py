"""Revenue by source, channel, device or country: the query engine's numbers in the v1 shape.

`GET /api/v1/ecommerce/breakdown` asks the engine (`POST /api/v2/query`'s QueryService) for
`orders`, `total_revenue` and `refunds` by the *visit's* attribute (`visit:source`…): a purchase
made on the fifth page of a visit from Google counts under Google, though the purchase event
itself carries no referrer; a refund counts on its own day under its order's visit. So the rows
add up to the overview's orders and revenue, and bots are left out the same way. The amounts come
back as the engine's numbers (4 decimal places, exact below 10^11 in the reporting currency) and
are answered as decimals again.
"""

from datetime import date
from decimal import Decimal

from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo
from tracking.ecommerce.schemas.reports import BreakdownRow

DIMENSIONS = {"source": "visit:source", "channel": "visit:channel", "device": "visit:device",
              "country": "visit:country"}
BREAKDOWN_PROPERTIES = tuple(DIMENSIONS)
_METRICS = ["orders", "total_revenue", "refunds"]


class UnknownBreakdown(LookupError):
    pass


class RevenueBreakdown:
    def __init__(self, *, engine: QueryService) -> None:
        self._engine = engine

    def breakdown(self, *, site: SiteInfo, date_from: date, date_to: date, prop: str, limit: int,
                  include_bots: bool = False) -> list[BreakdownRow]:
        """Rows by net revenue, then orders, then value; a bad range raises core.query.plan.QueryError."""
        if prop not in DIMENSIONS:
            raise UnknownBreakdown(f"unknown property {prop!r}; one of: {', '.join(BREAKDOWN_PROPERTIES)}")
        answer, meta = self._engine.every_row(site=site, request=QueryRequest(
            site_id=site.id, metrics=_METRICS, date_range=[date_from.isoformat(), date_to.isoformat()],
            dimensions=[DIMENSIONS[prop]], include_bots=include_bots))
        currency = str(meta.get("currency", ""))
        rows = []
        for r in answer:  # every value: the order is by net revenue, which the engine does not rank
            orders, gross, refunds = int(r.metrics[0]), _decimal(r.metrics[1]), _decimal(r.metrics[2])
            rows.append(BreakdownRow(value=r.dimensions[0] or None, orders=orders, gross_revenue=gross,
                                     refunds=refunds, revenue=gross - refunds, currency=currency))
        rows.sort(key=lambda r: (-r.revenue, -r.orders, r.value or ""))
        return rows[:limit]


def _decimal(amount: float) -> Decimal:
    return Decimal(repr(amount)).quantize(Decimal("0.0001"))

