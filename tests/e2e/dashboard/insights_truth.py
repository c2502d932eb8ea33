"""What the Insights view must show, computed here from the seeded events themselves (never from
the service's answers), by the rules the README states: funnels per identified user from the
first entry, weekly retention in the site's zone, paths within a visit (one address and browser;
a new visit after 30 minutes idle or at local midnight), journeys in time order."""

import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tests.e2e.dashboard_page import TZ

ZONE = ZoneInfo(TZ)


def _ts(e: dict) -> datetime:
    return datetime.fromisoformat(e["timestamp"])


def _day(e: dict) -> date:
    return _ts(e).astimezone(ZONE).date()


def _step(e: dict) -> str:
    return f"page:{urlsplit(e['url']).path}" if e["eventName"] == "pageview" else f"event:{e['eventName']}"


def _matches(e: dict, step: str) -> bool:
    """A funnel step: `event:<name>`, or `page:<pattern>` matching the whole path (`*` = anything)."""
    if not step.startswith("page:"):
        return _step(e) == step
    pattern = "".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", step[5:]))
    return e["eventName"] == "pageview" and re.fullmatch(pattern, urlsplit(e["url"]).path) is not None


def funnel(events: list[dict], steps: list[str], first: date, last: date, window_s: int = 86_400) -> list[int]:
    """Ordered funnel, unit=users, entry=first: per step, the users whose first step-1 event in
    [first, last] reached it, each step at or after the previous one, within the window."""
    counts = [0] * len(steps)
    for evs in _by(events, lambda e: e["userId"]).values():
        entry = next((i for i, e in enumerate(evs) if _matches(e, steps[0]) and first <= _day(e) <= last), None)
        if entry is None:
            continue
        end, reached = _ts(evs[entry]) + timedelta(seconds=window_s), 1
        for e in evs[entry + 1:]:
            if reached == len(steps) or _ts(e) > end:
                break
            if _matches(e, steps[reached]):
                reached += 1
        for k in range(reached):
            counts[k] += 1
    return counts


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weekly_retention(events: list[dict], cohort_event: str, return_event: str, first: date, last: date,
                     periods: int, today: date) -> dict[str, list]:
    """{cohort Monday: [size, share % per period 1..N (None: not started)]}, cohorts by each
    user's first `cohort_event` in the range widened to whole weeks."""
    starts = [_monday(first) + timedelta(weeks=n) for n in range((_monday(last) - _monday(first)).days // 7 + 1)]
    out = {s: [0, [0] * periods] for s in starts}
    for evs in _by(events, lambda e: e["userId"]).values():
        weeks = (_monday(_day(e)) for e in evs if e["eventName"] == cohort_event)
        joined = next((w for w in weeks if w in out), None)
        if joined is None:
            continue
        back = {_monday(_day(e)) for e in evs if e["eventName"] == return_event}
        out[joined][0] += 1
        for n in range(1, periods + 1):
            out[joined][1][n - 1] += (joined + timedelta(weeks=n)) in back
    return {s.isoformat(): [size, [None if s + timedelta(weeks=n + 1) > today else round(100 * b / size, 2)
                                   for n, b in enumerate(back)] if size else None]
            for s, (size, back) in out.items()}


def visits(events: list[dict]) -> list[list[dict]]:
    """The seeded events as the service's visits: by address and browser, cut after 30 minutes
    idle or at local midnight, each in time order."""
    out = []
    for evs in _by(events, lambda e: (e["ip"], e["userAgent"])).values():
        current = [evs[0]]
        for e in evs[1:]:
            if _ts(e) - _ts(current[-1]) > timedelta(minutes=30) or _day(e) != _day(current[-1]):
                out.append(current)
                current = []
            current.append(e)
        out.append(current)
    return out


def paths_next(events: list[dict], anchor: str, first: date, last: date, depth: int, limit: int = 10):
    """(visits with the anchor, per depth the top `limit` [steps, visits] after its first
    occurrence, most visits first, ties by steps)."""
    levels, anchors = [Counter() for _ in range(depth)], 0
    for visit in visits([e for e in events if first <= _day(e) <= last]):
        steps = [_step(e) for e in visit]
        if anchor not in steps:
            continue
        anchors += 1
        after = steps[steps.index(anchor) + 1:][:depth]
        for d in range(len(after)):
            levels[d][tuple(after[:d + 1])] += 1
    return anchors, [[[list(p), n] for p, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
                     for c in levels]


def journey(events: list[dict], user_id: str, first: date, last: date) -> list[list[list[str]]]:
    """The user's visits in [first, last], each its events' [name, path] in time order."""
    mine = [e for e in events if e["userId"] == user_id and first <= _day(e) <= last]
    in_order = sorted(visits(mine), key=lambda v: _ts(v[0]))
    return [[[e["eventName"], urlsplit(e["url"]).path] for e in v] for v in in_order]


def _by(events: list[dict], key) -> dict:
    grouped = defaultdict(list)
    for e in sorted(events, key=_ts):
        grouped[key(e)].append(e)
    return grouped
