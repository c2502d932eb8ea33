"""page_analytics' ClickHouse projection on both engines: exact counts, redelivery, local days."""

import uuid
from datetime import UTC, date, datetime

from core.analytics.time_range import local_days_to_utc
from core.bus.events import PageViewed
from tracking.page_analytics.clickhouse import PageviewStore


def _view(site_id: str, at: datetime, pathname: str = "/", visitor: int = 1) -> PageViewed:
    ts_ms = int(at.timestamp() * 1000)
    return PageViewed(site_id=site_id, event_id=str(uuid.uuid4()), type="pageview", name="pageview",
                      ts_ms=ts_ms, received_ms=ts_ms, visitor_id=visitor, hostname="shop.example",
                      pathname=pathname, url=f"https://shop.example{pathname}")


def _params(site_id: str, first: date, last: date, timezone: str = "UTC", limit: int = 10) -> dict:
    return {**local_days_to_utc(first, last, timezone).params(), "site_id": site_id, "limit": limit}


def test_aggregate_and_top_pages_count_exactly(analytics_store_any_tz, unique):
    store, site = PageviewStore(analytics=analytics_store_any_tz), f"site_{unique}"
    noon = datetime(2024, 5, 6, 12, tzinfo=UTC)
    big_visitor = 2**64 - 1
    store.add([_view(site, noon, "/a", 1), _view(site, noon, "/a", 1), _view(site, noon, "/a", big_visitor),
               _view(site, noon, "/b", 2), _view(site, noon, "", 3)])  # no path counts as "/"
    store.add([_view(f"other_{unique}", noon, "/a", 9)])  # another site never leaks in

    day = _params(site, date(2024, 5, 6), date(2024, 5, 6))
    assert store.aggregate(day) == (5, 4)
    assert store.top_pages(day) == [("/a", 3, 2), ("/", 1, 1), ("/b", 1, 1)]
    assert store.top_pages({**day, "limit": 1}) == [("/a", 3, 2)]
    next_day = _params(site, date(2024, 5, 7), date(2024, 5, 7))
    assert store.aggregate(next_day) == (0, 0)
    assert store.top_pages(next_day) == []


def test_a_redelivered_batch_is_counted_once(analytics_store_any_tz, unique):
    store, site = PageviewStore(analytics=analytics_store_any_tz), f"site_{unique}"
    at = datetime(2024, 5, 6, 9, tzinfo=UTC)
    batch = [_view(site, at, "/a", 1), _view(site, at, "/b", 2), _view(site, at, "/b", 1)]
    params = _params(site, date(2024, 5, 6), date(2024, 5, 6))
    store.add(batch)
    before = store.aggregate(params), store.top_pages(params)
    assert before == ((3, 2), [("/b", 2, 2), ("/a", 1, 1)])

    store.add(batch)  # the bus redelivers after a crash between the write and the ack
    assert (store.aggregate(params), store.top_pages(params)) == before
    analytics_store_any_tz.execute("OPTIMIZE TABLE page_analytics_pageviews FINAL")
    assert (store.aggregate(params), store.top_pages(params)) == before
    rows = analytics_store_any_tz.query("SELECT count() FROM page_analytics_pageviews WHERE site_id = %(s)s",
                                        {"s": site})
    assert rows == [(3,)]  # the ReplacingMergeTree merged the copies away


def test_local_day_boundaries_follow_the_site_time_zone(analytics_store_any_tz, unique):
    store, site = PageviewStore(analytics=analytics_store_any_tz), f"site_{unique}"
    store.add([
        _view(site, datetime(2024, 3, 9, 22, 59, 59, tzinfo=UTC), "/winter-late"),  # 23:59:59 in Berlin
        _view(site, datetime(2024, 3, 9, 23, 30, tzinfo=UTC), "/winter-next"),  # 00:30 on the 10th in Berlin
        _view(site, datetime(2024, 7, 1, 21, 59, tzinfo=UTC), "/summer-late"),  # 23:59 in Berlin (UTC+2)
        _view(site, datetime(2024, 7, 1, 22, 0, tzinfo=UTC), "/summer-next"),  # 00:00 on 2 July in Berlin
    ])

    def pages(first: date, last: date, timezone: str) -> list[str]:
        return sorted(p for p, _, _ in store.top_pages(_params(site, first, last, timezone)))

    assert pages(date(2024, 3, 9), date(2024, 3, 9), "Europe/Berlin") == ["/winter-late"]
    assert pages(date(2024, 3, 10), date(2024, 3, 10), "Europe/Berlin") == ["/winter-next"]
    assert pages(date(2024, 3, 9), date(2024, 3, 9), "UTC") == ["/winter-late", "/winter-next"]
    assert pages(date(2024, 7, 1), date(2024, 7, 1), "Europe/Berlin") == ["/summer-late"]
    assert pages(date(2024, 7, 2), date(2024, 7, 2), "Europe/Berlin") == ["/summer-next"]
    assert pages(date(2024, 7, 1), date(2024, 7, 1), "UTC") == ["/summer-late", "/summer-next"]
    assert pages(date(2024, 3, 9), date(2024, 7, 1), "America/New_York") == [
        "/summer-late", "/summer-next", "/winter-late", "/winter-next"]
    assert store.aggregate(_params(site, date(2024, 3, 10), date(2024, 7, 1), "Europe/Berlin")) == (2, 1)


def test_bot_pageviews_are_kept_but_counted_only_on_request(analytics_store, unique):
    store, site = PageviewStore(analytics=analytics_store), f"site_{unique}"
    noon = datetime(2024, 5, 6, 12, tzinfo=UTC)
    bot = _view(site, noon, "/a", 7)
    store.add([_view(site, noon, "/a", 1), PageViewed(**{**bot.to_record(), "props": (), "is_bot": 1})])
    day = _params(site, date(2024, 5, 6), date(2024, 5, 6))
    assert store.aggregate(day) == (1, 1) and store.top_pages(day) == [("/a", 1, 1)]
    assert store.aggregate({**day, "max_bot": 1}) == (2, 2)
