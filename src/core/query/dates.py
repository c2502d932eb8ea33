"""`date_range` to the local days it covers (the site's time zone), and the period before it.

`day` is today; `7d`, `28d`, `30d` are the N days ending today (today included); `month`, `year`
are the current calendar month / year; `6mo`, `12mo` the N calendar months ending with the current
one; `all` runs from the site's first event to today; `[from, to]` are inclusive dates.
The previous period is the same number of days ending the day before `from`.
"""

from datetime import date, timedelta

from core.analytics.time_range import EARLIEST, LATEST

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
        raise InvalidDateRange(f"date_range: {exc} (dates are YYYY-MM-DD; datetimes are not supported yet)") from exc
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        raise InvalidDateRange(f"date_range: dates must be between {EARLIEST} and {LATEST}")
    return start, end


def _month_end(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)
