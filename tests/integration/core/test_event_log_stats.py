"""Breakdowns over the events log, and geo_time's local-time heatmap, on both engines: exact
counts, bots out unless asked, empty values kept or left out, the site's zone as fallback."""

import uuid
from datetime import UTC, date, datetime

import pytest

from core.analytics.event_log_stats import EventLogStats
from core.analytics.time_range import local_days_to_utc
from core.ingest.event_log import EventLog
from tracking.geo_time.clickhouse import HeatmapStore

DAY = date(2024, 7, 1)  # a Monday
WINDOW = local_days_to_utc(DAY, DAY, "UTC")


def _ms(hour: int, minute: int = 0) -> int:
    return int(datetime(2024, 7, 1, hour, minute, tzinfo=UTC).timestamp() * 1000)


def _event(site: str, visitor: int, type_: str = "pageview", **columns) -> dict:
    return {"site_id": site, "event_id": str(uuid.uuid4()), "type": type_, "name": type_, "ts_ms": _ms(12),
            "received_ms": _ms(12), "visitor_id": visitor, "props": {}, **columns}


@pytest.fixture
def site(analytics_store, unique) -> str:
    site = f"site_{unique}"
    EventLog(store=analytics_store).write([
        _event(site, 1, browser="Firefox", country="DE", channel="Organic Search"),
        _event(site, 1, browser="Firefox", country="DE", channel=""),  # an internal navigation
        _event(site, 1, "event", browser="Firefox", country="DE"),
        _event(site, 2, browser="Chrome", country="DE", channel="Direct"),
        _event(site, 3, browser="Chrome", country="", channel="Direct"),
        _event(site, 4, browser="Chrome", country="GB", channel="Direct"),
        _event(site, 9, browser="Googlebot", is_bot=1, device_type="bot", country="US", channel="Direct"),
        _event(site, 9, browser="Googlebot", is_bot=1, device_type="bot", country="US", channel="Direct"),
        _event(f"other_{site}", 5, browser="Safari", country="FR"),
    ])
    return site


def test_breakdowns_count_exactly_and_leave_bots_out(analytics_store, site):
    stats = EventLogStats(store=analytics_store)
    assert stats.breakdown(site_id=site, window=WINDOW, column="browser", limit=10) == [
        ("Chrome", 3, 3, 3), ("Firefox", 2, 1, 3)]
    assert stats.breakdown(site_id=site, window=WINDOW, column="browser", limit=10, include_bots=True) == [
        ("Chrome", 3, 3, 3), ("Firefox", 2, 1, 3), ("Googlebot", 2, 1, 2)]
    assert stats.breakdown(site_id=site, window=WINDOW, column="country", limit=2) == [
        ("DE", 3, 2, 4), ("", 1, 1, 1)]
    assert stats.breakdown(site_id=site, window=WINDOW, column="channel", limit=10, keep_empty=False) == [
        ("Direct", 3, 3, 3), ("Organic Search", 1, 1, 1)]
    assert stats.breakdown(site_id=site, window=local_days_to_utc(date(2024, 7, 2), date(2024, 7, 2), "UTC"),
                           column="browser", limit=10) == []
    with pytest.raises(ValueError, match="not a breakdown column"):
        stats.breakdown(site_id=site, window=WINDOW, column="visitor_id; DROP TABLE events", limit=1)


def test_the_heatmap_uses_the_visitors_zone_and_falls_back_to_the_sites(analytics_store, unique):
    site = f"site_{unique}"
    EventLog(store=analytics_store).write([
        # 12:00 UTC in Tokyo is 21:00 on Monday: the visitor's zone, computed at the edge
        {**_event(site, 1), "timezone": "Asia/Tokyo", "local_hour": 21, "local_weekday": 1},
        {**_event(site, 2), "timezone": "Asia/Tokyo", "local_hour": 21, "local_weekday": 1},
        # unknown zone: 23:30 UTC Monday is 01:30 on Tuesday in Berlin, the site's zone
        {**_event(site, 3), "ts_ms": _ms(23, 30)},
        {**_event(site, 4, "event"), "timezone": "Asia/Tokyo", "local_hour": 5, "local_weekday": 3},  # no pageview
        {**_event(site, 5), "is_bot": 1, "timezone": "Asia/Tokyo", "local_hour": 3, "local_weekday": 1},
    ])
    store = HeatmapStore(analytics=analytics_store)
    params = {"site_id": site, "site_tz": "Europe/Berlin", "max_bot": 0,
              **local_days_to_utc(DAY, date(2024, 7, 2), "UTC").params()}
    assert store.cells(params) == [(1, 21, 2, 2), (2, 1, 1, 1)]
    assert store.cells({**params, "max_bot": 1}) == [(1, 3, 1, 1), (1, 21, 2, 2), (2, 1, 1, 1)]
