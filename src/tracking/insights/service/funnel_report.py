"""From attempts to the funnel's numbers: per step count, conversion, drop-off and times."""

import statistics
from collections.abc import Iterable, Sequence

from tracking.insights.schemas import FunnelGroup, FunnelStepOut
from tracking.insights.service.funnel_rules import attempts

# One unit's events: times (ms), step masks, and breakdown values (None without a breakdown).
Unit = tuple[Sequence[int], Sequence[int], Sequence[str] | None]


def report(units: Iterable[Unit], *, labels: Sequence[str], order: str, window_ms: int, entry: str,
           start_ms: int, end_ms: int, breakdown: bool) -> list[FunnelGroup]:
    """One group (all attempts, or one per breakdown value of the entry) with one row per step."""
    reached: dict[str, list[list[int]]] = {}
    for ts, masks, values in units:
        for i, times in attempts(ts, masks, steps=len(labels), order=order, window_ms=window_ms, entry=entry,
                                 start_ms=start_ms, end_ms=end_ms):
            reached.setdefault(str(values[i]) if breakdown and values is not None else "", []).append(times)
    groups = [FunnelGroup(value=value if breakdown else None, steps=_steps(labels, runs))
              for value, runs in reached.items()]
    groups.sort(key=lambda g: (-g.steps[0].count, g.value or ""))
    if not groups and not breakdown:
        groups = [FunnelGroup(value=None, steps=_steps(labels, []))]  # nobody entered: zeros
    return groups


def _steps(labels: Sequence[str], runs: list[list[int]]) -> list[FunnelStepOut]:
    out = []
    first = sum(1 for r in runs if r)
    previous = None
    for k, label in enumerate(labels):
        done = [r for r in runs if len(r) > k]
        count = len(done)
        from_first = [r[k] / 1000 for r in done]
        from_previous = [(r[k] - r[k - 1]) / 1000 for r in done] if k else []
        out.append(FunnelStepOut(
            step=k + 1, label=label, count=count,
            conversion_from_first=_pct(count, first), conversion_from_previous=_pct(count, previous)
            if k else (100.0 if count else 0.0),
            dropoff=(previous - count) if k else 0, dropoff_rate=_pct(previous - count, previous) if k else 0.0,
            median_s_from_previous=_median(from_previous), average_s_from_previous=_mean(from_previous),
            median_s_from_first=_median(from_first), average_s_from_first=_mean(from_first)))
        previous = count
    return out


def _pct(part: int, whole: int | None) -> float:
    return round(100 * part / whole, 2) if whole else 0.0


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None
