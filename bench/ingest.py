"""Ingest benchmark: requests/s, events/s and latency of the collect endpoints, end to end.

Loads, over real HTTP on 127.0.0.1, a bare FastAPI baseline and the real service (`utrack serve`)
on the embedded store set and on the real servers, with single pageviews and batches of 50.
After each load on the service it waits for the worker to drain the buffer, then checks that
the stats API counts exactly the accepted pageviews.

    .venv/bin/python bench/ingest.py            # full run, ~2-3 minutes
    .venv/bin/python bench/ingest.py --quick    # ~30 s
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from loadgen import LoadResult, proc_cpu_seconds, run_load, system_busy_seconds  # noqa: E402
from targets import DOMAIN, Target, backlog, bare_target, metric_lines, pageviews, service_target  # noqa: E402

TARGETS = ("bare", "embedded", "servers")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="short run (~30 s): --duration 2.5 --warmup 0.3")
    p.add_argument("--duration", type=float, default=12.0, help="seconds of measured load per target and mode")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of unmeasured load before each")
    p.add_argument("--requests", type=int, default=0, help="also stop after this many requests (0: no limit)")
    p.add_argument("--connections", type=int, default=32, help="concurrent keep-alive connections")
    p.add_argument("--batch-size", type=int, default=50, help="events per /collect/batch request")
    p.add_argument("--targets", default=",".join(TARGETS), help=f"comma-separated subset of {TARGETS}")
    p.add_argument("--client", choices=("raw", "httpx"), default="raw", help="load generator client")
    p.add_argument("--drain-timeout", type=float, default=180.0, help="longest wait for the worker, seconds")
    args = p.parse_args()
    if args.quick:
        args.duration, args.warmup = 2.5, 0.3
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    if unknown := set(args.targets) - set(TARGETS):
        p.error(f"unknown targets: {sorted(unknown)}")
    return args


def load(target: Target, mode: str, args, duration: float) -> LoadResult:
    site_id = target.site["site_id"]
    event = {"site_id": site_id, "url": f"https://{DOMAIN}/pricing?utm_source=bench"}
    if mode == "single":
        path, body = "/collect/pageview", orjson.dumps(event)
    else:
        batch = [{**event, "type": "pageview", "url": f"https://{DOMAIN}/p/{i}"} for i in range(args.batch_size)]
        path, body = "/collect/batch", orjson.dumps({"events": batch})
    return run_load(target.port, path, [body], {"Origin": f"https://{DOMAIN}"}, connections=args.connections,
                    duration=duration, max_requests=args.requests, client=args.client)


def wait_drained(target: Target, timeout: float) -> float | None:
    """Seconds until GET /ready reports an empty buffer; None past the timeout."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if backlog(target) == 0:
            return time.perf_counter() - started
        time.sleep(0.05)
    return None


WORKER_METRICS = ("ut_worker_batch_events_count", "ut_worker_batch_events_sum", "ut_events_write_seconds_sum")


def bench_target(target: Target, args, rows: list, drains: list, anomalies: list) -> None:
    day_from, accepted = datetime.now(UTC).date().isoformat(), 0
    for mode in ("single", "batch"):
        accepted += bench_mode(target, mode, args, rows, drains, anomalies)
    if target.service is not None:
        verify(target, day_from, accepted, drains, anomalies)


def bench_mode(target: Target, mode: str, args, rows: list, drains: list, anomalies: list) -> int:
    """Warm-up, measured load, then (on the service) the drain. Returns the events accepted."""
    started, warm_events = time.perf_counter(), 0
    m0 = metric_lines(target, WORKER_METRICS) if target.service else {}
    if args.warmup > 0:
        warm = load(target, mode, args, args.warmup)
        warm_events = warm.accepted_events
        check(target, mode + " warmup", warm, anomalies)
    cpu0, busy0 = proc_cpu_seconds(target.pid), system_busy_seconds()
    res = load(target, mode, args, args.duration)
    server_cpu = proc_cpu_seconds(target.pid) - cpu0
    other_cpu = system_busy_seconds() - busy0 - server_cpu - res.client_cpu
    check(target, mode, res, anomalies)
    rows.append((target.name, mode, res, server_cpu, other_cpu))
    print(f"  {target.name:16} {mode:6} {res.requests / res.elapsed:9,.0f} req/s "
          f"{res.accepted_events / res.elapsed:9,.0f} ev/s  p50 {res.pct(.5):6.2f} ms  "
          f"p99 {res.pct(.99):7.2f} ms  server CPU {server_cpu / res.elapsed:4.0%}  "
          f"client CPU {res.client_cpu / res.elapsed:4.0%}  other {other_cpu / res.elapsed:4.0%}", flush=True)
    events = res.accepted_events + warm_events
    if target.service is None:
        return events
    load_end = time.perf_counter()
    drain = wait_drained(target, args.drain_timeout)
    if drain is None:
        anomalies.append(f"{target.name} {mode}: buffer not drained after {args.drain_timeout:.0f} s")
        return events
    e2e = events / (load_end - started + drain)
    m1 = metric_lines(target, WORKER_METRICS)
    batches, *sums = (m1.get(k, 0) - m0.get(k, 0) for k in WORKER_METRICS)
    drains.append((target.name, mode, events, drain, e2e, batches, sums[0] / max(batches, 1),
                   sums[1] * 1000 / max(batches, 1)))
    print(f"  {'':16} {mode:6} drained in {drain:.2f} s; end to end {e2e:,.0f} events/s into ClickHouse; "
          f"{batches:,.0f} worker batches of {sums[0] / max(batches, 1):,.1f} events", flush=True)
    return events


def verify(target: Target, day_from: str, accepted: int, drains: list, anomalies: list) -> None:
    counted = pageviews(target, day_from, datetime.now(UTC).date().isoformat())
    verdict = "OK" if counted == accepted else "MISMATCH"
    print(f"  {target.name}: stats pageviews {counted:,} vs accepted {accepted:,}: {verdict}", flush=True)
    drains.append((target.name, "check", accepted, counted, verdict))
    if verdict != "OK":
        anomalies.append(f"{target.name}: stats counted {counted} pageviews, {accepted} were accepted")
    bad = metric_lines(target, ("ut_dead_lettered_total", "ut_bus_failures_total", "ut_events_rejected_total",
                                "ut_events_duplicates_total"))
    anomalies.extend(f"{target.name}: {k} = {v:g}" for k, v in bad.items() if v)


def check(target: Target, mode: str, res: LoadResult, anomalies: list) -> None:
    others = {s: n for s, n in res.statuses.items() if s != 202}
    if others or res.errors:
        anomalies.append(f"{target.name} {mode}: non-202 {others} errors {dict(res.errors)} {res.samples}")


def report(rows, drains, anomalies, args, wall: float) -> None:
    print("\n| target | mode | req/s | events/s | p50 ms | p99 ms |")
    print("|---|---|---:|---:|---:|---:|")
    for name, mode, r, _, _ in rows:
        size = f"batch of {args.batch_size}" if mode == "batch" else "single pageview"
        print(f"| {name} | {size} | {r.requests / r.elapsed:,.0f} | {r.accepted_events / r.elapsed:,.0f} "
              f"| {r.pct(.5):.2f} | {r.pct(.99):.2f} |")
    if drains:
        print("\n| target | mode | events accepted | drain after load s | end-to-end events/s | worker batches "
              "| events/batch | events-log write ms/batch |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for name, mode, events, *d in drains:
            if mode != "check":
                print(f"| {name} | {mode} | {events:,} | {d[0]:.2f} | {d[1]:,.0f} | {d[2]:,.0f} | {d[3]:,.1f} "
                      f"| {d[4]:.1f} |")
        for name, mode, events, *d in drains:
            if mode == "check":
                print(f"\nCheck {name}: GET /api/v1/stats/aggregate pageviews {d[0]:,}, accepted {events:,}: {d[1]}")
    print("\n| target | mode | requests | server CPU | client CPU | other CPU (stores, other jobs) |")
    print("|---|---|---:|---:|---:|---:|")
    for name, mode, r, cpu, other in rows:
        print(f"| {name} | {mode} | {r.requests:,} | {cpu / r.elapsed:.0%} | {r.client_cpu / r.elapsed:.0%} "
              f"| {other / r.elapsed:.0%} |")
    cpu_model = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                      if ln.startswith("model name")), "?")
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        rev = "?"
    print(f"\nCode: {rev}. Machine: nproc {os.cpu_count()} ({cpu_model}), Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; load: {args.client} client, {args.connections} connections, "
          f"{args.duration:g} s per mode after {args.warmup:g} s warm-up, same machine; wall time {wall:.0f} s")
    print("Anomalies: " + ("none" if not anomalies else ""))
    for a in anomalies:
        print(f"  - {a}")


def main() -> int:
    args = parse_args()
    rows, drains, anomalies = [], [], []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ut-bench-") as tmp:
        for name in args.targets:
            directory = Path(tmp) / name
            directory.mkdir()
            print(f"starting {name}...", flush=True)
            ctx = bare_target(directory) if name == "bare" else service_target(name, directory)
            try:
                with ctx as target:
                    bench_target(target, args, rows, drains, anomalies)
            except Exception as exc:
                anomalies.append(f"{name}: failed: {type(exc).__name__}: {exc}")
                for log in directory.glob("*.log"):
                    print(f"--- {log.name} (tail)\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
    report(rows, drains, anomalies, args, time.perf_counter() - started)
    return 1 if anomalies else 0


if __name__ == "__main__":
    sys.exit(main())
