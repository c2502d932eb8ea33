"""Object keys of an exported interval, Hive style, deterministic from (site, interval) alone.

    <prefix>/site=<id>/dt=YYYY-MM-DD/hour=HH/part-<n>.<ext>         intervals of an hour or more
    <prefix>/site=<id>/dt=YYYY-MM-DD/hour=HH/minute=MM/part-<n>...   shorter intervals (15, 20, 30 min)

The time is the interval's start, UTC (the time rows were written, see clickhouse.py). Each
interval directory also gets `_manifest.json` and, last, `_SUCCESS`.
"""

from datetime import UTC, datetime

# Allowed intervals: 15 min to 1 day, dividing the day, so intervals never straddle midnight UTC.
INTERVALS_S = (900, 1200, 1800, 3600, 7200, 10800, 14400, 21600, 28800, 43200, 86400)


def interval_dir(prefix: str, site_id: str, start_ms: int, interval_s: int) -> str:
    at = datetime.fromtimestamp(start_ms / 1000, UTC)
    parts = [p for p in prefix.strip("/").split("/") if p]
    parts += [f"site={site_id}", f"dt={at:%Y-%m-%d}", f"hour={at:%H}"]
    if interval_s < 3600:
        parts.append(f"minute={at:%M}")
    return "/".join(parts)


def floor_ms(ms: int, interval_s: int) -> int:
    step = interval_s * 1000
    return ms - ms % step
