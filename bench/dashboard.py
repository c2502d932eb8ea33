"""Dashboard load time: from navigation to every widget filled, on the real service with a month
of synthetic traffic.

The service runs as a user runs it (`utrack serve`, embedded stores: SQLite, chDB, disk log). The
crowd is generated inside ClickHouse by bench/queries.py's generator (`INSERT … SELECT … FROM
numbers(N)`: visits of 1 to 8 events, sources, UTM, 1,000 pages, countries, devices, props, 2 %
bots), written into the service's data directory before it starts (chDB allows one process per
data directory). Headless Chromium then signs in and opens the main view for that month, and the
page itself reports `performance.now()` (milliseconds since navigation started) at the first frame
where every headline number, the graph, every report card, e-commerce and Web Vitals are filled.
First load uncached (a fresh service: every query computes), then reloads through the query cache.

    .venv/bin/python bench/dashboard.py                     # 1M events
    .venv/bin/python bench/dashboard.py --events 100000 --runs 3
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import launch  # noqa: E402
from tests.e2e.harness import Service  # noqa: E402

from core.config.settings import Settings  # noqa: E402

STATIC = ROOT / "src" / "tracking" / "dashboard" / "static"
_LOAD_SCRIPT = """
import sys
from bench.queries import _LOAD, FIRST_DAY
from core.analytics.factory import build_analytics_store
from core.config.settings import Settings
from core.ingest.visits import BACKFILL
from datetime import UTC, datetime
site_id, domain, events, days = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = build_analytics_store(Settings())
visits = max(1, round(events / 4.5))
start_ms = int(datetime.combine(FIRST_DAY, datetime.min.time(), UTC).timestamp() * 1000)
sql = _LOAD.replace("'site_bench'", "%(site_id)s").replace("'https://shop.example'", "%(origin)s") \\
           .replace("'shop.example'", "%(domain)s")
store.execute(sql, {"start_ms": start_ms, "span_ms": days * 86_400_000, "visits": visits, "slots": visits * 8,
                    "site_id": site_id, "origin": "https://" + domain, "domain": domain})
store.execute("OPTIMIZE TABLE events FINAL")
store.execute(BACKFILL)  # what the worker's visit refreshes add up to (core.ingest.visits)
print(store.query("SELECT count() FROM events WHERE site_id = %(s)s", {"s": site_id})[0][0], FIRST_DAY.isoformat())
store.close()
"""
# The first frame where every widget shows its answer (dashboard/src: no "Loading…", no busy list,
# the seven headline numbers, the graph's canvas, e-commerce's figures and the vitals card settled).
FILLED = """() => {
  const main = document.querySelector('main.page');
  if (!main || main.textContent.includes('Loading')) return false;
  if (document.querySelectorAll('.metrics [data-metric]:not([data-raw=""])').length < 7) return false;
  if (!document.querySelector('.chart canvas') || document.querySelector('[aria-busy=true]')) return false;
  if (!document.querySelector('.stats.shop [data-metric=total_revenue]')) return false;
  return document.querySelectorAll('section.card').length >= 8;
}"""

CALLS = """performance.getEntriesByType('resource').filter(e => e.name.includes('/api/'))
  .map(e => [e.name.split('/api/')[1].split('?')[0], Math.round(e.startTime), Math.round(e.duration)])"""


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--runs", type=int, default=5, help="cached reloads timed after the first load")
    return p.parse_args()


def sizes() -> str:
    index = (STATIC / "index.html").read_text()
    out = []
    for ext in ("js", "css"):
        files = [STATIC / n for n in re.findall(rf'"/dashboard/([\w.-]+\.{ext})"', index)]
        raw = sum(f.stat().st_size for f in files)
        gz = sum(len(subprocess.run(["gzip", "-9", "-n", "-c", str(f)], capture_output=True, check=True).stdout)
                 for f in files)  # as the README's size test measures
        out.append(f"{ext} {raw:,} B ({gz:,} B gzipped)")
    return ", ".join(out)


def main() -> None:
    args, began = parse_args(), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ut-bench-dashboard-") as tmp:
        svc = Service(Settings(data_dir=Path(tmp) / "data", database_url="", redis_url="", clickhouse_url=""),
                      Path(tmp) / "service.log")
        svc.utrack("migrate")
        site = svc.create_site(domain="shop.example", timezone="Europe/Berlin")
        t0 = time.perf_counter()
        # This checkout's own code first (the venv's editable install may point at another checkout).
        path = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
        out = subprocess.run([sys.executable, "-c", _LOAD_SCRIPT, site["site_id"], site["domain"], str(args.events),
                              str(args.days)], env={**svc.env, "PYTHONPATH": path}, capture_output=True,
                             text=True, timeout=1800, cwd=ROOT)
        if out.returncode != 0:
            raise SystemExit(out.stderr[-3000:])
        loaded, first_day = out.stdout.split()
        load_s = time.perf_counter() - t0
        last_day = f"{first_day[:8]}{args.days:02d}"
        svc.start()
        try:
            url = f"{svc.url}/?period=custom&from={first_day}&to={last_day}&interval=day"
            with sync_playwright() as playwright:
                browser = launch(playwright)
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                signed = context.request.post(f"{svc.url}/api/v1/dashboard/session", data={"key": site["secret_key"]})
                assert signed.ok, signed.text()
                page = context.new_page()
                timings = []
                for run in range(args.runs + 1):
                    page.goto(url) if run == 0 else page.reload()
                    page.wait_for_function(FILLED, polling="raf", timeout=120_000)
                    timings.append(page.evaluate("performance.now()"))
                    if run == 0:  # the uncached load's API calls: (path, started, took) in ms since navigation
                        calls = page.evaluate(CALLS)
                queries = len(calls)
                browser.close()
        finally:
            svc.stop()
    first, cached = timings[0], timings[1:]
    print(f"# {int(loaded):,} events over {args.days} days ({first_day}…{last_day}); generated and loaded in "
          f"{load_s:.1f} s; Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"# dashboard assets: {sizes()}; {queries} API requests per load")
    print("| navigation → every widget filled | ms |")
    print("|---|---:|")
    print(f"| first load (uncached: every query computes) | {first:.0f} |")
    if cached:
        print(f"| reload, answers cached (median of {len(cached)}) | {statistics.median(cached):.0f} |")
    print("# first load's API calls (path, started ms, took ms): "
          + ", ".join(f"{path} {start}+{took}" for path, start, took in calls))
    print(json.dumps({"first_ms": round(first), "cached_ms": [round(c) for c in cached]}))
    print(f"# total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
