"""Stats query latency on the embedded ClickHouse engine (chDB) over a month of synthetic traffic.

Loads N pageviews (default 1M over 30 days, 1k pages with Zipf-like popularity, 50k visitors) the
way the worker's bus delivers them: chunks of 100k into page_analytics' projection
(`PageviewStore.add`, one JSONEachRow insert each; `--events-log` also writes core's `EventLog`,
which no query here reads). A share of the page loads also reports Web Vitals (LCP, CLS, FCP,
TTFB; INP on half of them; a fifth of the CLS instances reported twice) through web_vitals' store.
Then it times the stats services as the API calls them (aggregate, top pages, the vitals report by
page and by device) over the whole month and over one day, and prints p50/p99 in ms. Everything
lives in a temp dir that is deleted at the end.

    .venv/bin/python bench/queries.py                 # ~1.5 minutes on 2 cores
    .venv/bin/python bench/queries.py --pageviews 100000 --runs 10
"""

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson

from core.analytics.chdb_store import ChdbStore
from core.analytics.migrations import migrate
from core.analytics.time_range import local_days_to_utc
from core.bus.events import FIELD_NAMES, PageViewed, VitalMeasured
from core.ingest.event_log import MIGRATIONS as EVENTS_MIGRATIONS
from core.ingest.event_log import EventLog
from core.tenancy.service import SiteInfo
from tracking.page_analytics.clickhouse import MIGRATIONS as PAGE_MIGRATIONS
from tracking.page_analytics.clickhouse import PageviewStore
from tracking.page_analytics.service import PageAnalyticsService
from tracking.web_vitals.clickhouse import MIGRATIONS as VITALS_MIGRATIONS
from tracking.web_vitals.clickhouse import VitalsStore
from tracking.web_vitals.service import WebVitalsService

SITE = SiteInfo(id="site_bench", domain="shop.example", allowed_origins=(), timezone="Europe/Berlin")
FIRST_DAY = date(2026, 10, 1)
CHUNK = 100_000


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pageviews", type=int, default=1_000_000)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--pages", type=int, default=1_000)
    p.add_argument("--visitors", type=int, default=50_000)
    p.add_argument("--vitals-share", type=float, default=0.1, help="share of page loads reporting Web Vitals")
    p.add_argument("--runs", type=int, default=10, help="timed runs per query (after one warm-up)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--events-log", action="store_true",
                   help="also write core's events log (no query here reads it; ~3x the load time)")
    return p.parse_args()


def load(store: ChdbStore, args: argparse.Namespace) -> tuple[int, float]:
    rng = random.Random(args.seed)
    paths = [f"/products/item-{i}" if i else "/" for i in range(args.pages)]
    weights = [1 / (rank + 1) for rank in range(args.pages)]  # Zipf: a few pages get most views
    visitors = [rng.getrandbits(64) for _ in range(args.visitors)]
    start_ms = int(datetime.combine(FIRST_DAY, datetime.min.time(), UTC).timestamp() * 1000)
    span_ms = args.days * 86_400_000
    log, pages, vitals = EventLog(store=store), PageviewStore(analytics=store), VitalsStore(analytics=store)
    vitals_rows, started = 0, time.perf_counter()
    for offset in range(0, args.pageviews, CHUNK):
        n = min(CHUNK, args.pageviews - offset)
        chosen = rng.choices(paths, weights, k=n)
        views, measured = [], []
        for path in chosen:
            ts = start_ms + rng.randrange(span_ms)
            view = PageViewed(site_id=SITE.id, event_id=_uuid(rng), type="pageview",
                              name="pageview", ts_ms=ts, received_ms=ts, visitor_id=rng.choice(visitors),
                              url=f"https://shop.example{path}", hostname="shop.example", pathname=path)
            views.append(view)
            if rng.random() < args.vitals_share:
                measured += _vitals(rng, view)
        if args.events_log:  # the worker's records (dataclasses.asdict is too slow for a million)
            log.write([{f: getattr(v, f) for f in FIELD_NAMES} | {"props": {}} for v in views])
        pages.add(views)
        vitals.add(measured)
        vitals_rows += len(measured)
    return vitals_rows, time.perf_counter() - started


def _vitals(rng: random.Random, view: PageViewed) -> list[VitalMeasured]:
    load_id = f"v4-{view.ts_ms}-{rng.getrandbits(40)}"
    values = {"LCP": rng.lognormvariate(7.6, 0.5), "CLS": round(rng.expovariate(12), 4),
              "FCP": rng.lognormvariate(7.1, 0.5), "TTFB": rng.lognormvariate(6.2, 0.6)}
    if rng.random() < 0.5:
        values["INP"] = rng.lognormvariate(4.8, 0.7)
    reports = [(name, value, view.ts_ms + 1000) for name, value in values.items()]
    if rng.random() < 0.2:  # the CLS instance grows and is reported again
        reports.append(("CLS", values["CLS"] + 0.05, view.ts_ms + 5000))
    return [VitalMeasured(site_id=view.site_id, event_id=_uuid(rng), type="vitals", name=name, ts_ms=ts,
                          received_ms=ts, visitor_id=view.visitor_id, url=view.url, pathname=view.pathname,
                          device_type=rng.choice(("desktop", "mobile", "tablet")),
                          data=orjson.dumps({"value": value, "metric_id": f"{load_id}-{name}"}).decode())
            for name, value, ts in reports]


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"  # half the cost of str(uuid.UUID(...))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def timed(call, runs: int) -> tuple[float, float, float]:
    """p50 and p99 wall ms, and p50 CPU ms of the whole process (chDB's threads included): the CPU
    figure barely moves when other processes compete for the cores, the wall figures do."""
    call()  # warm-up: caches, lazy imports
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    wall.sort()
    return statistics.median(wall), wall[min(len(wall) - 1, round(0.99 * (len(wall) - 1)))], statistics.median(cpu)


def main() -> None:
    args, began = parse_args(), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ut-bench-queries-") as tmp:
        store = ChdbStore(Path(tmp) / "clickhouse")
        try:
            for owner, migrations in (("core", EVENTS_MIGRATIONS), ("page_analytics", PAGE_MIGRATIONS),
                                      ("web_vitals", VITALS_MIGRATIONS)):
                migrate(store, owner, migrations)
            vitals_rows, load_s = load(store, args)
            print(f"# chDB {store.query('SELECT version()')[0][0]}, Python {platform.python_version()}, "
                  f"{args.pageviews:,} pageviews + {vitals_rows:,} vitals reports over {args.days} days, "
                  f"{args.pages:,} pages, {args.visitors:,} visitors; loaded in {load_s:.1f} s "
                  f"({(args.pageviews * (1 + args.events_log) + vitals_rows) / load_s:,.0f} rows/s incl. generation)")
            page_stats, vitals = PageAnalyticsService(store=PageviewStore(analytics=store)), \
                WebVitalsService(store=VitalsStore(analytics=store))
            month = local_days_to_utc(FIRST_DAY, FIRST_DAY + timedelta(days=args.days - 1), SITE.timezone)
            day = local_days_to_utc(FIRST_DAY + timedelta(days=14), FIRST_DAY + timedelta(days=14), SITE.timezone)
            queries = {
                "aggregate": lambda w: page_stats.aggregate(site=SITE, window=w),
                "top-pages (limit 10)": lambda w: page_stats.top_pages(site=SITE, window=w, limit=10),
                "vitals by page (limit 100)": lambda w: vitals.report(site=SITE, window=w, by="page", limit=100),
                "vitals by device": lambda w: vitals.report(site=SITE, window=w, by="device", limit=100),
            }
            # Other processes on the machine inflate every figure: say how busy it was.
            print(f"# load average before the queries: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            print(f"| query ({args.runs} runs, ms) | {args.days} days p50 | p99 | CPU | 1 day p50 | p99 | CPU |")
            print("|---|---|---|---|---|---|---|")
            for label, query in queries.items():
                month_ms = timed(lambda q=query: q(month), args.runs)
                day_ms = timed(lambda q=query: q(day), args.runs)
                print(f"| {label} | " + " | ".join(f"{v:.0f}" for v in (*month_ms, *day_ms)) + " |")
            print(f"# load average after: {os.getloadavg()[0]:.1f}; total {time.perf_counter() - began:.0f} s")
        finally:
            store.close()


if __name__ == "__main__":
    main()
