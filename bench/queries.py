"""Query engine latency (`POST /api/v2/query`'s `QueryService`) on the embedded ClickHouse engine
(chDB) over a month of synthetic traffic.

The crowd is generated inside ClickHouse (`INSERT … SELECT … FROM numbers(N)`), so 10 million events
load in seconds instead of an hour of Python: visits of 1 to 8 events (pageviews, custom events
with props, engagement pings), three visits per visitor id, entry attributes (source, channel,
UTM) on a visit's first event only, as the edge writes them, 1,000 pages with Zipf-like
popularity, countries, devices and 2 % bots. Then it times a dashboard's worth of engine queries
as the API calls them, each over the whole month, first uncached (every run computes) and then
through the query cache, and prints p50/p95 in ms. Everything lives in a temp dir deleted at the end.

    .venv/bin/python bench/queries.py                    # 10M events, ~3 minutes on 2 cores
    .venv/bin/python bench/queries.py --events 1000000 --runs 5
"""

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import fakeredis

from core.analytics.chdb_store import ChdbStore
from core.analytics.migrations import migrate
from core.ingest.visits import BACKFILL as BUILD_VISITS
from core.query.cache import QueryCache
from core.query.clickhouse import QueryStore
from core.query.goals import Goal
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo

SITE = SiteInfo(id="site_bench", domain="shop.example", allowed_origins=(), timezone="Europe/Berlin")
FIRST_DAY = date(2026, 10, 1)
GOALS = (Goal(id=1, kind="event", target="Signup", display_name="Signup"),
         Goal(id=2, kind="page", target="/checkout/*", display_name="Visit /checkout/*"))


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=10_000_000)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--runs", type=int, default=10, help="timed runs per query (after one warm-up)")
    return p.parse_args()


# One row per event; `v` is the visit number, `p` the event's position in it (visits have
# 1 + v % 8 events, so the crowd is deterministic). Hash-derived choices keep it reproducible.
_LOAD = """
INSERT INTO events (site_id, event_id, type, name, ts_ms, received_ms, visitor_id, url, hostname, pathname,
    referrer, referrer_domain, session_id, prop_keys, prop_values, browser, os, device_type, is_bot, country,
    source, channel, utm_source, utm_medium, utm_campaign, data)
SELECT 'site_bench', generateUUIDv4(), type, name, ts, ts, cityHash64(intDiv(v, 3), 'visitor'),
    concat('https://shop.example', path), 'shop.example', path,
    if(p = 0, ref, ''), if(p = 0, domain(ref), ''), cityHash64(v, 'session'),
    if(type = 'event', ['plan'], []), if(type = 'event', [['free', 'pro', 'team'][1 + v % 3]], []),
    ['Chrome', 'Firefox', 'Safari', 'Edge'][1 + h % 4], ['Windows', 'macOS', 'iOS', 'Android', 'Linux'][1 + h % 5],
    ['desktop', 'mobile', 'tablet'][1 + h % 3], toUInt8(h % 50 = 0),
    ['DE', 'US', 'FR', 'GB', 'AT', 'NL', 'ES', 'IT', 'PL', 'SE'][1 + intDiv(h, 7) % 10],
    if(p = 0, src, ''), if(p = 0, chan, ''), if(p = 0 AND chan = 'Paid Search', 'google', ''),
    if(p = 0 AND chan = 'Paid Search', 'cpc', ''), if(p = 0 AND chan = 'Paid Search', 'autumn', ''),
    if(type = 'engagement', '{"engaged_ms": 15000}', '')
FROM (
    SELECT v, p, cityHash64(intDiv(v, 3)) AS h, cityHash64(v, 'src') % 6 AS s,
        ['', 'Google', 'Google', 'Facebook', 'Newsletter', 'news.ycombinator.com'][1 + s] AS src,
        ['Direct', 'Organic Search', 'Paid Search', 'Organic Social', 'Email', 'Referral'][1 + s] AS chan,
        ['', 'https://www.google.com/', 'https://www.google.com/', 'https://facebook.com/', '',
         'https://news.ycombinator.com/'][1 + s] AS ref,
        %(start_ms)s + intDiv(v * %(span_ms)s, %(visits)s) + p * 40000 AS ts,
        multiIf(p % 4 = 3, 'engagement', p % 5 = 4, 'event', 'pageview') AS type,
        multiIf(type = 'pageview', 'pageview', type = 'engagement', 'engagement',
                ['Signup', 'Download', 'Play'][1 + v % 3]) AS name,
        multiIf(p = 0 AND v % 4 = 0, '/', cityHash64(v, p) % 20 = 0, '/checkout/cart',
                concat('/products/item-', toString(intDiv(pow(cityHash64(v, p, 'page') % 1000, 2), 1000)))) AS path
    FROM (SELECT intDiv(number, 8) AS g, number % 8 AS p, g AS v FROM numbers(%(slots)s))
    WHERE p <= v % 8
)
"""


def load(store: ChdbStore, events: int, days: int) -> tuple[int, float]:
    """Visits have 1 + v % 8 events (4.5 on average): 8 slots a visit, the unused ones dropped."""
    visits = max(1, round(events / 4.5))
    start_ms = int(datetime.combine(FIRST_DAY, datetime.min.time(), UTC).timestamp() * 1000)
    started = time.perf_counter()
    store.execute(_LOAD, {"start_ms": start_ms, "span_ms": days * 86_400_000, "visits": visits,
                          "slots": visits * 8})
    store.execute("OPTIMIZE TABLE events FINAL")
    store.execute(BUILD_VISITS)  # what the worker's refreshes add up to (core.ingest.visits)
    loaded = int(store.query("SELECT count() FROM events")[0][0])
    return loaded, time.perf_counter() - started


def queries(days: int) -> dict[str, dict]:
    month = [FIRST_DAY.isoformat(), FIRST_DAY.replace(day=days).isoformat()]
    top = {"date_range": month, "pagination": {"limit": 10, "offset": 0}}
    return {
        "aggregate + comparison": {"metrics": ["visitors", "visits", "pageviews", "views_per_visit", "bounce_rate",
                                               "visit_duration"], "date_range": month,
                                   "include": {"comparison": "previous_period"}},
        "timeseries (time:day)": {"metrics": ["visitors", "pageviews"], "date_range": month,
                                  "dimensions": ["time:day"], "include": {"time_labels": True}},
        "sources (visit:source)": {"metrics": ["visitors", "visits", "bounce_rate"],
                                   "dimensions": ["visit:source"], **top},
        "channels (visit:channel)": {"metrics": ["visitors", "percentage"], "dimensions": ["visit:channel"], **top},
        "top pages (event:page)": {"metrics": ["visitors", "pageviews"], "dimensions": ["event:page"], **top},
        "entry pages (visit:entry_page)": {"metrics": ["visitors", "visits", "bounce_rate"],
                                           "dimensions": ["visit:entry_page"], **top},
        "countries (visit:country)": {"metrics": ["visitors", "percentage"], "dimensions": ["visit:country"], **top},
        "devices (visit:device)": {"metrics": ["visitors", "percentage"], "dimensions": ["visit:device"], **top},
        "goals (event:goal)": {"metrics": ["visitors", "events", "conversion_rate"], "dimensions": ["event:goal"],
                               **top},
        "props (event:props:plan)": {"metrics": ["visitors", "events"], "dimensions": ["event:props:plan"], **top},
        "filtered: channel is Organic Search": {
            "metrics": ["visitors", "visits", "pageviews", "bounce_rate"], "date_range": month,
            "filters": [["is", "visit:channel", ["Organic Search"]]]},
    }


# The baseline, in the same run: the same "sources" numbers the way the engine counted visits before
# the visits table, grouping every event of the month by visit on each query.
_BASELINE = """
SELECT source, uniqExact(visitor_id), count(), sum(views) FROM (
    SELECT visitor_id, argMin(source, tuple(ts_ms, toString(event_id))) AS source,
        countIf(type = 'pageview') AS views, min(ts_ms) AS started, max(is_bot) AS bot
    FROM events WHERE site_id = 'site_bench' AND day BETWEEN %(pad_from)s AND %(pad_to)s AND session_id != 0
    GROUP BY visitor_id, session_id
    HAVING views > 0 AND bot = 0 AND started >= %(start_ms)s AND started < %(end_ms)s)
GROUP BY source ORDER BY 2 DESC LIMIT 10
"""


def timed(call, runs: int) -> tuple[float, float]:
    call()  # warm-up: caches, lazy imports
    wall = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        wall.append((time.perf_counter() - t0) * 1000)
    wall.sort()
    return statistics.median(wall), wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))]


def main() -> None:
    args, began = parse_args(), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ut-bench-queries-") as tmp:
        store = ChdbStore(Path(tmp) / "clickhouse")
        try:
            from core.ingest.event_log import MIGRATIONS

            migrate(store, "core", MIGRATIONS)
            loaded, load_s = load(store, args.events, args.days)
            print(f"# chDB {store.query('SELECT version()')[0][0]}, Python {platform.python_version()}, "
                  f"{loaded:,} events over {args.days} days; generated and loaded in {load_s:.1f} s")
            clock = lambda: datetime(2026, 11, 15, 12, tzinfo=UTC)  # noqa: E731  the month is closed
            engine = QueryService(store=QueryStore(store=store), clock=clock, goals=lambda site_id: GOALS)
            cached = QueryService(store=QueryStore(store=store), clock=clock, goals=lambda site_id: GOALS,
                                  cache=QueryCache(client=fakeredis.FakeRedis(), open_ttl_s=10, closed_ttl_s=600))
            print(f"# load average before the queries: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            print(f"| query ({args.runs} runs, ms) | p50 | p95 | cached p50 | cached p95 |")
            print("|---|---:|---:|---:|---:|")
            for label, body in queries(args.days).items():
                request = QueryRequest.model_validate({"site_id": SITE.id, **body})
                fresh = timed(lambda r=request: engine.run(site=SITE, request=r), args.runs)
                hit = timed(lambda r=request: cached.run(site=SITE, request=r), args.runs)
                print(f"| {label} | " + " | ".join(f"{v:.0f}" if v >= 10 else f"{v:.1f}"
                                                   for v in (*fresh, *hit)) + " |")
            zone = ZoneInfo(SITE.timezone)
            first = datetime.combine(FIRST_DAY, datetime.min.time(), zone)
            last = datetime.combine(FIRST_DAY.replace(day=args.days) + timedelta(days=1), datetime.min.time(), zone)
            last_day = FIRST_DAY.replace(day=args.days)
            window = {"pad_from": FIRST_DAY - timedelta(days=1), "pad_to": last_day + timedelta(days=1),
                      "start_ms": int(first.timestamp() * 1000), "end_ms": int(last.timestamp() * 1000)}
            base = timed(lambda: store.query(_BASELINE, window), min(args.runs, 5))
            print(f"| baseline: sources from raw events grouped by visit (before the visits table) | "
                  f"{base[0]:.0f} | {base[1]:.0f} | | |")
            print(f"# load average after: {os.getloadavg()[0]:.1f}; total {time.perf_counter() - began:.0f} s")
        finally:
            store.close()


if __name__ == "__main__":
    main()
