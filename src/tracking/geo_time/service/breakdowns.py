"""`/api/v1/stats/breakdown?property=country|region|city`, read from the core events log."""

from core.analytics.event_log_stats import EventLogStats
from core.analytics.time_range import UtcRange
from core.tenancy.service import SiteInfo


class GeoBreakdowns:
    def __init__(self, *, stats: EventLogStats) -> None:
        self._stats = stats

    def breakdown(self, *, site: SiteInfo, window: UtcRange, prop: str, limit: int,
                  include_bots: bool = False) -> list[dict]:
        rows = self._stats.breakdown(site_id=site.id, window=window, column=prop, limit=limit,
                                     include_bots=include_bots)
        return [{prop: value, "visitors": visitors, "pageviews": pageviews, "events": events}
                for value, pageviews, visitors, events in rows]
