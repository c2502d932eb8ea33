"""A seeded crowd for insights tests, and the truth about it computed by brute force in Python.

Identified users (a user id on every event, a new visitor hash every UTC day, as the edge makes
them) and anonymous visitors, over eight days of a Europe/Berlin site across the 2026-03-29 DST
change; some events share their millisecond with the previous one, a few page measurements
(engagement) are mixed in, and rows arrive shuffled in several inserts. The truth functions
share no code with the module: they enumerate every chain of events instead of following rules.
"""

import hashlib
import itertools
import random
import re
import statistics
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = "Europe/Berlin"
ZONE = ZoneInfo(TZ)
FIRST_DAY, LAST_DAY = date(2026, 3, 25), date(2026, 4, 1)  # local days; DST starts 2026-03-29
PAGES = ["/", "/pricing", "/signup", "/blog/a", "/blog/b"]
EVENTS = ["signup_started", "signup", "purchase"]
TECHNICAL = ("engagement", "vitals")


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def build(site_id: str, seed: int = 14) -> list[dict]:
    rnd = random.Random(seed)
    rows: list[dict] = []
    units = [(f"user-{i}", True) for i in range(40)] + [(f"anon-{i}", False) for i in range(40)]
    start = _ms(datetime.combine(FIRST_DAY, datetime.min.time(), ZONE))
    end = _ms(datetime.combine(LAST_DAY + timedelta(days=1), datetime.min.time(), ZONE))
    for name, identified in units:
        country = rnd.choice(["DE", "FR", "US"])
        active = rnd.sample(range((end - start) // 86_400_000), rnd.randint(1, 4) if identified else 1)
        for d in active:
            for _ in range(rnd.randint(1, 2)):
                ts = start + d * 86_400_000 + rnd.randrange(0, 86_400_000 - 3_600_000)
                utc_day = datetime.fromtimestamp(ts / 1000, UTC).date()
                visitor = int.from_bytes(hashlib.blake2b(f"{name}{utc_day}".encode(), digest_size=8).digest(), "big")
                session = rnd.getrandbits(63) + 1
                for k in range(rnd.randint(2, 9)):
                    if k and rnd.random() > 0.15:  # 15 %: at the same millisecond as the previous event
                        ts += rnd.choice([1_000, 30_000, 120_000, 600_000])
                    if k == 0 or rnd.random() < 0.5:
                        kind, ev, path = "pageview", "pageview", rnd.choice(PAGES)
                    elif rnd.random() < 0.12:
                        kind, ev, path = "engagement", "engagement", rnd.choice(PAGES)
                    else:
                        kind, ev, path = "event", rnd.choice(EVENTS), rnd.choice(PAGES)
                    props = {"plan": rnd.choice(["pro", "free"])} if ev == "signup" else {}
                    rows.append({"site_id": site_id, "event_id": str(uuid.UUID(int=rnd.getrandbits(128))),
                                 "type": kind, "name": ev, "ts_ms": ts, "received_ms": ts + 5,
                                 "visitor_id": visitor, "session_id": session, "pathname": path,
                                 "url": f"https://shop.example{path}", "hostname": "shop.example",
                                 "user_id": hashlib.sha256(name.encode()).hexdigest()[:32] if identified else "",
                                 "country": country, "props": props})
    rnd.shuffle(rows)  # out of order arrival
    return rows


def matches(row: dict, step: dict) -> bool:
    if "event" in step:
        ok = row["type"] != "pageview" and row["name"] == step["event"]
    else:
        regex = "^" + ".*".join(re.escape(p) for p in re.split(r"\*+", step["page"])) + "$"
        ok = row["type"] == "pageview" and re.match(regex, row["pathname"]) is not None
    return ok and all(row["props"].get(k) == v for k, v in step.get("props", {}).items())


def _key(r: dict) -> tuple:
    return r["ts_ms"], r["event_id"]


def funnel_truth(rows, steps, *, order, window_ms, entry, unit, start_ms, end_ms, group=None):
    """{group: [(count, median/average from first, from previous) per step]} by enumeration."""
    by_unit: dict = {}
    for r in rows:
        if r["type"] in TECHNICAL or (unit == "users" and not r["user_id"]):
            continue
        by_unit.setdefault(r["user_id"] if unit == "users" else r["visitor_id"], []).append(r)
    runs: dict = {}
    for events in by_unit.values():
        events.sort(key=_key)
        firsts = [e for e in events if start_ms <= e["ts_ms"] < end_ms and
                  (any(matches(e, s) for s in steps) if order == "any" else matches(e, steps[0]))]
        for e0 in firsts[:1] if entry == "first" else firsts:
            times = _best(events, e0, steps, order, window_ms)
            runs.setdefault(group(e0) if group else None, []).append(times)
    return {g: _numbers(r, len(steps)) for g, r in runs.items()}


def _best(events, e0, steps, order, window_ms):
    """Earliest time (ms from e0) at which each step was reached, over every valid chain."""
    t0, deadline = e0["ts_ms"], e0["ts_ms"] + window_ms
    inside = [e for e in events if t0 <= e["ts_ms"] <= deadline]
    best = [None] * len(steps)
    if order == "any":
        for k in range(1, len(steps) + 1):
            for T in sorted({e["ts_ms"] for e in inside}):
                pool = [e for e in inside if e["ts_ms"] <= T]
                cands = [[i for i, e in enumerate(pool) if matches(e, s)] for s in steps[:k]]
                if any(len(set(c)) == k for c in itertools.product(*cands)):
                    best[k - 1] = T - t0
                    break
        return [b for b in itertools.takewhile(lambda b: b is not None, best)]

    def walk(chain):
        k = len(chain)
        last = chain[-1]
        if best[k - 1] is None or last["ts_ms"] - t0 < best[k - 1]:
            best[k - 1] = last["ts_ms"] - t0
        if k == len(steps):
            return
        for e in inside:
            if e["ts_ms"] >= last["ts_ms"] and all(e is not c for c in chain) and matches(e, steps[k]):
                nxt = chain + [e]
                if order == "strict" and any(o["ts_ms"] < e["ts_ms"] and all(o is not c for c in nxt)
                                             for o in inside):
                    continue  # another event happened before this step, after the entry
                walk(nxt)

    walk([e0])
    return [b for b in itertools.takewhile(lambda b: b is not None, best)]


def _numbers(runs, n):
    out = []
    for k in range(n):
        done = [r for r in runs if len(r) > k]
        first = [r[k] / 1000 for r in done]
        prev = [(r[k] - r[k - 1]) / 1000 for r in done] if k else []
        out.append((len(done), _r(statistics.median(first)) if first else None,
                    _r(statistics.fmean(first)) if first else None,
                    _r(statistics.median(prev)) if prev else None, _r(statistics.fmean(prev)) if prev else None))
    return out


def _r(x):
    return round(x, 3)


def local_day(ts_ms: int) -> date:
    return datetime.fromtimestamp(ts_ms / 1000, UTC).astimezone(ZONE).date()


def _index(day: date, period: str) -> int:
    if period == "day":
        return day.toordinal()
    if period == "week":
        return (day.toordinal() - day.weekday()) // 7
    if period == "week_sunday":  # the ordinal of the week's Sunday, in weeks
        return (day.toordinal() - (day.weekday() + 1) % 7) // 7
    return day.year * 12 + day.month


def retention_truth(rows, *, cohort, back, period, periods, unit, recurring, first_day, last_day):
    """{cohort index: (size, [returned in 1..N])}; cohort events only in the cohort periods."""
    lo, hi = _index(first_day, period), _index(last_day, period)
    by_unit: dict = {}
    for r in rows:
        if r["type"] in TECHNICAL or (unit == "users" and not r["user_id"]):
            continue
        by_unit.setdefault(r["user_id"] if unit == "users" else r["visitor_id"], []).append(r)
    out = {i: [0, [0] * periods] for i in range(lo, hi + 1)}
    for events in by_unit.values():
        events.sort(key=_key)
        joins = [_index(local_day(e["ts_ms"]), period) for e in events if cohort(e)]
        joins = [j for j in joins if lo <= j <= hi]
        if not recurring:
            joins = joins[:1]
        backs = {_index(local_day(e["ts_ms"]), period) for e in events if back(e)}
        for j in set(joins):
            out[j][0] += 1
            for p in range(1, periods + 1):
                out[j][1][p - 1] += (j + p) in backs
    return out


def paths_truth(rows, anchor, *, direction, depth, start_ms, end_ms):
    visits: dict = {}
    for r in rows:
        if r["type"] not in TECHNICAL and start_ms <= r["ts_ms"] < end_ms:
            visits.setdefault((r["visitor_id"], r["session_id"]), []).append(r)
    anchors, levels = 0, [Counter() for _ in range(depth)]
    for events in visits.values():
        events.sort(key=_key)
        pos = next((i for i, e in enumerate(events) if matches(e, anchor)), None)
        if pos is None:
            continue
        anchors += 1
        seq = events[pos + 1:] if direction == "next" else events[:pos][::-1]
        labels = [f"page:{e['pathname']}" if e["type"] == "pageview" else f"event:{e['name']}" for e in seq]
        for d in range(min(depth, len(labels))):
            levels[d][tuple(labels[:d + 1])] += 1
    return anchors, levels
