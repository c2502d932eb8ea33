"""Funnels by hand: seeded shopper paths with known steps, and the funnel computed in plain Python
(the truth the API must match; the e2e test uses it too)."""

import random

from tracking.ecommerce.schemas.payload import FUNNEL_STEPS

NOISE = ("view_item_list", "view_cart", "remove_from_cart", "add_shipping_info")
MINUTE = 60_000
DAY = 24 * 60 * MINUTE
GAPS = (0, 1, 500, 20_000, MINUTE, 3 * MINUTE, 9 * MINUTE, 25 * MINUTE)


def generate_paths(seed: int, visitors: int, *, start_ms: int, spread_ms: int = 3 * 3600_000,
                   gaps: tuple[int, ...] = GAPS, max_sessions: int = 2,
                   sessionless_share: float = 0.25) -> list[tuple[int, int, int, str]]:
    """(visitor, session, ts_ms, name) rows: mostly orderly shoppers, with the mess real ones make:
    skipped and repeated steps, steps out of order, noise, long pauses, two sessions, events at the
    same millisecond, and a share of visitors without a session id (sessions module absent)."""
    rng, rows = random.Random(seed), []
    for visitor in range(1, visitors + 1):
        sessionless = rng.random() < sessionless_share
        ts = start_ms - rng.randrange(spread_ms // 1000 + 1) * 1000
        for session in range(1, rng.randint(1, max_sessions) + 1):
            depth = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 5))
            steps = list(FUNNEL_STEPS[:depth])
            if rng.random() < 0.2:  # a step missing in the middle
                del steps[rng.randrange(len(steps))]
            if rng.random() < 0.15 and len(steps) > 1:  # two steps the wrong way round
                i = rng.randrange(len(steps) - 1)
                steps[i], steps[i + 1] = steps[i + 1], steps[i]
            if rng.random() < 0.2:
                steps.insert(rng.randrange(len(steps) + 1), rng.choice(FUNNEL_STEPS))  # a repeat
            for _ in range(rng.randrange(3)):
                steps.insert(rng.randrange(len(steps) + 1), rng.choice(NOISE))
            for name in steps:
                rows.append((visitor, 0 if sessionless else visitor * 10 + session, ts, name))
                ts += rng.choice(gaps)
            ts += 40 * MINUTE  # the next session starts after a pause
    return rows


def reached(times: list[tuple[int, int]], window_ms: int) -> int:
    """The furthest step reached in order (t1 <= t2 <= ...) with the last one within window of the first."""
    best = 0
    for start, step in times:
        if step != 0:
            continue
        level, at = 1, start
        for wanted in range(1, len(FUNNEL_STEPS)):
            later = [t for t, s in times if s == wanted and at <= t <= start + window_ms]
            if not later:
                break
            level, at = level + 1, min(later)
        best = max(best, level)
    return best


def funnel_by_hand(rows, *, window_ms: int, by_session: bool) -> list[int]:
    """Visitors reaching each step: within a session (session 0: within `window_ms`), or within
    `window_ms` of the first step. Visitor hashes live one UTC day, so groups are per day too."""
    groups: dict[tuple, list[tuple[int, int]]] = {}
    for visitor, session, ts, name in rows:
        if name in FUNNEL_STEPS:
            key = (visitor, ts // DAY, session if by_session else 0)
            groups.setdefault(key, []).append((ts, FUNNEL_STEPS.index(name)))
    levels: dict[int, int] = {}
    for (visitor, _, session), times in groups.items():
        window = DAY if by_session and session else window_ms
        levels[visitor] = max(levels.get(visitor, 0), reached(times, window))
    return [sum(1 for lvl in levels.values() if lvl >= k) for k in range(1, len(FUNNEL_STEPS) + 1)]
