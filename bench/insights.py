"""Insights latency on the embedded ClickHouse engine (chDB): a 4-step funnel, 12 weeks of
retention and 5-deep paths, over synthetic traffic generated inside ClickHouse.

Its own loader (`INSERT … SELECT … FROM numbers(N)`): units of about 20 events spread over up to
90 days, a new visitor hash and visit per unit-day (as the edge makes them), a third of the units
identified (a user pseudonym on every event), pageviews of five pages and custom events
(signup_started, signup, purchase). Each query runs as the API runs it (SQL, then the sequence
rule in Python) and prints p50/p95 wall time and p50 CPU time in ms. A temp dir, deleted at the end.

    .venv/bin/python bench/insights.py                       # 10M events
    .venv/bin/python bench/insights.py --events 1000000 --runs 5
"""

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, date, datetime

from core.analytics.chdb_store import ChdbStore
from core.analytics.migrations import migrate
from core.ingest.event_log import MIGRATIONS as EVENTS_MIGRATIONS
from core.tenancy.service import SiteInfo
from tracking.insights.clickhouse import InsightsStore
from tracking.insights.schemas import FunnelQuery, Step
from tracking.insights.service.funnels import FunnelService
from tracking.insights.service.paths import PathsService
from tracking.insights.service.retention import RetentionService
from tracking.insights.service.window import Windows

SITE = SiteInfo(id="site_bench", domain="shop.example", allowed_origins=(), timezone="Europe/Berlin")
FIRST_DAY = date(2026, 7, 1)
DAYS = 90

_LOAD = """
INSERT INTO events (site_id, event_id, type, name, ts_ms, received_ms, visitor_id, session_id, user_id, url,
    hostname, pathname, country)
SELECT 'site_bench', generateUUIDv4(), type, name, ts, ts,
    cityHash64(u, intDiv(ts, 86400000)), cityHash64(u, intDiv(ts, 86400000), 'visit'),
    if(u % 3 = 0, hex(cityHash64(u, 'user')), ''), concat('https://shop.example', path), 'shop.example', path,
    ['DE', 'FR', 'US', 'GB'][1 + u % 4]
FROM (
    SELECT number AS n, intDiv(number, 20) AS u, cityHash64(number, 'kind') % 10 AS kind,
        -- a unit's first day, then its events: minutes apart within a day, some on later days
        %(start)s + (cityHash64(u, 'day') % %(days)s) * 86400000
            + (n % 20) * 90000 + if(n % 20 >= 12, (cityHash64(u, 'later') % 21) * 86400000, 0) AS ts,
        if(kind < 6, 'pageview', 'event') AS type,
        if(kind < 6, 'pageview', ['signup_started', 'signup', 'purchase', 'signup'][1 + kind - 6]) AS name,
        ['/', '/pricing', '/blog/a', '/docs', '/signup', '/pricing'][1 + cityHash64(n, 'page') % 6] AS path
    FROM numbers(%(events)s)
)
"""


def timed(fn, runs: int) -> tuple[float, float, float]:
    """p50 and p95 wall time, and p50 CPU time of this process (chDB's threads included: on a
    shared machine the steadier figure), in ms."""
    fn()  # warm-up
    times, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)], statistics.median(cpu)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=10_000_000)
    p.add_argument("--runs", type=int, default=10)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = ChdbStore(os.path.join(tmp, "clickhouse"))
        migrate(store, "core", EVENTS_MIGRATIONS)
        start_ms = int(datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=UTC).timestamp() * 1000)
        t = time.perf_counter()
        store.execute(_LOAD, {"events": args.events, "start": start_ms, "days": DAYS})
        load_s = time.perf_counter() - t
        stored = store.query("SELECT count() FROM events")[0][0]
        insights = InsightsStore(store=store)
        windows = Windows(store=insights, clock=lambda: datetime(2026, 12, 1, tzinfo=UTC))
        funnels = FunnelService(uow=None, store=insights, windows=windows)
        retention = RetentionService(store=insights, windows=windows)
        paths = PathsService(store=insights, windows=windows)
        steps = [Step(page="/"), Step(page="/pricing"), Step(event="signup"), Step(event="purchase")]
        week = ["2026-08-03", "2026-08-09"]
        cases = {
            "funnel 4 steps, 7 days, visitors": lambda: funnels.analyse(SITE, FunnelQuery(
                steps=steps, date_range=week, window_s=3600)),
            "funnel 4 steps, 7 days, users, strict": lambda: funnels.analyse(SITE, FunnelQuery(
                steps=steps, date_range=week, unit="users", order="strict")),
            "retention 12 weeks, users": lambda: retention.analyse(
                SITE, cohort_event="signup", return_event="pageview", period="week", periods=12,
                date_range=["2026-07-06", "2026-08-02"], unit="users", recurring=False, filters=[]),
            "paths next 5 deep after /pricing, 1 day": lambda: paths.analyse(
                SITE, event=None, page="/pricing", direction="next", depth=5, limit=10,
                date_range=["2026-08-05", "2026-08-05"], filters=[]),
        }
        print(f"{stored:,} events loaded in {load_s:.1f} s; {platform.processor() or platform.machine()}, "
              f"{os.cpu_count()} CPUs; {args.runs} runs each after a warm-up")
        for name, fn in cases.items():
            p50, p95, cpu = timed(fn, args.runs)
            print(f"{name:45s} p50 {p50:7.0f} ms   p95 {p95:7.0f} ms   CPU p50 {cpu:7.0f} ms")
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        store.close()


if __name__ == "__main__":
    main()
