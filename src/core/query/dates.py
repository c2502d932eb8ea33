"""`date_range` to the local days it covers (the site's time zone), and the period before it.

`day` is today; `7d`, `28d`, `30d` are the N days ending today (today included); `month`, `year`
are the current calendar month / year; `6mo`, `12mo` the N calendar months ending with the current
one; `all` runs from the site's first event to today; `[from, to]` are inclusive dates.
The previous period is the same number of days ending the day before `from`.

`[from, to]` may also be ISO 8601 datetimes (`2026-03-29T01:30:00+01:00`; without an offset they
are the site's local time): both ends inclusive to the second, as Plausible reads them, and the
previous period is the same span of time just before `from`.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.analytics.time_range import EARLIEST, LATEST, MAX_DAYS, InvalidRange, UtcRange, local_days_to_utc

RELATIVE = ("day", "7d", "28d", "30d", "month", "6mo", "12mo", "year", "all")
_DAYS = {"day": 1, "7d": 7, "28d": 28, "30d": 30}


class InvalidDateRange(ValueError):
    pass


def local_days(date_range: str | list, *, today: date, first_day: date | None) -> tuple[date, date]:
    if isinstance(date_range, list):
        return _explicit(date_range)
    if date_range in _DAYS:
        return today - timedelta(days=_DAYS[date_range] - 1), today
    if date_range == "month":
        return today.replace(day=1), _month_end(today)
    if date_range in ("6mo", "12mo"):
        months = int(date_range[:-2])
        start = today.replace(day=1)
        for _ in range(months - 1):
            start = (start - timedelta(days=1)).replace(day=1)
        return start, _month_end(today)
    if date_range == "year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if date_range == "all":
        return min(first_day or today, today), today
    raise InvalidDateRange(f"date_range: unknown {date_range!r}; one of {', '.join(RELATIVE)} or [from, to] dates")


@dataclass(frozen=True, slots=True)
class Period:
    """A resolved date_range: the window, the one before it, and how both are echoed."""

    window: UtcRange
    previous: UtcRange
    label: tuple[str, str]
    previous_label: tuple[str, str]

    @property
    def days(self) -> int:
        return -(-(self.window.end - self.window.start) // timedelta(days=1))  # started days count whole


def is_datetime_range(date_range: str | list) -> bool:
    return isinstance(date_range, list) and any(isinstance(v, str) and "T" in v for v in date_range)


def resolve(date_range: str | list, *, timezone: str, today: date, first_day: date | None) -> Period:
    if is_datetime_range(date_range):
        return _instants(date_range, ZoneInfo(timezone))
    first, last = local_days(date_range, today=today, first_day=first_day)
    p_first, p_last = previous_period(first, last)
    try:
        window, previous = local_days_to_utc(first, last, timezone), local_days_to_utc(p_first, p_last, timezone)
    except InvalidRange as exc:
        raise InvalidDateRange(f"date_range: {exc}") from exc
    return Period(window, previous, (first.isoformat(), last.isoformat()),
                  (p_first.isoformat(), p_last.isoformat()))


def _instants(value: list, zone: ZoneInfo) -> Period:
    if len(value) != 2 or not all(isinstance(v, str) for v in value):
        raise InvalidDateRange("date_range: a list must be [from, to] as dates or as ISO 8601 datetimes")
    try:
        start, last = (_instant(v, zone) for v in value)
    except ValueError as exc:
        raise InvalidDateRange(f"date_range: {exc} (datetimes are ISO 8601, e.g. 2026-03-29T01:30:00+01:00, "
                               "both ends given the same way)") from exc
    start = start.replace(microsecond=0)  # the log's `ts` has whole seconds
    end = last.replace(microsecond=0) + timedelta(seconds=1)  # `to` is inclusive to the second
    low, high = datetime(EARLIEST.year, 1, 1, tzinfo=UTC), datetime(LATEST.year + 1, 1, 1, tzinfo=UTC)
    if not (low <= start < high and low < end <= high):
        raise InvalidDateRange(f"date_range: datetimes must be between {EARLIEST} and {LATEST}")
    if end <= start:
        raise InvalidDateRange("date_range: `to` is before `from`")
    if (end - start).days > MAX_DAYS:
        raise InvalidDateRange(f"date_range: a range may span at most {MAX_DAYS} days")
    span = end - start
    p_start = max(start - span, low)
    return Period(_utc_range(start, end), _utc_range(p_start, start), (value[0], value[1]),
                  (p_start.astimezone(zone).isoformat(), (start - timedelta(seconds=1)).astimezone(zone).isoformat()))


def _instant(text: str, zone: ZoneInfo) -> datetime:
    if "T" not in text:
        raise ValueError(f"{text!r} is a date where a datetime is expected")
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)


def _utc_range(start: datetime, end: datetime) -> UtcRange:
    return UtcRange(start, end, start.date(), end.date())


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    days = (date_to - date_from).days + 1
    end = date_from - timedelta(days=1)
    return max(end - timedelta(days=days - 1), EARLIEST), max(end, EARLIEST)


def _explicit(value: list) -> tuple[date, date]:
    if len(value) != 2 or not all(isinstance(v, str) for v in value):
        raise InvalidDateRange("date_range: a list must be [from, to] as YYYY-MM-DD dates")
    try:
        start, end = date.fromisoformat(value[0]), date.fromisoformat(value[1])
    except ValueError as exc:
        raise InvalidDateRange(f"date_range: {exc} (dates are YYYY-MM-DD, datetimes ISO 8601)") from exc
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        raise InvalidDateRange(f"date_range: dates must be between {EARLIEST} and {LATEST}")
    return start, end


def _month_end(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)
