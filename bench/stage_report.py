"""The table bench/ingest_stages.py prints: the measured stages, their sums and what lies between."""

import os
import subprocess
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORKER_WHOLE = "worker: whole loop (measured)"
WHOLE = "whole IngestService.collect_browser (measured)"
HTTP = "whole HTTP request in process (ASGI app, measured)"


def rows(col: dict[str, float]) -> list[tuple[str, float]]:
    """The table of one column: request stages, their sum against the measured whole, the HTTP
    layer around it; then the worker's timed parts and the rest of its loop."""
    request = [k for k in col if not k.startswith("worker:") and k not in (WORKER_WHOLE, WHOLE, HTTP)]
    summed = sum(v for k, v in col.items() if k in request and not k.startswith("  of which"))
    worker = [k for k in col if k.startswith("worker:") and k != WORKER_WHOLE]
    worker_sum = sum(col[k] for k in worker)
    out = [(k, col[k]) for k in request]
    out += [("**request stages, sum**", summed), (WHOLE, col[WHOLE]),
            ("HTTP app around it (middleware, routing, body, rate limits, thread hop, response)",
             col[HTTP] - col[WHOLE]), (f"**{HTTP}**", col[HTTP])]
    out += [(k, col[k]) for k in worker]
    out += [("worker: the rest (decode, duplicates, bus events, glue)", col[WORKER_WHOLE] - worker_sum),
            (f"**{WORKER_WHOLE}**", col[WORKER_WHOLE]),
            ("**request + worker, per event**", col[HTTP] + col[WORKER_WHOLE])]
    return out


def report(events: list, columns: dict, meta: dict, repeat: int, wall: float, load_before) -> None:
    sizes = list(columns)
    heads = " | ".join("single event" if s == 1 else f"batch of {s}" for s in sizes)
    print(f"\n| stage (µs of process CPU per event) | {heads} |")
    print("|---|" + "---:|" * len(sizes))
    tables = [rows(columns[s]) for s in sizes]
    for i, (stage, _) in enumerate(tables[0]):
        print(f"| {stage} | " + " | ".join(f"{t[i][1]:,.1f}" for t in tables) + " |")
    for s in sizes:
        print(f"\nbatch size {s}: {meta[s]}")
    distinct = (len({e.user_agent for e in events}), len({e.ip for e in events}),
                len({e.body.get("referrer", "") for e in events}))
    types = defaultdict(int)
    for e in events:
        types[e.body["type"]] += 1
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = "?"
    print(f"\n{len(events):,} events ({dict(types)}), {distinct[0]} distinct UAs, {distinct[1]} IPs, "
          f"{distinct[2]} referrers; median of {repeat} fresh runs; code {rev}; load average "
          f"{load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after; wall {wall:.0f} s")
