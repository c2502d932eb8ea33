"""When visitors come, in their own local time: pageviews per weekday and hour of day.

Events whose visitor's zone is unknown (private IPs, anonymous events) are placed in the site's
time zone instead, so every pageview lands in exactly one cell.
"""

from core.analytics.time_range import UtcRange
from core.tenancy.service import SiteInfo
from tracking.geo_time.clickhouse import HeatmapStore
from tracking.geo_time.schemas import HeatmapCell


class HeatmapService:
    def __init__(self, *, store: HeatmapStore) -> None:
        self._store = store

    def heatmap(self, *, site: SiteInfo, window: UtcRange, include_bots: bool = False) -> list[HeatmapCell]:
        rows = self._store.cells({"site_id": site.id, "site_tz": site.timezone, "max_bot": int(include_bots),
                                  **window.params()})
        return [HeatmapCell(weekday=w, hour=h, pageviews=pv, visitors=v) for w, h, pv, v in rows]
