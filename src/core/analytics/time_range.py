"""Turning a report's local dates into the UTC bounds the events are stored under."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 3660
# ClickHouse's DateTime holds 1970 to 2105: dates outside these bounds are the caller's mistake.
EARLIEST, LATEST = date(1970, 1, 1), date(2100, 12, 31)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InvalidRange(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class UtcRange:
    start: datetime  # inclusive
    end: datetime  # exclusive
    day_from: date  # UTC days covering the range, for partition and primary-key pruning
    day_to: date

    def params(self) -> dict:
        return {"start": self.start, "end": self.end, "day_from": self.day_from, "day_to": self.day_to}


def local_days_to_utc(date_from: date, date_to: date, timezone: str) -> UtcRange:
    """[date_from 00:00, date_to + 1 day 00:00) in the site's zone, expressed in UTC."""
    for name, day in (("from", date_from), ("to", date_to)):
        if not EARLIEST <= day <= LATEST:
            raise InvalidRange(f"`{name}` must be between {EARLIEST} and {LATEST}, got {day.isoformat()}")
    if date_to < date_from:
        raise InvalidRange("`to` is before `from`")
    if (date_to - date_from).days > MAX_DAYS:
        raise InvalidRange(f"a range may span at most {MAX_DAYS} days")
    zone = ZoneInfo(timezone)
    start = max(datetime.combine(date_from, time.min, zone).astimezone(UTC), _EPOCH)
    end = datetime.combine(date_to + timedelta(days=1), time.min, zone).astimezone(UTC)
    return UtcRange(start, end, start.date(), end.date())
