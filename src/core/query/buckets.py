"""Time buckets of a window in the site's zone: the keys ClickHouse answers and their labels.

Hours are the UTC hours from local midnight, so each is one local hour and a DST day has 23 or
25; a week starts on Monday, a month on the 1st. Labels: `2026-03-29T03:00:00+02:00` for an hour,
the first day (`2026-03-23`) otherwise.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.analytics.time_range import UtcRange

MAX_HOURLY_DAYS = 93


def label(grain: str, key: object, zone: ZoneInfo) -> str:
    if grain == "hour":
        return datetime.fromtimestamp(int(key), zone).isoformat()
    return key.isoformat() if isinstance(key, date) else str(key)


def every_bucket(window: UtcRange, zone: ZoneInfo, grain: str) -> list[int | date]:
    if grain == "hour":
        # from the start of the local hour the window starts in (a datetime range need not be aligned)
        first = window.start.astimezone(zone).replace(minute=0, second=0, microsecond=0)
        return list(range(int(first.timestamp()), int(window.end.timestamp()), 3600))
    day = window.start.astimezone(zone).date()
    last = (window.end - timedelta(microseconds=1)).astimezone(zone).date()
    if grain == "week":
        day -= timedelta(days=day.weekday())
    elif grain == "month":
        day = day.replace(day=1)
    keys = []
    while day <= last:
        keys.append(day)
        day = (day + timedelta(days=7) if grain == "week" else
               date(day.year + day.month // 12, day.month % 12 + 1, 1) if grain == "month" else day + timedelta(days=1))
    return keys
