"""Retention: cohorts by the period of their cohort event, and who came back in each period after.

Periods are local to the site's time zone (days, weeks starting Monday or Sunday, months), so a
DST change never moves an event into the wrong day. A unit's cohort is the period of its first
cohort event in the date range (or, `recurring`, every period in which it had one); it counts
as returned in period p when it had a return event in the p-th period after its cohort's.
A period that has not started yet is `null`, not 0. Retention across days needs identified users
(`unit=users`, the default): anonymous visitor hashes change every day.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.query import clickhouse as engine
from core.tenancy.service import SiteInfo
from tracking.insights.clickhouse import InsightsStore, retention_sql, step_condition
from tracking.insights.schemas import RetentionAnswer, RetentionCohort
from tracking.insights.service.window import InsightsError, Windows, params, parse_filters, where

PERIODS = ("day", "week", "month")
WEEK_STARTS = ("monday", "sunday")
MAX_PERIODS = 60


def period_start(day: date, period: str, week_start: str = "monday") -> date:
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday() if week_start == "monday" else (day.weekday() + 1) % 7)
    return day.replace(day=1)


def shift(start: date, period: str, n: int) -> date:
    if period == "day":
        return start + timedelta(days=n)
    if period == "week":
        return start + timedelta(weeks=n)
    months = start.year * 12 + start.month - 1 + n
    return date(months // 12, months % 12 + 1, 1)


def cohorts(units: Iterable[tuple[Sequence[date], Sequence[date]]], *, period: str, periods: int, first: date,
            last: date, recurring: bool) -> dict[date, tuple[int, list[int]]]:
    """{cohort start: (size, [returned in period 1..N])} from each unit's (cohort periods, return
    periods); `first` and `last` are period starts."""
    starts = []
    day = first
    while day <= last:
        starts.append(day)
        day = shift(day, period, 1)
    out = {s: [0, [0] * periods] for s in starts}
    for joined, came_back in units:
        joined = sorted(p for p in joined if p in out)
        if not recurring:  # first occurrence: the cohort of its first cohort event in the range
            joined = joined[:1]
        back = set(came_back)
        for start in joined:
            entry = out[start]
            entry[0] += 1
            for n in range(1, periods + 1):
                if shift(start, period, n) in back:
                    entry[1][n - 1] += 1
    return {s: (v[0], v[1]) for s, v in out.items()}


class RetentionService:
    def __init__(self, *, store: InsightsStore, windows: Windows) -> None:
        self._store = store
        self._windows = windows

    def analyse(self, site: SiteInfo, *, cohort_event: str, return_event: str, period: str, periods: int,
                date_range, unit: str, recurring: bool, filters: list,
                week_start: str = "monday") -> RetentionAnswer:
        if period not in PERIODS:
            raise InsightsError(f"period: one of {', '.join(PERIODS)}, got {period!r}")
        if week_start not in WEEK_STARTS:
            raise InsightsError(f"week_start: one of {', '.join(WEEK_STARTS)}, got {week_start!r}")
        if not 1 <= periods <= MAX_PERIODS:
            raise InsightsError(f"periods: 1 to {MAX_PERIODS}, got {periods}")
        node = parse_filters(filters)
        window = self._windows.resolve(site, date_range)
        zone = ZoneInfo(site.timezone)
        first = period_start(window.first, period, week_start)  # whole periods: never a cohort cut in half
        last_start = period_start(window.last, period, week_start)
        start_ms = _local_ms(first, zone)
        end_ms = _local_ms(shift(last_start, period, periods + 1), zone)
        q = engine.Sql({**params(site, start_ms, end_ms), "cohort_from": start_ms,
                        "cohort_to": _local_ms(shift(last_start, period, 1), zone)})
        sql = retention_sql(unit=unit, period="week_sunday" if period == "week" and week_start == "sunday"
                            else period, cohort=_target(q, cohort_event),
                            back=_target(q, return_event), where=where(q, node))
        found = cohorts(((_dates(j), _dates(b)) for _, j, b in self._store.rows(sql, q.params)), period=period,
                        periods=periods, first=first, last=last_start, recurring=recurring)
        today = self._windows.clock().astimezone(zone).date()
        answer = []
        for start, (size, back) in sorted(found.items()):
            started = [shift(start, period, n) <= today for n in range(1, periods + 1)]
            answer.append(RetentionCohort(
                cohort=start.isoformat(), size=size,
                returned=[b if ok else None for b, ok in zip(back, started, strict=True)],
                share=[(round(100 * b / size, 2) if size else 0.0) if ok else None
                       for b, ok in zip(back, started, strict=True)]))
        echo = {"cohort_event": cohort_event, "return_event": return_event, "period": period, "periods": periods,
                "date_range": [first.isoformat(), last_start.isoformat()], "unit": unit, "recurring": recurring,
                "filters": filters, "week_starts": week_start, "timezone": site.timezone}
        return RetentionAnswer(query=echo, cohorts=answer)


def _target(q: engine.Sql, name: str) -> str:
    """`pageview` is any pageview; any other name is that custom event."""
    if not name or len(name) > 200:
        raise InsightsError("cohort_event and return_event: an event name (or `pageview`) of 1-200 characters")
    if name == "pageview":
        return step_condition(q, event=None, page="*", props={})
    return step_condition(q, event=name, page=None, props={})


def _dates(values) -> list[date]:
    return [v if isinstance(v, date) else date.fromisoformat(str(v)) for v in values]


def _local_ms(day: date, zone: ZoneInfo) -> int:
    return int(datetime.combine(day, datetime.min.time(), zone).timestamp() * 1000)
