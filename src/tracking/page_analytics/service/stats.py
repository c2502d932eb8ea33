"""page_analytics: pageview counts and top pages for a site, over dates in the site's time zone.

Reads the module's own pageviews projection (fed by `PageViewed` batches), never another
module's tables. Contributes `pageviews` and `visitors` to `/api/v1/stats/aggregate`. Bot
pageviews are in the projection (flagged) and left out unless `include_bots` is asked for.
"""

from core.analytics.time_range import UtcRange
from core.tenancy.service import SiteInfo
from tracking.page_analytics.clickhouse import PageviewStore
from tracking.page_analytics.schemas import TopPage


class PageAnalyticsService:
    def __init__(self, *, store: PageviewStore) -> None:
        self._store = store

    def aggregate(self, *, site: SiteInfo, window: UtcRange, include_bots: bool = False) -> dict[str, int]:
        pageviews, visitors = self._store.aggregate({"site_id": site.id, "max_bot": int(include_bots),
                                                     **window.params()})
        return {"pageviews": pageviews, "visitors": visitors}

    def top_pages(self, *, site: SiteInfo, window: UtcRange, limit: int,
                  include_bots: bool = False) -> list[TopPage]:
        params = {"site_id": site.id, "limit": limit, "max_bot": int(include_bots), **window.params()}
        return [TopPage(pathname=p, pageviews=pv, visitors=v) for p, pv, v in self._store.top_pages(params)]
