"""When visitors come, in their own local time: pageviews per weekday and hour of day.

The query engine's numbers (`POST /api/v2/query` with `pageviews` and `visitors` of pageviews by
`event:local_weekday` and `event:local_hour`): each pageview in the visitor's own zone, as the
enricher stored it, or in the site's when the visitor's is unknown (private IPs, anonymous
events), so every pageview lands in exactly one cell.
"""

from datetime import date

from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo
from tracking.geo_time.schemas import HeatmapCell

# The engine's pageviews: its `visitors` are then those of pageviews (a custom event that calls
# itself `pageview` would count as one, as it does under event:name everywhere).
_PAGEVIEWS = [["is", "event:name", ["pageview"]]]


class HeatmapService:
    def __init__(self, *, engine: QueryService) -> None:
        self._engine = engine

    def heatmap(self, *, site: SiteInfo, date_from: date, date_to: date, include_bots: bool = False
                ) -> list[HeatmapCell]:
        """Cells by weekday, then hour; a bad range raises core.query.plan.QueryError."""
        rows, _ = self._engine.every_row(site=site, request=QueryRequest(
            site_id=site.id, metrics=["pageviews", "visitors"], date_range=[date_from.isoformat(), date_to.isoformat()],
            dimensions=["event:local_weekday", "event:local_hour"], filters=_PAGEVIEWS, include_bots=include_bots))
        cells = [HeatmapCell(weekday=int(r.dimensions[0]), hour=int(r.dimensions[1]), pageviews=r.metrics[0],
                             visitors=r.metrics[1]) for r in rows]
        return sorted(cells, key=lambda c: (c.weekday, c.hour))
