"""page_analytics: pageview counts and top pages for a site, over dates in the site's time zone.

Reads the module's own pageviews projection (fed by `PageViewed` batches), never another
module's tables.
"""

from datetime import date

from core.analytics.time_range import local_days_to_utc
from core.tenancy.service import SiteInfo
from tracking.page_analytics.clickhouse import PageviewStore
from tracking.page_analytics.schemas import Aggregate, TopPage


class PageAnalyticsService:
    def __init__(self, *, store: PageviewStore) -> None:
        self._store = store

    def aggregate(self, *, site: SiteInfo, date_from: date, date_to: date) -> Aggregate:
        params = {"site_id": site.id, **local_days_to_utc(date_from, date_to, site.timezone).params()}
        pageviews, visitors = self._store.aggregate(params)
        return Aggregate(pageviews=pageviews, visitors=visitors)

    def top_pages(self, *, site: SiteInfo, date_from: date, date_to: date, limit: int) -> list[TopPage]:
        params = {"site_id": site.id, "limit": limit,
                  **local_days_to_utc(date_from, date_to, site.timezone).params()}
        return [TopPage(pathname=p, pageviews=pv, visitors=v) for p, pv, v in self._store.top_pages(params)]
