"""The engagement event type's validation, and the timeseries buckets (empty ones included)."""

from datetime import date

import pytest

from core.analytics.time_range import local_days_to_utc
from core.ingest.schemas import BrowserEvent
from core.tenancy.service import SiteInfo
from tracking.sessions.service.engagement import EngagementSpec
from tracking.sessions.service.stats import buckets, session_metrics

PAGE = BrowserEvent(site_id="s", type="engagement", url="https://shop.example/a")


def test_engagement_payload_is_validated_and_normalised():
    spec = EngagementSpec()
    assert spec.validate(PAGE, {"engaged_ms": 1500.0, "scroll_depth": 75}) == {"engaged_ms": 1500, "scroll_depth": 75}
    assert spec.validate(PAGE, {}) == {"engaged_ms": 0, "scroll_depth": 0}
    for extra, error in [({"engaged_ms": -1}, "engaged_ms"), ({"scroll_depth": 101}, "scroll_depth"),
                         ({"scroll_depth": True}, "scroll_depth"), ({"engaged_ms": "9"}, "engaged_ms"),
                         ({"engaged_ms": float("nan")}, "engaged_ms")]:
        with pytest.raises(ValueError, match=error):
            spec.validate(PAGE, extra)
    with pytest.raises(ValueError, match="url"):
        spec.validate(BrowserEvent(site_id="s", type="engagement"), {"engaged_ms": 1})


def test_hour_buckets_follow_the_local_day_and_daylight_saving():
    site = SiteInfo("s", "d", (), "Europe/Berlin")
    spring = buckets(local_days_to_utc(date(2024, 3, 31), date(2024, 3, 31), site.timezone), site, "hour")
    assert len(spring) == 23  # clocks jump from 02:00 to 03:00
    assert spring[0][1] == "2024-03-31T00:00:00+01:00" and spring[2][1] == "2024-03-31T03:00:00+02:00"
    assert spring[0][0] == 1711839600  # the unix second ClickHouse's toStartOfHour(ts, tz) returns
    autumn = buckets(local_days_to_utc(date(2024, 10, 27), date(2024, 10, 27), site.timezone), site, "hour")
    assert len(autumn) == 25


def test_day_week_and_month_buckets_cover_the_range():
    site = SiteInfo("s", "d", (), "America/New_York")
    window = local_days_to_utc(date(2024, 1, 30), date(2024, 3, 2), site.timezone)
    days = buckets(window, site, "day")
    assert days[0] == (date(2024, 1, 30), "2024-01-30") and days[-1][1] == "2024-03-02" and len(days) == 33
    assert [k for k, _ in buckets(window, site, "week")][:2] == [date(2024, 1, 29), date(2024, 2, 5)]
    assert [label for _, label in buckets(window, site, "month")] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    dec = local_days_to_utc(date(2023, 12, 5), date(2024, 1, 5), "UTC")
    assert [k for k, _ in buckets(dec, SiteInfo("s", "d", (), "UTC"), "month")] == [date(2023, 12, 1), date(2024, 1, 1)]


def test_session_metrics_from_sums():
    assert session_metrics((0, 0, 0, 0)) == {"visits": 0, "bounce_rate": 0.0, "visit_duration": 0.0,
                                             "views_per_visit": 0.0}
    assert session_metrics((3, 7, 1, 95_000)) == {"visits": 3, "bounce_rate": 33.3, "visit_duration": 31.7,
                                                  "views_per_visit": 2.33}
