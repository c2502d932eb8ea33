"""Time buckets of the query engine in the site's zone (core.query.buckets): the keys ClickHouse
answers and their labels, across daylight saving, weeks from Monday and month ends."""

from datetime import date
from zoneinfo import ZoneInfo

from core.analytics.time_range import local_days_to_utc
from core.query.buckets import every_bucket, label


def _buckets(first: date, last: date, tz: str, grain: str) -> list[tuple]:
    zone = ZoneInfo(tz)
    return [(k, label(grain, k, zone)) for k in every_bucket(local_days_to_utc(first, last, tz), zone, grain)]


def test_hour_buckets_follow_the_local_day_and_daylight_saving():
    spring = _buckets(date(2024, 3, 31), date(2024, 3, 31), "Europe/Berlin", "hour")
    assert len(spring) == 23  # clocks jump from 02:00 to 03:00
    assert spring[0][1] == "2024-03-31T00:00:00+01:00" and spring[2][1] == "2024-03-31T03:00:00+02:00"
    assert spring[0][0] == 1711839600  # the unix second ClickHouse's toStartOfHour(ts, tz) returns
    assert len(_buckets(date(2024, 10, 27), date(2024, 10, 27), "Europe/Berlin", "hour")) == 25


def test_day_week_and_month_buckets_cover_the_range():
    days = _buckets(date(2024, 1, 30), date(2024, 3, 2), "America/New_York", "day")
    assert days[0] == (date(2024, 1, 30), "2024-01-30") and days[-1][1] == "2024-03-02" and len(days) == 33
    weeks = _buckets(date(2024, 1, 30), date(2024, 3, 2), "America/New_York", "week")
    assert [k for k, _ in weeks][:2] == [date(2024, 1, 29), date(2024, 2, 5)]
    months = _buckets(date(2024, 1, 30), date(2024, 3, 2), "America/New_York", "month")
    assert [text for _, text in months] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert [k for k, _ in _buckets(date(2023, 12, 5), date(2024, 1, 5), "UTC", "month")] == [
        date(2023, 12, 1), date(2024, 1, 1)]
