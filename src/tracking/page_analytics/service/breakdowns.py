"""`/api/v1/stats/breakdown?property=source|referrer|channel|utm_*`, read from the core events log.

Events without a value are left out (internal navigations have no source, most events no
campaign): the rows are arrivals, with the pageviews and visitors they brought.
"""

from core.analytics.event_log_stats import EventLogStats
from core.analytics.time_range import UtcRange
from core.tenancy.service import SiteInfo

COLUMNS = {"source": "source", "referrer": "referrer_domain", "channel": "channel", "utm_source": "utm_source",
           "utm_medium": "utm_medium", "utm_campaign": "utm_campaign"}


class TrafficBreakdowns:
    def __init__(self, *, stats: EventLogStats) -> None:
        self._stats = stats

    def breakdown(self, *, site: SiteInfo, window: UtcRange, prop: str, limit: int,
                  include_bots: bool = False) -> list[dict]:
        rows = self._stats.breakdown(site_id=site.id, window=window, column=COLUMNS[prop], limit=limit,
                                     include_bots=include_bots, keep_empty=False)
        return [{prop: value, "visitors": visitors, "pageviews": pageviews, "events": events}
                for value, pageviews, visitors, events in rows]
